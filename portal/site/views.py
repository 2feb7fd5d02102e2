"""Views of the public site. Each reads the content snapshot (portal/site/content.py), never the database."""
from __future__ import annotations

import math
import posixpath
from flask import abort, current_app, render_template, request, url_for

from portal.roadmaps.progress import effective_status, progress
from portal.roadmaps.timeline import timeline_svg

from . import bp, content

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
    if not current_app.config.get("SITE_RELATIVE_URLS") or request.endpoint == "site.not_found_page":
        return url  # the 404 page is served at any depth: it links from the site's root path
    here = posixpath.dirname(request.script_root + request.path)
    path = posixpath.relpath(url, here)
    return path + "/index.html" if url.endswith("/") else path


@bp.context_processor
def relative_links() -> dict:
    """Site templates link relatively while freezing (Frozen-Flask's own relative mode forgets a sub-path)."""
    return {"url_for": lambda endpoint, **values: relative(url_for(endpoint, **values))}


def render(template: str, **context) -> str:
    snapshot = context.pop("snapshot", None) or content.current()
    root = relative(url_for("site.home"))
    site_root = root.removesuffix("index.html") if root.endswith("index.html") else root
    return render_template(template, snap=snapshot, site_name=current_app.config["SITE_NAME"],
                           menu=snapshot.pages, site_root=site_root or "./", **context)


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
    return render("site/home.html", snapshot=snap, news=snap.news[:4], events=snap.upcoming_events()[:4],
                  cases=snap.cases[:6])


@bp.get("/organisations/")
def organisations() -> str:
    return render("site/organisations.html")


@bp.get("/organisations/<slug>/")
def organisation(slug: str):
    item, redirect = find("organisation", slug)
    return redirect or render("site/organisation.html", organisation=item)


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


@bp.get("/cases/", defaults={"page": 1})
@bp.get("/cases/page/<int:page>/")
def cases(page: int) -> str:
    items, pages = paginate(content.current().cases, page)
    return render("site/cases.html", items=items, page=page, pages=pages)


@bp.get("/cases/<slug>/")
def case(slug: str):
    item, redirect = find("case", slug)
    return redirect or render("site/case.html", case=item, related=content.current().related_cases(item))


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
    past = [e for e in reversed(snap.events) if e not in upcoming]
    return render("site/events.html", upcoming=upcoming, past=past)


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
    return render("site/registries.html")


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

