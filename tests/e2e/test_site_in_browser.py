"""The published site in a real browser: served from build/ as `portal serve` does, searched in Russian."""
from __future__ import annotations

import pytest

from http_support import live_server as serving
from portal.extensions import db
from portal.models import Status
from portal.publish import publishing
from portal.serve import PublishedSite


@pytest.fixture
def served_site(app, world):
    case = world.rows[("cases", "a")]
    case.status = Status.PUBLISHED
    case.body_md = "Ученик седьмого класса нашёл **наставника** в шахматном клубе."
    world.rows[("news", "a")].status = Status.PUBLISHED
    db.session.commit()
    report = publishing.run_build(app)
    assert report.ok, report.details
    with serving(PublishedSite(app, app.config["BUILD_DIR"])) as (host, port):
        yield f"http://{host}:{port}"


def test_search_finds_russian_word_forms(served_site, page, world):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{served_site}/")
    page.get_by_role("link", name="Поиск").first.click()
    box = page.get_by_placeholder("Поиск")
    box.fill("наставники")  # the page says «наставника»
    # «наставника» stands in the case; organisation pages count «наставников» too, so they may rank alongside.
    result = page.locator(".pagefind-ui__result-link", has_text="Кейс A")
    result.wait_for()
    assert "Найдено:" in page.locator(".pagefind-ui__message").inner_text()
    result.click()
    page.wait_for_url(f"**/cases/{world.rows[('cases', 'a')].slug}/")
    assert page.locator("h1").inner_text() == "Кейс A"
    assert errors == []


def test_static_host_answers_like_a_real_one(served_site, page):
    response = page.goto(f"{served_site}/net-takoy-stranitsy/")
    assert response.status == 404 and "Страница не найдена" in page.content()
    response = page.goto(f"{served_site}/cases")
    assert response.status == 200 and page.url.endswith("/cases/")
    assert page.goto(f"{served_site}/admin/login").status == 200  # the admin sits beside the site
