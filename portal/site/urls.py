"""Every address of the public site, with what each page depends on (its fingerprint).

The build compares fingerprints with the previous build's: a page whose inputs did not change is not
rendered again. A fingerprint covers the page's own rows (id and updated_at), what it shows of others, the
menu, today's date where statuses depend on it, and the site's code and templates (any change there
rebuilds everything).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Iterator

from flask import current_app

from . import content
from .content import Snapshot, fingerprint
from .page_rows import card, card_memo, cards, org_row, roadmap_parts, rows
from .row_memo import Reuse, memoised
from .version import site_version


@dataclass(frozen=True)
class Address:
    endpoint: str
    values: dict[str, Any]
    fingerprint: str | None  # None: always rendered (cheap files such as feeds)
    modified: datetime | date | None = None
    in_sitemap: bool = True
    redirect: bool = False  # a page that sends visitors from an old address to the new one


def addresses(snap: Snapshot | None = None) -> list[Address]:
    """Every address with its fingerprint; worked out once per snapshot (the build plans with it and
    sitemap.xml lists it again). A section whose parts did not change since the kept snapshot's build keeps
    its addresses (`keep_sections`)."""
    snap = snap or content.current()
    key = (current_app.config.get("FREEZER_BASE_URL"), current_app.config["SITE_URL"])
    cached = snap.__dict__.get("_addresses")
    if cached is None or cached[0] != key:
        listed = _addresses(snap)
        # sitemap.xml lists the others' addresses and dates: it changes when that list does.
        shown = [(a.endpoint, sorted(a.values.items()), a.modified) for a in listed if a.in_sitemap]
        listed.append(Address("site.sitemap", {}, fingerprint((site_version(), key, shown)), in_sitemap=False))
        cached = (key, listed)
        snap.__dict__["_addresses"] = cached
    return cached[1]


def keep_sections(old: Snapshot, new: Snapshot, reloaded: set[str]) -> None:
    """The sections of the old snapshot's plan that read none of the reloaded parts (content_reuse.py)."""
    kept = old.__dict__.get("_sections", {})
    new.__dict__["_sections"] = {name: found for name, found in kept.items()
                                 if SECTIONS[name][0] is not None and not SECTIONS[name][0] & reloaded}
    new.__dict__["_reuse"] = old.__dict__.get("_reuse", {})  # by the objects themselves: see `_reuse`


def _addresses(snap: Snapshot) -> list[Address]:
    base = (site_version(), snap.menu_fingerprint(), current_app.config.get("FREEZER_BASE_URL"),
            current_app.config["SITE_NAME"])

    def fp(*parts) -> str:
        return fingerprint(base + parts)

    context = (base, snap.now.date(), current_app.config["SITE_ITEMS_PER_PAGE"],
               current_app.config["TIME_ZONE"])
    sections = snap.__dict__.setdefault("_sections", {})
    listed: list[Address] = []
    for name, (_parts, make) in SECTIONS.items():
        found = sections.get(name)
        if found is None or found[0] != context:
            found = sections[name] = (context, list(make(snap, fp)))
        listed += found[1]
    return listed


def _reuse(snap: Snapshot, section: str, fp) -> Reuse:
    """The section's addresses of the last plan, by key, for the same code, menu and settings (row_memo.py)."""
    context = fp(section, current_app.config["SITE_ITEMS_PER_PAGE"], current_app.config["TIME_ZONE"])
    return Reuse(snap.__dict__.setdefault("_reuse", {}).setdefault(section, {}), context)


def _figures(snap: Snapshot) -> tuple:
    return sorted(snap.programs_by_form.items()), sorted(snap.pairings_by_form.items())


def _home(snap: Snapshot, fp) -> Iterator[Address]:
    yield Address("site.home", {}, fp(cards(snap.news[:4]), cards(snap.upcoming_events()[:4]),
                                      cards(snap.cases[:6]), cards(snap.roadmaps), _figures(snap),
                                      len(snap.organisations)))


