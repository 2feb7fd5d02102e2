"""Sitemap, robots.txt, the Atom feed of news and the iCalendar of events."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta

import pytest
from icalendar import Calendar

from portal.extensions import db
from portal.models import EventKind, NewsItem, Status
from portal.site.feeds import event_ical, events_ical, news_atom, robots_txt, sitemap_xml
from portal.site.content import load

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SITE = "https://nastavniki.example.org/"
FEED = SITE + "news/feed.atom"


def news_url(item) -> str:
    return f"{SITE}news/{item.slug}/"


def event_url(event) -> str:
    return f"{SITE}events/{event.slug}/"


def publish(*rows) -> None:
    for row in rows:
        row.status = Status.PUBLISHED
    db.session.commit()


def atom(news, **overrides) -> ET.Element:
    arguments = dict(site_name="Наставничество", feed_url=FEED, site_url=SITE, item_url=news_url,
                     updated=datetime(2026, 1, 10, 9, 30))
    return ET.fromstring(news_atom(news, **{**arguments, **overrides}))


def calendar_of(data: bytes) -> Calendar:
    return Calendar.from_ical(data)


# --- sitemap and robots.txt ------------------------------------------------------------------------


def test_sitemap_lists_the_urls_in_order_with_w3c_lastmod():
    data = sitemap_xml([(SITE, datetime(2026, 1, 5, 14, 3, 9, 123456)), (SITE + "cases/", date(2025, 12, 1)),
                        (SITE + "about/", None)])
    assert data.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    root = ET.fromstring(data)
    assert root.tag == f"{SITEMAP}urlset"
    urls = root.findall(f"{SITEMAP}url")
    assert [u.findtext(f"{SITEMAP}loc") for u in urls] == [SITE, SITE + "cases/", SITE + "about/"]
    assert [u.findtext(f"{SITEMAP}lastmod") for u in urls] == ["2026-01-05T14:03:09Z", "2025-12-01", None]


def test_sitemap_escapes_urls_and_refuses_relative_ones():
    root = ET.fromstring(sitemap_xml([(SITE + "search/?q=a&b=c", None)]))
    assert root.findtext(f"{SITEMAP}url/{SITEMAP}loc") == SITE + "search/?q=a&b=c"
    with pytest.raises(ValueError):
        sitemap_xml([("/cases/", None)])


@pytest.mark.parametrize("url", ["/cases/", "cases/", "http:///cases/", "ftp://example.org/", "mailto:a@b.ru",
                                 "//example.org/cases/"])
def test_sitemap_refuses_what_is_not_an_absolute_web_address(url):
    with pytest.raises(ValueError, match="absolute URLs"):
        sitemap_xml([(SITE, None), (url, None)])


def test_sitemap_takes_a_scheme_in_capitals_and_lays_out_one_url_per_block():
    data = sitemap_xml([("HTTPS://Example.org/a?b=1&c=<2>", date(2025, 1, 2))]).decode()
    assert data.splitlines() == [
        '<?xml version="1.0" encoding="utf-8"?>', f'<urlset xmlns="{SITEMAP.strip("{}")}">', "  <url>",
        "    <loc>HTTPS://Example.org/a?b=1&amp;c=&lt;2&gt;</loc>", "    <lastmod>2025-01-02</lastmod>", "  </url>",
        "</urlset>"]


def test_empty_sitemap_is_valid_xml():
    root = ET.fromstring(sitemap_xml([]))
    assert root.tag == f"{SITEMAP}urlset" and list(root) == []


def test_robots_allows_all_but_embeds_and_names_the_sitemap():
    text = robots_txt(SITE + "sitemap.xml")
    assert text.splitlines() == ["User-agent: *", "Allow: /", "Disallow: /embed/",
                                 f"Sitemap: {SITE}sitemap.xml"]
    assert text.endswith("\n")


# --- Atom ------------------------------------------------------------------------------------------


def test_atom_feed_is_russian_atom_with_an_entry_per_public_news_item(world):
    news_a, news_b = world.rows[("news", "a")], world.rows[("news", "b")]
    news_a.summary = "Итоги фестиваля"
    publish(news_a, news_b)
    feed = atom(load().news)
    assert feed.tag == f"{ATOM}feed"
    assert feed.get(XML_LANG) == "ru"
    assert feed.findtext(f"{ATOM}id") == FEED
    assert feed.findtext(f"{ATOM}updated") == "2026-01-10T09:30:00Z"
    assert {(link.get("rel"), link.get("href")) for link in feed.findall(f"{ATOM}link")} == {
        ("self", FEED), ("alternate", SITE)}
    entries = feed.findall(f"{ATOM}entry")
    assert sorted(e.findtext(f"{ATOM}title") for e in entries) == ["Новость A", "Новость B"]
    entry = next(e for e in entries if e.findtext(f"{ATOM}title") == "Новость A")
    assert entry.find(f"{ATOM}link").get("href") == news_url(news_a)
    assert entry.findtext(f"{ATOM}summary") == "Итоги фестиваля"
    assert entry.findtext(f"{ATOM}published") == "2025-10-01T00:00:00+03:00"
    assert entry.findtext(f"{ATOM}updated").endswith("Z")
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "Школа A"


def test_atom_content_is_the_stored_html_escaped_as_text(world):
    news = world.rows[("news", "a")]
    news.body_md = "**Важно**: тандемы & <b>наставники</b>"
    publish(news)
    stored = load().news[0].body_html
    assert "<strong>Важно</strong>" in stored
    data = news_atom(load().news, site_name="Наставничество", feed_url=FEED, site_url=SITE, item_url=news_url,
                     updated=datetime(2026, 1, 10))
    assert b"&lt;strong&gt;" in data  # HTML travels as escaped text, not as XML elements
    content = ET.fromstring(data).find(f"{ATOM}entry/{ATOM}content")
    assert content.get("type") == "html"
    assert content.text == stored and list(content) == []


def test_atom_entry_ids_are_stable_and_distinct(world):
    news_a, news_b = world.rows[("news", "a")], world.rows[("news", "b")]
    publish(news_a, news_b)

    def ids():
        return [e.findtext(f"{ATOM}id") for e in atom(load().news).findall(f"{ATOM}entry")]

    first = ids()
    assert len(set(first)) == 2 and all(i.startswith("tag:nastavniki.example.org,") for i in first)
    news_a.title, news_a.slug = "Новость A переименована", "novost-a-novaya"  # a new address keeps the id
    db.session.commit()
    assert sorted(ids()) == sorted(first)


def test_atom_author_of_municipal_news_is_the_site(world):
    news = world.rows[("news", "a")]
    news.organisation = None
    publish(news)
    assert atom(load().news).findtext(f"{ATOM}entry/{ATOM}author/{ATOM}name") == "Наставничество"


def test_atom_keeps_the_latest_fifty_items_newest_first(app):
    db.session.add_all(NewsItem(title=f"Новость {n}", published_on=date(2025, 1, 1) + timedelta(days=n),
                                status=Status.PUBLISHED) for n in range(55))
    db.session.commit()
    titles = [e.findtext(f"{ATOM}title") for e in atom(load().news).findall(f"{ATOM}entry")]
    assert len(titles) == 50
    assert titles[0] == "Новость 54" and titles[-1] == "Новость 5"


def test_atom_survives_control_characters_pasted_from_word(world):
    news = world.rows[("news", "a")]
    news.title = "Строка\x0bперенос"
    publish(news)
    assert atom(load().news).findtext(f"{ATOM}entry/{ATOM}title") == "Строка перенос"


# --- iCalendar -------------------------------------------------------------------------------------


def test_events_calendar_has_a_vevent_per_event_in_local_time(world):
    event_a, event_b = world.rows[("events", "a")], world.rows[("events", "b")]
    event_a.ends_at = datetime(2026, 3, 1, 13, 30)
    event_a.place = "Актовый зал школы A"
    event_a.summary = "Фестиваль наставнических тандемов"
    event_a.kind = EventKind.FESTIVAL
    publish(event_a, event_b)
    calendar = calendar_of(events_ical(load().events, site_name="Наставничество", item_url=event_url))
    assert str(calendar["X-WR-CALNAME"]) == "Наставничество: мероприятия"
    assert str(calendar["X-WR-TIMEZONE"]) == "Europe/Moscow"
    assert "PRODID" in calendar and str(calendar["VERSION"]) == "2.0"
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Moscow"]
    found = {str(e["SUMMARY"]): e for e in calendar.walk("VEVENT")}
    assert sorted(found) == ["Мероприятие-событие A", "Мероприятие-событие B"]
    vevent = found["Мероприятие-событие A"]
    assert str(vevent["UID"]) == f"event-{event_a.id}@mentoring-portal"
    assert vevent["DTSTART"].params["TZID"] == "Europe/Moscow"
    start, end = vevent.decoded("DTSTART"), vevent.decoded("DTEND")
    assert (start.replace(tzinfo=None), end.replace(tzinfo=None)) == (datetime(2026, 3, 1, 10),
                                                                      datetime(2026, 3, 1, 13, 30))
    assert start.utcoffset() == timedelta(hours=3)
    assert str(vevent["LOCATION"]) == "Актовый зал школы A"
    assert str(vevent["DESCRIPTION"]) == f"Фестиваль наставнических тандемов\n{event_url(event_a)}"
    assert str(vevent["URL"]) == event_url(event_a)
    assert b"DTSTART;TZID=Europe/Moscow:20260301T100000" in vevent.to_ical()


def test_event_without_an_end_lasts_one_hour(world):
    event = world.rows[("events", "b")]
    publish(event)
    vevent = calendar_of(events_ical(load().events, site_name="Н", item_url=event_url)).walk("VEVENT")[0]
    assert vevent.decoded("DTEND") - vevent.decoded("DTSTART") == timedelta(hours=1)
    assert vevent["DTEND"].params["TZID"] == "Europe/Moscow"
    assert "LOCATION" not in vevent  # no place given
    assert str(vevent["DESCRIPTION"]) == event_url(event)


def test_one_event_calendar_for_the_add_to_calendar_link(world):
    event = world.rows[("events", "a")]
    publish(event)
    data = event_ical(load().event_by_slug[event.slug], site_name="Наставничество", item_url=event_url)
    vevents = calendar_of(data).walk("VEVENT")
    assert len(vevents) == 1 and str(vevents[0]["UID"]) == f"event-{event.id}@mentoring-portal"
    assert data == event_ical(event, site_name="Наставничество", item_url=event_url)  # stable output


def test_no_events_give_an_empty_valid_calendar(app):
    calendar = calendar_of(events_ical([], site_name="Наставничество", item_url=event_url))
    assert calendar.walk("VEVENT") == [] and str(calendar["VERSION"]) == "2.0"
