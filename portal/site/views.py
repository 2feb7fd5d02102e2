"""Views of the public site. Each reads the content snapshot (portal/site/content.py), never the database."""
from __future__ import annotations

import math
import posixpath
from datetime import date
from functools import lru_cache
from typing import Callable
from flask import abort, current_app, render_template, request, url_for
from markupsafe import Markup

from portal import text
from portal.filters import WEEKDAYS, plural
from portal.models import DocumentKind, MentoringForm, PageKind
from portal.roadmaps.progress import effective_status, progress
from portal.roadmaps.timeline import timeline_svg

from . import bp, calendar, content
from .catalogue import case_year
from .charts import bar_chart

# Where each kind of item lives: (endpoint, attribute of the snapshot with its items by slug, table name).
ITEM_ENDPOINTS = {
    "organisation": ("site.organisation", "organisation_by_slug", "organisation"),
    "roadmap": ("site.roadmap", "roadmap_by_slug", "roadmap"),
    "case": ("site.case", "case_by_slug", "case"),
    "news": ("site.news_item", "news_by_slug", "news_item"),
    "event": ("site.event", "event_by_slug", "event"),
    "page": ("site.page", "page_by_slug", "page"),
}


def relative(url: str) -> str:
    """A site address relative to the page being rendered, when freezing for any static host (and file://)."""
    return _linker()(url)


def _linker() -> Callable[[str], str]:
    """`relative` for the page being rendered, with what it needs of the request read once: templates call it for
    every link (a region's build makes 10^5 of them, and each werkzeug proxy lookup costs)."""
    if not current_app.config.get("SITE_RELATIVE_URLS") or request.endpoint == "site.not_found_page":
        return lambda url: url  # the 404 page is served at any depth: it links from the site's root path
    here = posixpath.dirname(request.script_root + request.path)
    return lambda url: _relative_path(url, here)


@lru_cache(maxsize=65536)
def _relative_path(url: str, here: str) -> str:
    path = _relpath(url, here)
    return path + "/index.html" if url.endswith("/") else path


def _relpath(path: str, start: str) -> str:
    """posixpath.relpath for the normalised absolute paths url_for makes, without its abspath/normpath calls
    (most pages have a folder of their own, so the cache above rarely hits)."""
    target, origin = [part for part in path.split("/") if part], [part for part in start.split("/") if part]
    common = 0
    for mine, theirs in zip(target, origin):
        if mine != theirs:
            break
        common += 1
    parts = [".."] * (len(origin) - common) + target[common:]
    return "/".join(parts) if parts else "."


def _url_for_cache() -> Callable[..., str]:
    """url_for, remembered for the build's snapshot: the same card links from hundreds of list pages."""
    snapshot = current_app.extensions.get(content.SNAPSHOT_KEY)
    if snapshot is None:
        return url_for
    cache = snapshot.__dict__.setdefault("_urls", {})
    root = request.script_root

    def cached(endpoint: str, **values) -> str:
        key = (root, endpoint, tuple(sorted(values.items())))
        found = cache.get(key)
        if found is None:
            found = cache[key] = url_for(endpoint, **values)
        return found

    return cached


@bp.context_processor
def relative_links() -> dict:
    """Site templates link relatively while freezing (Frozen-Flask's own relative mode forgets a sub-path)."""
    link, address = _linker(), _url_for_cache()
    return {"url_for": lambda endpoint, **values: link(address(endpoint, **values)),
            # A stored text, sanitized on save, with the library's pictures linked as every other address.
            "prose": lambda html: Markup(text.relink_media(html or "", lambda name: link(
                address("site.media_file", name=name))))}


@bp.app_template_global()
def prose(html: str | None) -> Markup:
    """A stored text (sanitized on save) with the library's pictures linked; the admin's preview of a site page
    uses this one, the site's own pages the relative one of `relative_links`."""
    return Markup(text.relink_media(html or "", lambda name: url_for("site.media_file", name=name)))


# The menu item each page belongs to (marked aria-current in the header).
SECTIONS = {
    "cases": "site.cases", "case": "site.cases", "cases_filtered": "site.cases", "case_filters": "site.cases",
    "cases_combined": "site.cases", "cases_by_title": "site.cases",
    "roadmaps": "site.roadmaps", "roadmap": "site.roadmaps",
    "organisations": "site.organisations", "organisation": "site.organisations",
    "news": "site.news", "news_item": "site.news",
    "events": "site.events", "event": "site.events", "calendar": "site.events", "calendar_month": "site.events",
    "registries": "site.registries", "mentors": "site.registries", "search": "site.search",
    "documents": "site.documents", "indicators": "site.registries", "indicators_csv": "site.registries",
    "questionnaire_results": "site.registries", "best_mentors": "site.registries",
}


def canonical_url() -> str:
    """The page's absolute address on the published site (canonical link, OpenGraph)."""
    base = current_app.config.get("FREEZER_BASE_URL") or current_app.config["SITE_URL"]
    return base.rstrip("/") + request.path