def _organisations(snap: Snapshot, fp) -> Iterator[Address]:
    today = snap.now.date()
    yield Address("site.organisations", {}, fp(rows(snap.organisations),
                                               [(o.short_name, o.kind) for o in snap.organisations]))
    # An organisation's pages are made again only when one of its rows or figures changed: an edited case
    # touches one organisation of 300.
    reuse = _reuse(snap, "organisations", fp)
    for org in snap.organisations:
        own = tuple(tuple(snap.of(org, kind)) for kind in ("roadmaps", "cases", "news", "events"))
        documents = tuple((d.id, d.updated_at) for d in snap.documents_of(org))
        figures = tuple(counter[org.id] for counter in (snap.programs_by_organisation, snap.pairings_by_organisation,
                                                        snap.mentors_by_organisation, snap.mentees_by_organisation))
        yield from reuse.get(org.id, (org, own, documents, figures, today),
                             lambda: list(_organisation(snap, fp, org, documents, figures, today)))


def _organisation(snap: Snapshot, fp, org, documents: tuple, figures: tuple, today: date) -> Iterator[Address]:
    own = [rows(snap.of(org, kind)) for kind in ("roadmaps", "cases", "news", "events")]
    counts = (list(documents), *figures, [roadmap_parts(r) for r in snap.of(org, "roadmaps")], today)
    yield Address("site.organisation", {"slug": org.slug}, fp(org.id, org.updated_at, own, counts),
                  org.updated_at)
    roadmaps = [(r.id, r.updated_at, roadmap_parts(r)) for r in snap.of(org, "roadmaps")]
    yield Address("site.embed_roadmap", {"slug": org.slug}, fp(org.id, org.updated_at, roadmaps, today),
                  in_sitemap=False)
    yield Address("site.embed_cases", {"slug": org.slug}, fp(org.id, org.updated_at, rows(snap.of(org, "cases"))),
                  in_sitemap=False)


def _roadmaps(snap: Snapshot, fp) -> Iterator[Address]:
    today = snap.now.date()
    yield Address("site.roadmaps", {}, fp([(r.id, r.updated_at, r.title, org_row(r)) for r in snap.roadmaps]))
    for roadmap in snap.roadmaps:
        yield Address("site.roadmap", {"slug": roadmap.slug},
                      fp(roadmap.id, roadmap.updated_at, org_row(roadmap), roadmap_parts(roadmap), today),
                      roadmap.updated_at)


def _items(kind: str, endpoint: str, item_endpoint: str):
    def make(snap: Snapshot, fp) -> Iterator[Address]:
        items = getattr(snap, kind)
        per_page = current_app.config["SITE_ITEMS_PER_PAGE"]
        pages = max(1, math.ceil(len(items) / per_page))
        # Worked out once, not per page: a region has hundreds of list pages.
        facets = fingerprint([(v.value, v.count) for vs in snap.catalogue.filters.values() for v in vs]) \
            if kind == "cases" else ()
        lists = _reuse(snap, f"{kind}:lists", fp)  # a list page is made again only when its items changed
        for number in range(1, pages + 1):
            shown = items[(number - 1) * per_page: number * per_page]
            values = {"page": number} if number > 1 else {}
            yield lists.get(number, (pages, shown, facets), lambda: Address(
                endpoint, values, fp(kind, number, pages, [(rows([i]), org_row(i)) for i in shown], facets)))
        # A page whose item and related cases are the very objects of the last plan (a kept snapshot's unchanged
        # rows: content_reuse.py) keeps its address.
        item_pages = _reuse(snap, f"{kind}:items", fp)
        for item in items:
            related = snap.related_cases(item) if kind == "cases" else []

            def make_page() -> Address:
                # Tags change without touching the case's row (a many-to-many link): they count by name.
                extra = (cards(related), [t.name for t in item.tags]) if kind == "cases" else ()
                return Address(item_endpoint, {"slug": item.slug}, fp(item.id, item.updated_at, org_row(item), extra),
                               item.updated_at)
            yield item_pages.get(item.id, (item, related), make_page)
    return make


