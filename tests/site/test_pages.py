"""The public pages people read: catalogue filters, the events calendar, charts, Russian forms, meta tags."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from portal.clock import local_now
from portal.extensions import db
from portal.models import Event, MentoringForm, Status, Tag
from portal.publish import publishing


@pytest.fixture
def published(world):
    case_a, case_b = world.rows[("cases", "a")], world.rows[("cases", "b")]
    case_a.status = case_b.status = Status.PUBLISHED
    case_b.mentoring_form = MentoringForm.TEACHER_TEACHER
    case_a.tags = [Tag(name="шахматы")]
    world.rows[("roadmaps", "a")].status = Status.PUBLISHED
    world.rows[("events", "a")].status = Status.PUBLISHED
    db.session.commit()
    return world


def text(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def test_filters_narrow_the_catalogue_and_each_value_is_a_page(published, client):
    everything = text(client, "/cases/")
    assert "Кейс A" in everything and "Кейс B" in everything and "Всего 2 практики." in everything
    assert 'href="/cases/form/pupil_pupil/"' in everything and "Ученик – ученик</a> <span class=\"meta\">(1)" in everything
    by_form = text(client, "/cases/form/teacher_teacher/")
    assert "Кейс B" in by_form and "Кейс A" not in by_form
    assert "Учитель – учитель</strong> —\n  1 практика" in by_form
    by_tag = text(client, "/cases/tag/shakhmaty/")
    assert "Кейс A" in by_tag and "Кейс B" not in by_tag
    by_org = text(client, f"/cases/organisation/{published.org_b.slug}/")
    assert "Кейс B" in by_org and "Кейс A" not in by_org
    assert "Кейс A" in text(client, f"/cases/year/{local_now().year}/")
    for missing in ("/cases/tag/net-takogo/", "/cases/year/1999/", "/cases/colour/red/"):
        assert client.get(missing).status_code == 404


def test_a_draft_case_gives_its_filter_values_no_page(published, client):
    published.rows[("cases", "b")].status = Status.DRAFT
    db.session.commit()
    assert client.get("/cases/form/teacher_teacher/").status_code == 404
    assert "Учитель – учитель" not in text(client, "/cases/")


def test_calendar_shows_a_month_of_events_with_links_between_months(published, client):
    today = local_now()
    db.session.add(Event(title="Семинар наставников", starts_at=today.replace(hour=10) + timedelta(days=40),
                         status=Status.PUBLISHED))
    db.session.commit()
    later = today + timedelta(days=40)
    month = text(client, f"/events/calendar/{later.year}-{later.month:02d}/")
    assert "Семинар наставников" in month and f'datetime="{later.date().isoformat()}"' in month
    assert 'rel="prev"' in month
    this_month = text(client, "/events/calendar/")
    assert "today" in this_month and "(сегодня)" in this_month and 'rel="next"' in this_month
    # The world's event of 1 March 2026 is the first month with a page; before it there is none.
    assert "Мероприятие-событие A" in text(client, "/events/calendar/2026-03/")
    assert client.get("/events/calendar/2026-02/").status_code == 404
    assert client.get("/events/calendar/2026-3/").status_code == 404  # one address per month


def test_registry_figures_are_svg_charts_with_text_for_screen_readers(published, client):
    html = text(client, "/registries/")
    assert html.count('role="img"') >= 2
    assert "<figcaption>Действующие пары и группы по формам наставничества</figcaption>" in html
    assert "2 наставника и 2 наставляемых" in html
    home = text(client, "/")
    assert "организации</li>" in home and "2</span> программы наставничества" in home


def test_pages_carry_canonical_and_opengraph_with_the_site_address(published, app, client):
    app.config["SITE_URL"] = "https://nastavnik.example.ru/portal/"
    html = text(client, f"/cases/{published.rows[('cases', 'a')].slug}/")
    url = f"https://nastavnik.example.ru/portal/cases/{published.rows[('cases', 'a')].slug}/"
    assert f'<link rel="canonical" href="{url}">' in html
    assert f'<meta property="og:url" content="{url}">' in html
    assert '<meta property="og:type" content="article">' in html
    assert '<meta property="og:title" content="Кейс A">' in html
    assert 'rel="icon"' in html and 'aria-current="page">Лучшие практики' in html


def test_the_build_writes_filter_and_calendar_pages_and_rebuilds_them_on_change(published, app):
    report = publishing.run_build(app)
    assert report.ok, report.details
    site = Path(app.config["BUILD_DIR"])
    assert (site / "cases/tag/shakhmaty/index.html").is_file()
    assert (site / "cases/form/teacher_teacher/index.html").is_file()
    assert (site / "events/calendar/2026-03/index.html").is_file()
    assert (site / "events/calendar/index.html").is_file()
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    assert "/cases/tag/shakhmaty/" in sitemap and "/events/calendar/2026-03/" in sitemap

    published.rows[("cases", "a")].tags = [Tag(name="спорт")]
    db.session.commit()
    report = publishing.run_build(app)
    assert report.ok, report.details
    assert not (site / "cases/tag/shakhmaty").exists()
    assert "Кейс A" in (site / "cases/tag/sport/index.html").read_text(encoding="utf-8")


def test_a_long_list_pager_shows_the_ends_and_the_neighbours_with_previous_and_next():
    from portal.site.views import pager_numbers

    assert pager_numbers(1, 1) == [1]
    assert pager_numbers(2, 5) == [1, 2, 3, 4, 5]
    assert pager_numbers(1, 300) == [1, 2, 3, None, 299, 300]
    assert pager_numbers(150, 300) == [1, 2, None, 148, 149, 150, 151, 152, None, 299, 300]
    assert pager_numbers(298, 300) == [1, 2, None, 296, 297, 298, 299, 300]


def test_news_pages_link_to_their_neighbours(app, client):
    from portal.models import NewsItem

    app.config["SITE_ITEMS_PER_PAGE"] = 1
    for number in range(12):
        db.session.add(NewsItem(title=f"Новость {number}", published_on=local_now().date() - timedelta(days=number),
                                status=Status.PUBLISHED))
    db.session.commit()
    middle = text(client, "/news/page/6/")
    assert '<a href="/news/page/5/" rel="prev">← Назад</a>' in middle
    assert '<a href="/news/page/7/" rel="next">Далее →</a>' in middle
    assert 'href="/news/page/12/"' in middle and 'href="/news/page/10/"' not in middle and middle.count("…") == 2
    first = text(client, "/news/")
    assert 'rel="prev"' not in first and '<a href="/news/page/2/" rel="next">' in first
    assert 'href="/news/" rel="prev"' in text(client, "/news/page/2/")  # page 1 has no number in its address
    assert 'rel="next"' not in text(client, "/news/page/12/")