def render(template: str, **context) -> str:
    snapshot = context.pop("snapshot", None) or content.current()
    root = relative(url_for("site.home"))
    site_root = root.removesuffix("index.html") if root.endswith("index.html") else root
    section = SECTIONS.get((request.endpoint or "").removeprefix("site."))
    if request.endpoint == "site.page":
        section = request.view_args.get("slug")
    return render_template(template, snap=snapshot, site_name=current_app.config["SITE_NAME"],
                           menu=[p for p in snapshot.pages if p.kind != PageKind.DOCUMENTS],  # under «Документы»
                           site_root=site_root or "./", section=section,
                           canonical=canonical_url(), **context)


PAGER_AROUND = 2  # page numbers shown on each side of the current one


@bp.app_template_global()
def pager_numbers(page: int, pages: int) -> list[int | None]:
    """The page numbers a list's pager shows: the first and last two, and two on each side of the current page;
    None where numbers are left out. A region's news run to 300 pages: all of them on every page was unusable
    (and 90 000 links to write)."""
    shown = {1, 2, pages - 1, pages, *range(page - PAGER_AROUND, page + PAGER_AROUND + 1)}
    numbers: list[int | None] = []
    for number in sorted(n for n in shown if 1 <= n <= pages):
        if numbers and number - numbers[-1] > 1:
            numbers.append(None)
        numbers.append(number)
    return numbers


def paginate(items: list, page: int) -> tuple[list, int]:
    per_page = current_app.config["SITE_ITEMS_PER_PAGE"]
    pages = max(1, math.ceil(len(items) / per_page))
    if page < 1 or page > pages:
        abort(404)
    return items[(page - 1) * per_page: page * per_page], pages


def find(kind: str, slug: str, endpoint: str | None = None):
    """The item, or a redirect page when the slug is an old address of a public item."""
    own_endpoint, attribute, table = ITEM_ENDPOINTS[kind]
    endpoint = endpoint or own_endpoint
    snapshot = content.current()
    item = getattr(snapshot, attribute).get(slug)
    if item is not None:
        return item, None
    by_id = {i.id: i for i in getattr(snapshot, attribute).values()}
    for old in snapshot.old_slugs:
        if old.kind == table and old.slug == slug and old.target_id in by_id:
            target = relative(url_for(endpoint, slug=by_id[old.target_id].slug))
            return None, render("site/redirect.html", target=target, title=str(by_id[old.target_id]))
    abort(404)


@bp.get("/")
def home() -> str:
    snap = content.current()
    chart = bar_chart("Действующие наставнические пары и группы по формам наставничества",
                      [(form.label, n) for form, n in snap.pairings_by_form.most_common()], "pairs-by-form")
    return render("site/home.html", snapshot=snap, news=snap.news[:4], events=snap.upcoming_events()[:4],
                  cases=snap.cases[:6], chart=chart)


@bp.get("/organisations/")
def organisations() -> str:
    return render("site/organisations.html")


@bp.get("/organisations/<slug>/")
def organisation(slug: str):
    item, redirect = find("organisation", slug)
    if redirect:
        return redirect
    return organisation_page(item)


def organisation_page(item, preview: bool = False) -> str:
    snap = content.current()
    today = snap.now.date()
    return render("site/organisation.html", organisation=item, preview=preview,
                  progress={r.id: progress(r, today) for r in snap.of(item, "roadmaps")})


@bp.get("/roadmaps/")
def roadmaps() -> str:
    return render("site/roadmaps.html")


@bp.get("/roadmaps/<slug>/")
def roadmap(slug: str):
    item, redirect = find("roadmap", slug)
    return redirect or roadmap_page(item)


def roadmap_page(item, preview: bool = False) -> str:
    today = content.current().now.date()
    statuses = {a.id: effective_status(a, today) for s in item.stages for a in s.activities}
    return render("site/roadmap.html", roadmap=item, progress=progress(item, today), statuses=statuses,
                  timeline=timeline_svg(item, today), preview=preview)


@bp.get("/cases/<slug>/")
def case(slug: str):
    item, redirect = find("case", slug)
    return redirect or render("site/case.html", case=item, related=content.current().related_cases(item),
                              year=case_year(item))


@bp.get("/news/", defaults={"page": 1})
@bp.get("/news/page/<int:page>/")
def news(page: int) -> str:
    items, pages = paginate(content.current().news, page)
    return render("site/news.html", items=items, page=page, pages=pages)


@bp.get("/news/<slug>/")
def news_item(slug: str):
    item, redirect = find("news", slug)
    return redirect or render("site/news_item.html", item=item)


@bp.get("/events/")
def events() -> str:
    snap = content.current()
    upcoming = snap.upcoming_events()
    shown = {e.id for e in upcoming}
    # Older events stay reachable through the calendar's month pages; the list keeps only the latest ones.
    past = [e for e in reversed(snap.events) if e.id not in shown][:2 * current_app.config["SITE_ITEMS_PER_PAGE"]]
    return render("site/events.html", upcoming=upcoming, past=past)