def _events_list(snap: Snapshot, fp) -> Iterator[Address]:
    yield Address("site.events", {}, fp(cards(snap.events), [e.id for e in snap.upcoming_events()]))


def _events(snap: Snapshot, fp) -> Iterator[Address]:
    for event in snap.events:
        yield Address("site.event", {"slug": event.slug}, fp(event.id, event.updated_at, org_row(event)),
                      event.updated_at)
        yield Address("site.event_calendar", {"slug": event.slug}, fp(event.id, event.updated_at), in_sitemap=False)


def _pages(snap: Snapshot, fp) -> Iterator[Address]:
    for page in snap.pages:
        yield Address("site.page", {"slug": page.slug}, fp(page.id, page.updated_at), page.updated_at)


def _mentors(snap: Snapshot, fp) -> Iterator[Address]:
    yield Address("site.mentors", {}, fp([(p.key, p.full_name, p.position, p.organisation, p.competencies,
                                           p.achievements) for p in snap.public_mentors]))


def _registries(snap: Snapshot, fp) -> Iterator[Address]:
    yield Address("site.registries", {}, fp(_figures(snap), sorted(snap.mentors_by_organisation.items()),
                                            sorted(snap.mentees_by_organisation.items()),
                                            sorted(snap.pairings_by_organisation.items()),
                                            sorted(snap.pairings_by_year.items()), sorted(snap.joined_by_year.items()),
                                            [(o.id, o.short_name) for o in snap.organisations]))


def _media(snap: Snapshot, fp) -> Iterator[Address]:
    from .media_files import media_url_names

    for name, media in media_url_names(snap):
        yield Address("site.media_file", {"name": name}, fp("media", name, media.size), in_sitemap=False)


def _documents(snap: Snapshot, fp) -> Iterator[Address]:
    documents = [(d.id, d.updated_at, org_row(d)) for d in snap.documents]
    yield Address("site.documents", {}, fp(documents, [(o.id, o.short_name) for o in snap.organisations]))


def _fixed(snap: Snapshot, fp) -> Iterator[Address]:
    for endpoint in ("site.search", "site.open_data_page"):
        yield Address(endpoint, {}, fp(endpoint))
    # The application forms list the organisations to choose from (portal/site/join.py).
    for kind in ("mentor", "mentee"):
        yield Address("site.join", {"kind": kind}, fp("join", kind, [(o.id, o.short_name) for o in snap.organisations]))
    yield Address("site.not_found_page", {}, fp("404"), in_sitemap=False)
    yield Address("site.robots", {}, fp("robots"), in_sitemap=False)


def _feeds(snap: Snapshot, fp) -> Iterator[Address]:
    yield Address("site.news_feed", {}, fp("atom", cards(snap.news)), in_sitemap=False)
    zone = current_app.config["TIME_ZONE"]
    yield Address("site.events_calendar", {}, fp("ics", zone, rows(snap.events)), in_sitemap=False)


# What each open dataset shows, by the snapshot parts it reads: a dataset is worked out again only when they change.
_DATASET_ROWS = {
    "organisations": (("organisations",), lambda snap: rows(snap.organisations)),
    "roadmaps": (("roadmaps", "organisations"), lambda snap: _roadmap_rows(snap)),
    "activities": (("roadmaps", "organisations"), lambda snap: _roadmap_rows(snap)),
    "cases": (("cases", "organisations"), lambda snap: _case_rows(snap)),
    "news": (("news", "organisations"), lambda snap: cards(snap.news)),
    "events": (("events", "organisations"), lambda snap: cards(snap.events)),
    "figures": (("registry_counts", "organisations"),
                lambda snap: (_figures(snap), sorted(snap.programs_by_organisation.items()),
                              sorted(snap.pairings_by_organisation.items()),
                              [(o.id, o.slug) for o in snap.organisations])),
}


