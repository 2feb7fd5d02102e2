"""The Content-Security-Policy in a real browser: the admin and the published site work under it without a single
violation, and only widgets can be framed by another site."""
from __future__ import annotations

import http.server
import threading

import pytest
from playwright.sync_api import expect

from http_support import live_server as serving
from portal.extensions import db
from portal.models import Status
from portal.publish import publishing
from portal.serve import PublishedSite
from tests_support import PASSWORD

# Runs before any script of the page: the policy does not apply to it.
WATCH_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`));
"""


def watched(page) -> list[str]:
    """Console errors and page errors of the page from now on (CSP refusals are console errors too)."""
    errors: list[str] = []
    page.add_init_script(WATCH_VIOLATIONS)
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def violations(page) -> list[str]:
    return page.evaluate("() => window.__violations")


def test_the_admin_works_under_its_policy(live_server, page, world):
    errors = watched(page)
    case = world.rows[("cases", "a")]
    page.goto(f"{live_server}/admin/login")
    page.get_by_label("Электронная почта").fill(world.editor.email)
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_label("Пароль").press("Enter")
    page.wait_for_url(f"{live_server}/admin/")
    assert "script-src 'self'" in page.context.request.get(f"{live_server}/admin/").headers[
        "content-security-policy"]

    # admin.js, a file of ours, runs: the Markdown preview builds in place.
    page.goto(f"{live_server}/admin/cases/{case.id}/edit")
    page.locator("#body_md").fill("## Итоги\n\n**24 пары**")
    page.get_by_role("button", name="Предпросмотр").click()
    page.locator("[data-preview-for=body_md] .preview-body h2").wait_for()
    assert violations(page) == []

    for url in ("/admin/", "/admin/cases/", "/admin/search?q=кейс", "/admin/publish",
                f"/admin/preview/cases/{case.id}", f"/admin/roadmaps/{world.rows[('roadmaps', 'a')].id}/edit"):
        page.goto(live_server + url)
        assert violations(page) == [], url
    assert [e for e in errors if "Content Security Policy" in e] == []


@pytest.fixture
def served_site(app, world):
    for kind in ("cases", "roadmaps", "news"):
        world.rows[(kind, "a")].status = Status.PUBLISHED
    world.rows[("cases", "a")].body_md = "Ученик нашёл **наставника** в шахматном клубе."
    db.session.commit()
    report = publishing.run_build(app)
    assert report.ok, report.details
    with serving(PublishedSite(app, app.config["BUILD_DIR"])) as (host, port):
        yield f"http://{host}:{port}"


def test_the_published_site_and_its_search_work_under_the_site_policy(served_site, page, world):
    errors = watched(page)
    for url in ("/", "/cases/", f"/cases/{world.rows[('cases', 'a')].slug}/", "/roadmaps/", "/news/"):
        page.goto(served_site + url)
        assert violations(page) == [], url
    # Pagefind compiles WebAssembly ('wasm-unsafe-eval') and styles its interface: both allowed, nothing else.
    page.goto(f"{served_site}/search/")
    page.get_by_placeholder("Поиск").fill("наставники")
    # Results appear as their fragments arrive: wait until the first place holds the best one.
    expect(page.locator(".pagefind-ui__result-link").first).to_have_text("Кейс A")
    assert violations(page) == []
    assert [e for e in errors if "Content Security Policy" in e or "WebAssembly" in e] == []


class _SchoolSite(http.server.BaseHTTPRequestHandler):
    """A school's website on another origin, embedding a widget and (wrongly) a page of the portal."""

    site = ""
    slug = ""

    def do_GET(self):  # noqa: N802 — the name http.server calls
        body = (f'<!doctype html><title>Школа</title>'
                f'<iframe id="widget" src="{self.site}/embed/{self.slug}/roadmap/"></iframe>'
                f'<iframe id="page" src="{self.site}/cases/"></iframe>').encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_only_widgets_can_be_shown_in_another_sites_frame(served_site, page, world):
    handler = type("Handler", (_SchoolSite,), {"site": served_site, "slug": world.org_a.slug})
    school = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=school.serve_forever, daemon=True)
    thread.start()
    try:
        page.goto(f"http://localhost:{school.server_port}/", wait_until="load")
        widget = page.locator("#widget").element_handle().content_frame()
        refused = page.locator("#page").element_handle().content_frame()
        assert widget.url.endswith(f"/embed/{world.org_a.slug}/roadmap/")
        assert world.org_a.short_name in widget.locator("body").inner_text()
        # frame-ancestors 'none': Chromium shows its own error document instead of the portal's page.
        assert refused.url.startswith("chrome-error://")
    finally:
        school.shutdown()
        school.server_close()
        thread.join(timeout=5)