def month_start(pair: tuple[int, int]) -> date:
    return date(pair[0], pair[1], 1)


@bp.get("/events/calendar/", defaults={"year": None, "month": None})
@bp.get("/events/calendar/<int:year>-<int(fixed_digits=2):month>/")
def calendar_month(year: int | None, month: int | None) -> str:
    """A month of events as a calendar grid; /events/calendar/ is the month of the build."""
    snap = content.current()
    today = snap.now.date()
    months = snap.calendar_months
    current = (today.year, today.month) if year is None else (year, month)
    if current not in months:
        abort(404)
    index = months.index(current)
    events = snap.events_by_month.get(current, [])  # the month's only: month_weeks places no other on the grid
    return render("site/calendar.html", year=current[0], month=current[1], first_day=month_start(current),
                  weeks=calendar.month_weeks(*current, events, today), events=events,
                  previous=month_start(months[index - 1]) if index > 0 else None,
                  next=month_start(months[index + 1]) if index + 1 < len(months) else None,
                  this_month=(today.year, today.month), weekdays=WEEKDAYS)


@bp.get("/events/<slug>/")
def event(slug: str):
    item, redirect = find("event", slug)
    return redirect or render("site/event.html", event=item)


@bp.get("/pages/<slug>/")
def page(slug: str):
    item, redirect = find("page", slug)
    return redirect or render("site/page.html", page=item)


@bp.get("/mentors/")
def mentors() -> str:
    """Mentors who consented to publication, with only the fields they allowed."""
    return render("site/mentors.html")


@bp.get("/registries/")
def registries() -> str:
    snap = content.current()
    forms = [(form.label, snap.pairings_by_form[form]) for form in MentoringForm]
    by_org = sorted(((o.short_name, snap.mentors_by_organisation[o.id] + snap.mentees_by_organisation[o.id])
                     for o in snap.organisations), key=lambda row: -row[1])[:15]
    years = sorted(set(snap.pairings_by_year) | set(snap.joined_by_year))
    charts = {
        "forms": bar_chart("Действующие пары и группы по формам наставничества",
                           sorted(forms, key=lambda row: -row[1]), "chart-forms"),
        "organisations": bar_chart("Участники программ по организациям (наставники и наставляемые)", by_org,
                                   "chart-organisations"),
        "years": bar_chart("Закреплено пар и групп по годам",
                           [(str(y), snap.pairings_by_year[y]) for y in years], "chart-years"),
        "joined": bar_chart("Вошли в программы наставничества по годам",
                            [(str(y), snap.joined_by_year[y]) for y in years], "chart-joined"),
    }
    return render("site/registries.html", charts=charts, years=years,
                  mentors=plural(sum(snap.mentors_by_organisation.values()), "наставник", "наставника",
                                 "наставников"),
                  mentees=plural(sum(snap.mentees_by_organisation.values()), "наставляемый", "наставляемых",
                                 "наставляемых"))


@bp.get("/documents/")
def documents() -> str:
    """Normative documents: the municipality's first, then each organisation's, by kind, newest first."""
    snap = content.current()
    groups = []
    for organisation in [None, *snap.organisations]:
        own = snap.documents_of(organisation)
        if own:
            by_kind = [(kind, [d for d in own if d.document_kind == kind]) for kind in DocumentKind]
            groups.append((organisation, [(kind, items) for kind, items in by_kind if items]))
    intro = [p for p in snap.pages if p.kind == PageKind.DOCUMENTS]
    return render("site/documents.html", groups=groups, intro=intro, headings=DOCUMENT_HEADINGS)


DOCUMENT_HEADINGS = {DocumentKind.ORDER: "Приказы", DocumentKind.REGULATION: "Положения",
                     DocumentKind.ROADMAP: "Дорожные карты", DocumentKind.TEMPLATE: "Шаблоны",
                     DocumentKind.REPORT: "Отчёты", DocumentKind.OTHER: "Другие документы"}


@bp.get("/search/")
def search() -> str:
    return render("site/search.html")


@bp.get("/404.html")
def not_found_page() -> str:
    """The static host's «not found» page (written as a file, so it answers 200 here)."""
    return render("site/404.html")


@bp.get("/embed/<slug>/roadmap/")
def embed_roadmap(slug: str) -> str:
    snap = content.current()
    organisation, redirect = find("organisation", slug, "site.embed_roadmap")
    if redirect:
        return redirect  # schools' iframes keep working after a rename
    today = snap.now.date()
    items = snap.of(organisation, "roadmaps")
    return render("site/embed_roadmap.html", organisation=organisation, roadmaps=items,
                  progress={r.id: progress(r, today) for r in items})


@bp.get("/embed/<slug>/cases/")
def embed_cases(slug: str) -> str:
    snap = content.current()
    organisation, redirect = find("organisation", slug, "site.embed_cases")
    if redirect:
        return redirect
    return render("site/embed_cases.html", organisation=organisation, cases=snap.of(organisation, "cases"))