def _case_rows(snap: Snapshot) -> list[str]:
    """Each case's card and tags as text, made once per case object (row_memo.py): after one edit, one case's
    text is made again, not 3 000."""
    memo = snap.__dict__.setdefault("_reuse", {}).setdefault("open_data:case_rows", {})
    return memoised(snap.cases, memo, lambda case: repr((card(case), [t.name for t in case.tags])))


def _roadmap_rows(snap: Snapshot) -> tuple:
    return [(r.id, r.updated_at, org_row(r), roadmap_parts(r)) for r in snap.roadmaps], snap.now.date()


def _open_data(names: tuple[str, ...] | None):
    """Each dataset by the rows it lists (its `generated_at` is then the time of the last change); None: the
    datasets this code does not know, made every time rather than left stale."""
    def make(snap: Snapshot, fp) -> Iterator[Address]:
        from portal.site import open_data

        for dataset in open_data.DATASETS:
            known = _DATASET_ROWS.get(dataset.name)
            if (names is None and known is None) or (names is not None and dataset.name in names):
                shown = fingerprint([known[1](snap)]) if known is not None else None  # once for every format
                for fmt in dataset.formats:
                    yield Address(f"site.open_data_{fmt}", {"name": dataset.name},
                                  None if shown is None else fp("open-data", dataset.name, fmt, shown),
                                  in_sitemap=False)
    return make


def _catalogue(snap: Snapshot, fp) -> Iterator[Address]:
    """A page (or several) per filter value; each shows the filters with their counts, so they count too."""
    per_page = current_app.config["SITE_ITEMS_PER_PAGE"]
    catalogue, case_card = snap.catalogue, card_memo(snap)
    # Every filter page shows every filter's counts: one hash of them, not their repr on each of 1 500 pages.
    filters = fingerprint([(v.facet, v.value, v.label, v.count) for values in catalogue.filters.values()
                           for v in values] + [(pair, catalogue.combined_count(*pair))
                                               for pair in catalogue.combinations()])
    for facet in catalogue.filters:
        yield Address("site.case_filters", {"facet": facet}, fp("filters", facet, filters))
    # A list page is made again only when its cases or the counts changed: an edited case is on a dozen of 2 000.
    reuse = _reuse(snap, "catalogue", fp)
    lists = [("site.cases_filtered", {"facet": each.facet, "value": each.value},
              catalogue.matching(each.facet, each.value), ("filtered",))
             for values in catalogue.filters.values() for each in values]
    lists += [("site.cases_by_title", {}, catalogue.by_title, ("site.cases_by_title", {}))]
    lists += [("site.cases_combined", {"form": form, "year": year}, catalogue.combined(form, year),
               ("site.cases_combined", {"form": form, "year": year})) for form, year in catalogue.combinations()]
    for endpoint, values, items, named in lists:
        pages = max(1, math.ceil(len(items) / per_page))
        for number in range(1, pages + 1):
            shown = items[(number - 1) * per_page: number * per_page]
            address = values | ({"page": number} if number > 1 else {})

            def make() -> Address:
                return Address(endpoint, address, fp(*named, number, pages, filters, [case_card(i) for i in shown]),
                               in_sitemap=number == 1)
            yield reuse.get((endpoint, *sorted(address.items())), (filters, pages, shown), make)


def _calendar(snap: Snapshot, fp) -> Iterator[Address]:
    """A page per month from the first event to the last; /events/calendar/ is this month's."""
    today = snap.now.date()
    months = snap.calendar_months
    for index, (year, month) in enumerate(months):
        shown = cards(snap.events_by_month.get((year, month), []))
        # Only this month's page marks today; the others change only when their neighbours do.
        marked = today if (year, month) == (today.year, today.month) else None
        neighbours = (months[index - 1] if index else None, months[index + 1] if index + 1 < len(months) else None)
        yield Address("site.calendar_month", {"year": year, "month": month},
                      fp("month", year, month, shown, marked, neighbours, (today.year, today.month)))
    this_month = snap.events_by_month.get((today.year, today.month), [])
    yield Address("site.calendar_month", {}, fp("calendar", cards(this_month), today), in_sitemap=False)


