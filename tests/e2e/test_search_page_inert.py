"""Issue 18, finding 1: whatever reaches Pagefind (filter values, titles, excerpts) is inert text on the search
page, even served with no Content-Security-Policy at all."""
from __future__ import annotations

import warnings

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from http_support import live_server as serving
from portal.extensions import db
from portal.models import Status
from portal.publish import publishing

ORG_NAME = "Школа <img src=x onerror=window.__xss=1>"
TITLE = "Наставники <img src=y onerror=window.__xss=2> <script>window.__xss=3</script>"


@pytest.fixture
def hostile_site(app, world, tmp_path):
    case = world.rows[("cases", "a")]
    case.status = Status.PUBLISHED
    case.title = TITLE
    case.body_md = "Наставники и <b onmouseover=window.__xss=4>наставляемые</b> в шахматном клубе."
    case.organisation.short_name = ORG_NAME
    db.session.commit()
    report = publishing.run_build(app)
    assert report.ok, report.details
    build = app.config["BUILD_DIR"]

    def bare(environ, start_response):  # a static host that sends no security headers
        from werkzeug.wrappers import Request, Response
        from pathlib import Path
        path = Path(build, Request(environ).path.lstrip("/"))
        if path.is_dir():
            path = path / "index.html"
        if not path.is_file():
            return Response("нет", 404)(environ, start_response)
        types = {".html": "text/html", ".js": "text/javascript", ".css": "text/css", ".json": "application/json", ".wasm": "application/wasm"}
        return Response(path.read_bytes(), mimetype=types.get(path.suffix, "application/octet-stream"))(environ, start_response)

    with serving(bare) as (host, port):
        yield f"http://{host}:{port}"


def test_script_in_names_and_titles_stays_text_on_the_search_page(hostile_site, browser):
    context = browser.new_context(locale="ru-RU", bypass_csp=True)
    page = context.new_page()
    # Pagefind's filters arrive after its WebAssembly and several bundles: on a loaded machine (CI runs two test
    # processes on two cores) that took over 15 s twice in three runs.
    page.set_default_timeout(45_000)
    log: list[str] = []
    page.on("console", lambda message: log.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: log.append(f"error: {error}"))
    page.on("requestfailed", lambda request: log.append(f"failed: {request.url}"))
    try:
        response = page.goto(f"{hostile_site}/search/?q=наставники")
        assert "content-security-policy" not in {k.lower() for k in response.headers}
        _show_filters(page, log)
        page.locator(".pagefind-ui__filter-name", has_text="Организация").click()
        # In the page, shown or not: Pagefind's UI draws the filters again when their counts arrive, and a panel
        # drawn again may be closed (once the 45 s ran out waiting for it to show).
        label = page.locator(".pagefind-ui__filter-label", has_text="Школа")
        label.wait_for(state="attached")
        page.wait_for_timeout(300)  # let an injected image fail to load and run its handler
        assert page.evaluate("window.__xss") is None
        assert page.locator(".pagefind-ui__filter-label img").count() == 0
        assert label.text_content().strip().startswith(ORG_NAME)
        assert page.locator(".pagefind-ui__result-link", has_text="Наставники").first.inner_text() == TITLE
        assert page.locator(".pagefind-ui__results img, .pagefind-ui__results script").count() == 0
    finally:
        context.close()


def _show_filters(page, log: list[str]) -> None:
    """Wait for the results and the filter panel, loading the page once more if the panel never comes.

    Once in CI the results were on the page and the panel did not come in 45 s. Why is not known: Pagefind's
    interface (1.5.2) asks for the filters once, without waiting for the answer, and Pagefind keeps a chunk whose
    load failed as loaded. This test is about what the panel shows, so it loads the page again as a visitor would,
    and says so in a warning with what the page logged, so that a pattern can be seen."""
    page.locator(".pagefind-ui__result-link", has_text="Наставники").first.wait_for()
    filters = page.locator(".pagefind-ui__filter-name", has_text="Организация")
    try:
        filters.wait_for(timeout=20_000)
    except PlaywrightTimeout:
        assert page.evaluate("window.__xss") is None  # nothing ran on the page left behind
        with warnings.catch_warnings():  # shown in the run's summary, not an error: the test goes on
            warnings.simplefilter("always")
            warnings.warn("Pagefind's filter panel did not come in 20 s; the search page was loaded again. "
                          "The page logged: " + ("; ".join(log) or "nothing"))
        page.reload()
        page.locator(".pagefind-ui__result-link", has_text="Наставники").first.wait_for()
        filters.wait_for()
