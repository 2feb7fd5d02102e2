"""The admin search page: /admin/search?q=… grouped by kind, highlighted, within the user's rights."""
from __future__ import annotations

import re
from datetime import date

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models import Case, MentoringForm, NewsItem

# The database matters here: run on PostgreSQL too (conftest's docstring).
pytestmark = pytest.mark.both_databases


def page(client, query: str, **params) -> tuple[int, str]:
    response = client.get("/admin/search", query_string={"q": query, **params})
    return response.status_code, response.get_data(as_text=True)


def headings(html: str) -> list[str]:
    return re.findall(r'<h2 id="search-[a-z]+">([^<]+?) <span', html)


def test_every_admin_page_has_a_labelled_search_box(login_as):
    html = login_as("curator_a").get("/admin/").get_data(as_text=True)
    form = re.search(r'<form role="search"[^>]*action="/admin/search"[^>]*>(.*?)</form>', html, re.S)
    assert form, html
    assert '<label for="topbar-search-q"' in form.group(1) and 'id="topbar-search-q" name="q"' in form.group(1)


def test_an_empty_query_shows_a_hint(login_as):
    status, html = page(login_as("editor"), "")
    assert status == 200
    assert "Введите слово или несколько слов" in html and "Найдено" not in html


def test_results_are_grouped_by_kind_with_links_to_edit_pages(world, login_as):
    status, html = page(login_as("editor"), "наставник")
    assert status == 200
    assert headings(html)[0] == "Наставники и наставляемые"  # the best hit's group first
    assert set(headings(html)) == {"Наставники и наставляемые", "Наставнические пары и группы"}
    for tag in "ab":
        assert f'href="/admin/persons/{world.rows[("persons", tag)].id}/edit"' in html
        assert f'href="/admin/pairings/{world.rows[("pairings", tag)].id}/edit"' in html
    status, html = page(login_as("editor"), "школа дорожная карта кейс")
    assert {"Организации", "Дорожные карты", "Кейсы"} <= set(headings(html))


def test_matches_are_highlighted_and_everything_else_is_escaped(world, login_as):
    case = Case(organisation=world.org_a, title="<script>alert(1)</script> Наставники",
                mentoring_form=MentoringForm.GROUP, summary='Опыт наставника & <img src=x onerror=alert(2)> «тандема»')
    db.session.add(case)
    db.session.commit()
    status, html = page(login_as("curator_a"), "наставников")
    assert status == 200
    assert "<script>alert(1)" not in html and "<img src=x" not in html
    assert '&lt;script&gt;alert(1)&lt;/script&gt; <b class="match">Наставники</b>' in html
    assert 'Опыт <b class="match">наставника</b> &amp; &lt;img src=x onerror=alert(2)&gt;' in html


def test_a_curator_never_sees_another_organisations_rows_or_persons(world, login_as):
    client = login_as("curator_a")
    for query in ["наставник", "наставляемый", "кейс", "программа", "дорожная", "новость", "событие", "школа",
                  "приказ", "программе"]:
        status, html = page(client, query)
        assert status == 200
        for (kind, tag), row in world.rows.items():
            if tag == "b" and kind in ("organisations", "roadmaps", "cases", "persons", "programs", "pairings",
                                       "news", "events", "pages"):
                assert f'href="/admin/{kind}/{row.id}/edit"' not in html, (query, kind)
    assert "Страницы" not in headings(page(client, "программе")[1])
    assert "Страницы" in headings(page(login_as("editor"), "программе")[1])


def test_one_kind_is_listed_with_pages(world, login_as):
    db.session.add_all([NewsItem(organisation=world.org_a, title=f"Новость о слёте номер {i}",
                                 published_on=date(2026, 1, 1)) for i in range(25)])
    db.session.commit()
    client = login_as("curator_a")
    status, html = page(client, "слёт")
    assert status == 200
    assert "Все результаты в разделе «Новости»: 25" in html
    assert html.count('class="search-hit"') == 5
    status, html = page(client, "слёт", kind="news")
    assert status == 200 and html.count('class="search-hit"') == 20
    assert 'href="/admin/search?q=%D1%81%D0%BB%D1%91%D1%82&amp;kind=news&amp;page=2"' in html
    status, html = page(client, "слёт", kind="news", page="2")
    assert html.count('class="search-hit"') == 5
    assert page(client, "слёт", kind="unknown", page="-3")[0] == 200
    assert page(client, "слёт", kind="news", page="999999999999")[0] == 200


@pytest.mark.parametrize("query", ['"', "*", "AND OR", "NOT", "и в на", "title:*", "(((", "[a TO", "^~", "x" * 500,
                                   "наставник " * 100, "\x00", "%", "<b>", "кейс\x0b"])
def test_odd_queries_answer_200(world, login_as, query):
    status, html = page(login_as("curator_a"), query)
    assert status == 200
    assert "<b>" not in html.replace('<b class="match">', "")


def test_a_query_of_stop_words_says_so(world, login_as):
    status, html = page(login_as("editor"), "и в на")
    assert status == 200 and "нет слов для поиска" in html
    status, html = page(login_as("editor"), "несуществующееслово")
    assert status == 200 and "ничего не найдено" in html


def test_an_unreadable_index_is_a_message_not_a_500(app, world, login_as, monkeypatch):
    from portal.search import postgres_engine as search_postgres
    from portal.search import whoosh_engine as search

    def broken(*args, **kwargs):
        raise OSError("Permission denied")

    def down(*args, **kwargs):
        raise sa.exc.OperationalError("SELECT", {}, Exception("connection refused"))

    monkeypatch.setattr(search.index, "open_dir", broken)  # the Whoosh engine (SQLite)
    monkeypatch.setattr(search_postgres, "search_grouped", down)  # the database's (PostgreSQL)
    status, html = page(login_as("editor"), "кейс")
    assert status == 503 and "portal search reindex" in html


def test_anonymous_is_sent_to_login(client, world):
    response = client.get("/admin/search?q=кейс")
    assert response.status_code == 302 and "/admin/login" in response.headers["Location"]
