"""Machine-readable views of the public site: sitemap, robots.txt, the Atom feed of news, iCalendar of events.

Pure functions of the content they are given: every URL is passed in (the site blueprint knows its routes,
this module does not), so the same code serves the frozen build and a live request.

Times: the portal stores `updated_at` and `publish_at` as naive UTC, and event times (`starts_at`, `ends_at`) as
naive local times of the municipality (Europe/Moscow unless said otherwise).
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, time, timedelta, timezone
from urllib.parse import urlsplit
from xml.sax.saxutils import escape as xml_escape
from zoneinfo import ZoneInfo

from functools import lru_cache

from icalendar import Calendar, Timezone
from icalendar import Event as CalendarEvent

from portal.models import Event, NewsItem

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
ATOM_NS = "http://www.w3.org/2005/Atom"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SITEMAP_MAX_URLS = 50_000  # the protocol's limit per sitemap file
FEED_ENTRIES = 50
DEFAULT_TIMEZONE = "Europe/Moscow"
DEFAULT_EVENT_DURATION = timedelta(hours=1)
ICAL_PRODID = "-//Портал наставничества//mentoring-portal//RU"
UID_DOMAIN = "mentoring-portal"

# Characters XML 1.0 forbids even escaped; text pasted from Word brings some (\x0b is its manual line break).
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(value: object) -> str:
    return _XML_INVALID.sub(" ", "" if value is None else str(value))


def _utc(value: datetime) -> datetime:
    """A stored naive datetime is UTC; an aware one is converted."""
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)


def _w3c_datetime(value: datetime) -> str:
    return _utc(value).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _w3c(value: datetime | date) -> str:
    """W3C Datetime: a date stays a date, a datetime is given in UTC to the second."""
    return _w3c_datetime(value) if isinstance(value, datetime) else value.isoformat()


def _xml_bytes(root: ET.Element) -> bytes:
    ET.indent(root)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="utf-8",
                                                                     xml_declaration=False) + b"\n"


def _sub(parent: ET.Element, tag: str, text: object = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes)
    if text is not None:
        element.text = _xml_text(text)
    return element


# --- sitemap and robots.txt ------------------------------------------------------------------------


_ABSOLUTE = re.compile(r"[hH][tT][tT][pP][sS]?://[^/?#]")  # a scheme of http(s) and a host


def sitemap_xml(entries: Iterable[tuple[str, datetime | date | None]]) -> bytes:
    """A sitemap of (absolute URL, last modification or None) pairs, in the order given."""
    return sitemap_document([sitemap_line(url, lastmod) for url, lastmod in entries])


def sitemap_line(url: str, lastmod: datetime | date | None) -> str:
    """One address of a sitemap (the site remembers them: portal/site/row_memo.py)."""
    # Written as text, laid out as ElementTree's indent() lays it out: a region's sitemap has 10 000 addresses,
    # and building and indenting a tree of them took 0.4 s of every build that changed one lastmod.
    if not _ABSOLUTE.match(url):
        raise ValueError(f"A sitemap needs absolute URLs, got {url!r}")
    return (f"  <url>\n    <loc>{xml_escape(_xml_text(url))}</loc>\n"
            + (f"    <lastmod>{_w3c(lastmod)}</lastmod>\n" if lastmod is not None else "") + "  </url>\n")


def sitemap_document(lines: list[str]) -> bytes:
    if len(lines) > SITEMAP_MAX_URLS:
        raise ValueError(f"A sitemap holds at most {SITEMAP_MAX_URLS} URLs: split it with a sitemap index")
    head = '<?xml version="1.0" encoding="utf-8"?>\n'
    if not lines:
        return (head + f'<urlset xmlns="{SITEMAP_NS}" />\n').encode()
    return (head + f'<urlset xmlns="{SITEMAP_NS}">\n' + "".join(lines) + "</urlset>\n").encode()


def robots_txt(sitemap_url: str) -> str:
    """Everything may be crawled except the embeddable widgets (pages for iframes on schools' sites)."""
    return f"User-agent: *\nAllow: /\nDisallow: /embed/\nSitemap: {sitemap_url}\n"


# --- Atom feed of news -----------------------------------------------------------------------------


def news_entry_id(item: NewsItem, feed_url: str) -> str:
    """A tag: URI (RFC 4151) that survives a change of the item's title, slug or date."""
    authority = urlsplit(feed_url).hostname or UID_DOMAIN
    created = (item.created_at or datetime.combine(item.published_on, time())).date()
    return f"tag:{authority},{created.isoformat()}:news-{item.id}"


def _published(day: date, zone: ZoneInfo) -> str:
    """A news item shows a date; Atom wants a moment: the start of that day in the portal's time zone."""
    return datetime.combine(day, time(), zone).isoformat()


def news_atom(news: Sequence[NewsItem], *, site_name: str, feed_url: str, site_url: str,
              item_url: Callable[[NewsItem], str], updated: datetime,
              time_zone: str = DEFAULT_TIMEZONE) -> bytes:
    """Atom 1.0 feed of the latest 50 news items, newest first; `updated` is the feed's own time (UTC)."""
    zone = ZoneInfo(time_zone)
    root = ET.Element("feed", {"xmlns": ATOM_NS, XML_LANG: "ru"})
    _sub(root, "title", f"{site_name}: новости")
    _sub(root, "id", feed_url)
    _sub(root, "link", rel="self", type="application/atom+xml", href=feed_url)
    _sub(root, "link", rel="alternate", type="text/html", href=site_url)
    _sub(root, "updated", _w3c_datetime(updated))
    author = _sub(root, "author")
    _sub(author, "name", site_name)
    latest = sorted(news, key=lambda n: (n.published_on, n.id or 0), reverse=True)[:FEED_ENTRIES]
    for item in latest:
        url = item_url(item)
        entry = _sub(root, "entry")
        _sub(entry, "title", item.title)
        _sub(entry, "link", rel="alternate", type="text/html", href=url)
        _sub(entry, "id", news_entry_id(item, feed_url))
        _sub(entry, "updated", _w3c_datetime(item.updated_at or updated))
        _sub(entry, "published", _published(item.published_on, zone))
        entry_author = _sub(entry, "author")
        _sub(entry_author, "name", item.organisation.short_name if item.organisation else site_name)
        if item.summary:
            _sub(entry, "summary", item.summary, type="text")
        _sub(entry, "content", item.body_html or "", type="html")  # sanitized on save; escaped here as text
    return _xml_bytes(root)


# --- iCalendar of events ---------------------------------------------------------------------------


def _vevent(event: Event, item_url: Callable[[Event], str], zone: ZoneInfo) -> CalendarEvent:
    url = item_url(event)
    start = event.starts_at.replace(tzinfo=zone)
    end = event.ends_at.replace(tzinfo=zone) if event.ends_at is not None else None
    if end is None or end < start:
        end = start + DEFAULT_EVENT_DURATION
    component = CalendarEvent()
    component.add("uid", f"event-{event.id}@{UID_DOMAIN}")
    component.add("dtstamp", _utc(event.updated_at or datetime.now(timezone.utc)))
    if event.updated_at is not None:
        component.add("last-modified", _utc(event.updated_at))
    component.add("summary", event.title)
    component.add("dtstart", start)
    component.add("dtend", end)
    if event.place:
        component.add("location", event.place)
    component.add("description", "\n".join(part for part in (event.summary.strip() if event.summary else "", url)
                                            if part))
    component.add("url", url)
    if event.kind:
        component.add("categories", [event.kind.label])
    return component


def events_ical(events: Sequence[Event], *, site_name: str, item_url: Callable[[Event], str],
                time_zone: str = DEFAULT_TIMEZONE) -> bytes:
    """A calendar of the events, their times local to `time_zone` (with its VTIMEZONE, for Outlook)."""
    zone = ZoneInfo(time_zone)
    calendar = Calendar()
    calendar.add("prodid", ICAL_PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"{site_name}: мероприятия")
    calendar.add("x-wr-timezone", time_zone)
    ordered = sorted(events, key=lambda e: (e.starts_at, e.id or 0))
    for event in ordered:
        calendar.add_component(_vevent(event, item_url, zone))
    body = calendar.to_ical()
    if ordered:
        # The zone's rules from the year of the first event on: all that calendars need, and a short file.
        # What Calendar.add_missing_timezones does, with each zone computed and serialised once (it takes
        # ~60 ms, and every event's own file needs it: 1 500 events cost 90 s of a build without the cache).
        zones = b"".join(_vtimezone(tzid, ordered[0].starts_at.year - 1)
                         for tzid in sorted(calendar.get_missing_tzids()))
        # Where add_missing_timezones puts them: before the first event (a text value cannot hold this line:
        # its line breaks are escaped).
        head, first_event, rest = body.partition(b"BEGIN:VEVENT\r\n")
        body = head + zones + first_event + rest
    return body


@lru_cache(maxsize=16)
def _vtimezone(tzid: str, first_year: int) -> bytes:
    """The VTIMEZONE of a zone from a year on, serialised; shared by the calendars."""
    try:
        return Timezone.from_tzid(tzid, first_date=date(first_year, 1, 1), last_date=Timezone.DEFAULT_LAST_DATE).to_ical()
    except ValueError:  # a zone icalendar does not know: left out, as add_missing_timezones does
        return b""


def event_ical(event: Event, *, site_name: str, item_url: Callable[[Event], str],
               time_zone: str = DEFAULT_TIMEZONE) -> bytes:
    """One event as a calendar file: the «Добавить в календарь» link of an event's page."""
    return events_ical([event], site_name=site_name, item_url=item_url, time_zone=time_zone)