def _monitoring(snap: Snapshot, fp) -> Iterator[Address]:
    """Indicators (all, per cluster, CSV), questionnaire results, best mentors: each page by what it shows."""
    monitoring = snap.monitoring
    indicators = fingerprint([repr(monitoring.indicators)])
    orgs = [(o.id, o.slug) for o in snap.organisations]
    yield Address("site.indicators", {}, fp("indicators", indicators, orgs))
    for cluster in sorted({r.cluster for r in monitoring.indicators.rows if r.cluster is not None}):
        yield Address("site.indicators", {"cluster": cluster.value}, fp("indicators", cluster.value, indicators, orgs))
    yield Address("site.indicators_csv", {}, fp("indicators.csv", indicators), in_sitemap=False)
    yield Address("site.questionnaire_results", {}, fp("results", repr(monitoring.questionnaire_results), orgs))
    best = repr(sorted(monitoring.best_mentors.items()))
    yield Address("site.best_mentors", {}, fp("best", best, orgs))
    for year in monitoring.best_mentors:
        yield Address("site.best_mentors", {"year": year}, fp("best", year, best, orgs))


def _redirects(snap: Snapshot, fp) -> Iterator[Address]:
    """Old addresses of renamed public items: a redirect page each."""
    from .views import ITEM_ENDPOINTS

    for kind, (endpoint, attribute, table) in ITEM_ENDPOINTS.items():
        by_slug = getattr(snap, attribute)
        live = {item.id: item for item in by_slug.values()}
        for old in snap.old_slugs:
            target = live.get(old.target_id)
            # An old address that a live item uses again is that item's page, not a redirect.
            if old.kind == table and target is not None and old.slug not in by_slug:
                endpoints = [endpoint] + (["site.embed_roadmap", "site.embed_cases"] if kind == "organisation" else [])
                for each in endpoints:
                    yield Address(each, {"slug": old.slug}, fp("redirect", each, target.slug, str(target)),
                                  in_sitemap=False, redirect=True)


ITEMS = ("organisations", "roadmaps", "cases", "news", "events", "pages")
# Each section of the plan: the snapshot parts it reads (content.PARTS, and "monitoring"; None: it reads the time
# of day, so it is always worked out again) and what makes it. Every fingerprint also covers the menu, the site's
# code and the date (`_addresses`' context).
SECTIONS = {
    "home": (None, _home),
    "organisations": (frozenset(ITEMS) - {"pages"} | {"media", "registry_counts", "persons"}, _organisations),
    "roadmaps": (frozenset({"roadmaps", "organisations"}), _roadmaps),
    "cases": (frozenset({"cases", "organisations"}), _items("cases", "site.cases", "site.case")),
    "news": (frozenset({"news", "organisations"}), _items("news", "site.news", "site.news_item")),
    "catalogue": (frozenset({"cases", "organisations"}), _catalogue),
    "calendar": (frozenset({"events", "organisations"}), _calendar),
    "events_list": (None, _events_list),
    "events": (frozenset({"events", "organisations"}), _events),
    "pages": (frozenset({"pages"}), _pages),
    "mentors": (frozenset({"persons"}), _mentors),
    "registries": (frozenset({"registry_counts", "persons", "organisations"}), _registries),
    "redirects": (frozenset(ITEMS) | {"old_slugs"}, _redirects),
    "media": (frozenset({"media"}), _media),
    "documents": (frozenset({"media", "organisations"}), _documents),
    "monitoring": (frozenset({"monitoring", "organisations"}), _monitoring),
    "fixed": (frozenset({"organisations"}), _fixed),
    "feeds": (frozenset({"news", "events", "organisations"}), _feeds),
    **{f"open_data:{name}": (frozenset(parts), _open_data((name,))) for name, (parts, _) in _DATASET_ROWS.items()},
    "open_data:other": (None, _open_data(None)),
}
