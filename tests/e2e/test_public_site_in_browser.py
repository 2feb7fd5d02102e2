"""The public site as visitors meet it, in a real browser: an editor publishes a case through the admin, and the
built site shows it, filters it, finds it, switches to the version for the visually impaired, and passes axe-core.

Screenshots of the main pages are kept under test-artifacts/screenshots/ (git-ignored) to be looked at.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from http_support import live_server as serving
from portal import jobs
from portal.config import PROJECT_ROOT
from portal.extensions import db
from portal.models import Status
from portal.serve import PublishedSite
from tests_support import PASSWORD

SCREENSHOTS = PROJECT_ROOT / "test-artifacts" / "screenshots"
AXE = Path(os.environ.get("TEST_AXE") or PROJECT_ROOT / ".cache/npm/node_modules/axe-core/axe.min.js")
TITLE = "Шахматный клуб: старшеклассники учат пятиклассников"


@pytest.fixture
def portal_server(app, world):
    """The admin at /admin/ and build/ at /, as `portal serve` runs them, on a free loopback port."""
    case_b = world.rows[("cases", "b")]
    case_b.status = Status.PUBLISHED
    case_b.mentoring_form = "teacher_teacher"
    world.rows[("roadmaps", "a")].status = Status.PUBLISHED
    db.session.commit()
    with jobs.worker(app), serving(PublishedSite(app, app.config["BUILD_DIR"])) as (host, port):
        yield f"http://{host}:{port}"  # the job worker in the process, as `portal serve` runs it


@pytest.fixture
def visitor(browser):
    # bypass_csp: axe-core is injected as a script, which the site's own policy rightly refuses.
    context = browser.new_context(locale="ru-RU", viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.errors = errors
    yield page
    context.close()


def publish_case_through_the_admin(page, base: str, world) -> None:
    page.goto(f"{base}/admin/login")
    page.get_by_label("Электронная почта").fill(world.editor.email)
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.wait_for_url(f"{base}/admin/")
    page.goto(f"{base}/admin/cases/new")
    page.get_by_label("Организация").select_option(label=world.org_a.short_name)
    page.get_by_label("Название").fill(TITLE)
    page.get_by_label("Форма наставничества").select_option(label="Ученик – ученик")
    page.get_by_label("Теги").fill("шахматы")
    page.locator("#summary").fill("Старшеклассники занимаются с пятиклассниками по субботам.")
    page.locator("#body_md").fill("Каждую субботу **наставники** из десятых классов разбирают партии с младшими.")
    page.get_by_label("Статус").select_option(label="Опубликовано")
    page.get_by_role("button", name="Сохранить").click()
    # The save asks the worker for a publication, which builds in this process meanwhile: on a loaded machine the
    # next page can take a while.
    page.get_by_text(f"Сохранено: «{TITLE}»").wait_for(timeout=30_000)
    page.goto(f"{base}/admin/publish")
    page.get_by_role("button", name="Опубликовать").click()
    page.get_by_text("Сайт опубликован").wait_for(timeout=60_000)


def axe_violations(page) -> list[dict]:
    """Serious and critical violations (WCAG 2.1 A/AA and axe's best practices) on the page as it is now."""
    if not AXE.is_file():
        pytest.fail(f"axe-core not found at {AXE}: `make test` installs it from the npm registry.")
    page.add_script_tag(path=str(AXE))
    found = page.evaluate("""async () => {
        const result = await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']});
        return result.violations.map(v => ({id: v.id, impact: v.impact,
                                            nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}));
    }""")
    return [v for v in found if v["impact"] in ("serious", "critical")]


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def test_published_case_reaches_home_catalogue_filters_and_search(portal_server, page, visitor, world):
    publish_case_through_the_admin(page, portal_server, world)

    visitor.goto(f"{portal_server}/")
    home_cases = visitor.locator("section", has=visitor.get_by_role("heading", name="Лучшие практики"))
    assert home_cases.get_by_role("link", name=TITLE).count() == 1
    screenshot(visitor, "home")

    visitor.get_by_role("navigation", name="Разделы сайта").get_by_role("link", name="Лучшие практики").click()
    cards = visitor.locator(".cards .card h2")
    assert sorted(cards.all_inner_texts()) == sorted([TITLE, "Кейс B"])
    screenshot(visitor, "cases")

    # A filter narrows the list to its page, which says what is chosen and leads back to all.
    visitor.get_by_role("navigation", name="Отбор практик").get_by_role("link", name="Ученик – ученик").click()
    visitor.wait_for_url("**/cases/form/pupil_pupil/**")  # the filter is a page of its own
    assert cards.all_inner_texts() == [TITLE]
    assert "Форма наставничества: Ученик – ученик — 1 практика" in visitor.get_by_role("status").inner_text()
    visitor.get_by_role("link", name="шахматы").click()
    assert cards.all_inner_texts() == [TITLE]
    visitor.get_by_role("link", name="Показать все практики").click()
    assert cards.count() == 2

    visitor.get_by_role("link", name=TITLE).click()
    assert visitor.locator("h1").inner_text() == TITLE
    screenshot(visitor, "case")

    # The search finds the case by another form of a word it contains («наставники» → «наставников»).
    visitor.get_by_role("link", name="Поиск").click()
    visitor.get_by_placeholder("Поиск").fill("наставников")
    result = visitor.locator(".pagefind-ui__result-link", has_text=TITLE)
    result.wait_for()
    screenshot(visitor, "search")
    assert visitor.errors == []


def test_version_for_the_visually_impaired_changes_the_page_and_stays_on(portal_server, page, visitor, world):
    publish_case_through_the_admin(page, portal_server, world)
    visitor.goto(f"{portal_server}/")
    html = visitor.locator("html")
    normal_size = visitor.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")

    # With the keyboard only: Tab to the switch, Enter.
    visitor.get_by_role("button", name="Версия для слабовидящих").focus()
    visitor.keyboard.press("Enter")
    toggle = visitor.get_by_role("button", name="Обычная версия")  # the switch now offers the way back
    assert toggle.get_attribute("aria-expanded") == "true"
    assert html.get_attribute("data-a11y-scheme") == "bw"
    assert visitor.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= normal_size * 1.4
    panel = visitor.get_by_role("region", name="Настройки версии для слабовидящих")
    panel.get_by_role("button", name="Белым по чёрному").click()
    panel.get_by_role("button", name="Скрыть").click()
    assert panel.get_by_role("button", name="Белым по чёрному").get_attribute("aria-pressed") == "true"
    assert visitor.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(0, 0, 0)"
    screenshot(visitor, "home-visually-impaired")

    # It follows the visitor to the next page, before any click.
    visitor.get_by_role("link", name="Лучшие практики").first.click()
    visitor.wait_for_url("**/cases/**")
    assert html.get_attribute("data-a11y-scheme") == "wb" and html.get_attribute("data-a11y-images") == "off"
    assert visitor.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(0, 0, 0)"
    assert visitor.get_by_role("button", name="Обычная версия").get_attribute("aria-expanded") == "true"

    visitor.get_by_role("button", name="Обычная версия").click()
    visitor.reload()
    assert html.get_attribute("data-a11y-scheme") is None
    assert visitor.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"
    assert visitor.errors == []


def test_main_pages_have_no_serious_accessibility_violations(portal_server, page, visitor, world):
    publish_case_through_the_admin(page, portal_server, world)
    roadmap = world.rows[("roadmaps", "a")]
    visitor.goto(f"{portal_server}/cases/")
    case_url = visitor.get_by_role("link", name=TITLE).first.get_attribute("href")
    pages = {"home": "/", "case": f"/cases/{case_url.split('/')[-2]}/", "roadmap": f"/roadmaps/{roadmap.slug}/",
             "search": "/search/", "calendar": "/events/calendar/", "registries": "/registries/",
             "indicators": "/indicators/", "documents": "/documents/"}
    problems = {}
    for name, path in pages.items():
        visitor.goto(portal_server + path)
        if name == "search":
            visitor.get_by_placeholder("Поиск").fill("наставник")
            visitor.locator(".pagefind-ui__result-link").first.wait_for()
        found = axe_violations(visitor)
        if found:
            problems[name] = found
        screenshot(visitor, name)
    # The same pages in the high-contrast version.
    visitor.goto(f"{portal_server}/")
    visitor.get_by_role("button", name="Версия для слабовидящих").click()
    for scheme in ("Чёрным по белому", "Белым по чёрному", "Синим по голубому"):
        visitor.get_by_role("button", name=scheme).click()
        if found := axe_violations(visitor):
            problems[f"home, {scheme}"] = found
    assert not problems


def test_phone_width_has_no_horizontal_scroll(portal_server, page, browser, world):
    publish_case_through_the_admin(page, portal_server, world)
    context = browser.new_context(locale="ru-RU", viewport={"width": 360, "height": 740}, is_mobile=True)
    phone = context.new_page()
    try:
        for path in ("/", "/cases/", "/events/calendar/", "/registries/", f"/roadmaps/{world.rows[('roadmaps', 'a')].slug}/"):
            phone.goto(portal_server + path)
            overflow = phone.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{path} scrolls sideways by {overflow}px on a phone"
        screenshot(phone, "calendar-phone")
    finally:
        context.close()


def test_text_at_200_percent_does_not_break_the_layout(portal_server, page, visitor, world):
    publish_case_through_the_admin(page, portal_server, world)
    visitor.set_viewport_size({"width": 1024, "height": 768})
    visitor.goto(f"{portal_server}/")
    visitor.get_by_role("button", name="Версия для слабовидящих").click()
    visitor.get_by_role("button", name="A++ очень крупный").click()
    for path in ("/", "/cases/", "/events/calendar/", "/registries/", f"/roadmaps/{world.rows[('roadmaps', 'a')].slug}/"):
        visitor.goto(portal_server + path)
        assert visitor.evaluate("parseFloat(getComputedStyle(document.documentElement).fontSize)") == 32
        overflow = visitor.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px with text at 200%"
    screenshot(visitor, "roadmap-text-200")


def test_on_a_phone_charts_keep_readable_labels_tables_every_column_and_filters_fold(portal_server, page, browser,
                                                                                     world):
    from datetime import date

    activity = world.rows[("activities", "a")]  # dated, so that the roadmap has a timeline
    activity.deadline_start, activity.deadline_end = date(2025, 11, 1), date(2025, 11, 30)
    db.session.commit()
    publish_case_through_the_admin(page, portal_server, world)
    roadmap = f"{portal_server}/roadmaps/{world.rows[('roadmaps', 'a')].slug}/"
    context = browser.new_context(locale="ru-RU", viewport={"width": 360, "height": 740}, is_mobile=True)
    phone = context.new_page()
    try:
        phone.goto(roadmap)
        # The timeline's labels are drawn at least 11 px high (they shrank to about 4 px with the chart).
        label = phone.locator("figure.timeline svg text").first.bounding_box()
        assert label["height"] >= 11, label
        # Every column of an activity, the last («Выполнение») included, is on the screen.
        status = phone.locator("table.data td[data-label='Выполнение']").first.bounding_box()
        assert status["x"] >= 0 and status["x"] + status["width"] <= 360, status
        phone.goto(f"{portal_server}/cases/")
        assert phone.evaluate("document.querySelector('details.filters-panel').open") is False  # practices first
        phone.get_by_text("Отбор практик:").click()
        assert phone.get_by_role("navigation", name="Отбор практик").is_visible()
        screenshot(phone, "roadmap-phone")
    finally:
        context.close()
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{portal_server}/cases/")
    assert page.evaluate("document.querySelector('details.filters-panel').open") is True  # a wide screen: open
