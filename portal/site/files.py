"""The site's machine-readable files: sitemap, robots.txt, news feed, calendars and open data."""
from __future__ import annotations

from flask import Response, abort, current_app, request, url_for

from portal.site import feeds, open_data
from portal.site.row_memo import memoised

from . import bp, content
from .views import render


EXTERNAL_URLS = "portal.site.external_urls"
SITEMAP_MEMO = "portal.site.sitemap_memo"  # its lines by the plan's addresses (row_memo.py)


def external(endpoint: str, **values) -> str:
    """An absolute address, remembered by the app: the sitemap and the open data list every item's address, and a
    publishing worker keeps its site app (url_for took about half of rendering those files for one edit)."""
    key = (request.host_url, request.script_root, endpoint, tuple(sorted(values.items())))
    known = current_app.extensions.setdefault(EXTERNAL_URLS, {})
    found = known.get(key)
    if found is None:
        found = known[key] = url_for(endpoint, _external=True, **values)
    return found


def item_url(kind: str, item) -> str:
    endpoints = {"organisations": "site.organisation", "roadmaps": "site.roadmap", "cases": "site.case",
                 "news": "site.news_item", "events": "site.event"}
    return external(endpoints[kind], slug=item.slug)


@bp.get("/sitemap.xml")
def sitemap() -> Response:
    from .urls import addresses

    memo = current_app.extensions.setdefault(SITEMAP_MEMO, {}).setdefault(request.host_url, {})
    lines = memoised([a for a in addresses() if a.in_sitemap], memo,
                     lambda a: feeds.sitemap_line(external(a.endpoint, **a.values), a.modified))
    return Response(feeds.sitemap_document(lines), mimetype="application/xml")


@bp.get("/robots.txt")
def robots() -> Response:
    return Response(feeds.robots_txt(external("site.sitemap")), mimetype="text/plain")


@bp.get("/feeds/news.atom")
def news_feed() -> Response:
    snap = content.current()
    body = feeds.news_atom(snap.news, site_name=current_app.config["SITE_NAME"], feed_url=external("site.news_feed"),
                           site_url=external("site.home"), item_url=lambda n: item_url("news", n),
                           updated=max((n.updated_at for n in snap.news), default=snap.now),
                           time_zone=current_app.config["TIME_ZONE"])
    return Response(body, mimetype="application/atom+xml")


@bp.get("/events.ics")
def events_calendar() -> Response:
    body = feeds.events_ical(content.current().events, site_name=current_app.config["SITE_NAME"],
                             item_url=lambda e: item_url("events", e), time_zone=current_app.config["TIME_ZONE"])
    return Response(body, mimetype="text/calendar")


@bp.get("/events/<slug>/event.ics")
def event_calendar(slug: str) -> Response:
    event = content.current().event_by_slug.get(slug) or abort(404)
    body = feeds.event_ical(event, site_name=current_app.config["SITE_NAME"], item_url=lambda e: item_url("events", e),
                            time_zone=current_app.config["TIME_ZONE"])
    return Response(body, mimetype="text/calendar")


@bp.get("/open-data/")
def open_data_page() -> str:
    return render("site/open_data.html", datasets=open_data.DATASETS)


OPEN_DATA_MEMO = "portal.site.open_data_memo"


def _memo(name: str, fmt: str) -> dict:
    """Each dataset's rows as last made, on the app: a publishing worker keeps its site app from build to build."""
    return current_app.extensions.setdefault(OPEN_DATA_MEMO, {}).setdefault((name, fmt, request.host_url), {})


@bp.get("/open-data/<name>.json")
def open_data_json(name: str) -> Response:
    if name not in {d.name for d in open_data.DATASETS}:
        abort(404)
    return Response(open_data.dataset_json(content.current(), name, item_url=item_url, memo=_memo(name, "json")),
                    mimetype="application/json")


@bp.get("/open-data/<name>.csv")
def open_data_csv(name: str) -> Response:
    dataset = next((d for d in open_data.DATASETS if d.name == name), None)
    if dataset is None or "csv" not in dataset.formats:
        abort(404)
    return Response(open_data.dataset_csv(content.current(), name, item_url=item_url, memo=_memo(name, "csv")),
                    mimetype="text/csv")
