"""Security headers of the admin, of the site preview and of the published site as `portal serve` answers it;
no inline script anywhere in the admin's templates, so that the policy can forbid it."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from werkzeug.test import Client

from portal import security_headers
from portal.config import PACKAGE_DIR, PROJECT_ROOT
from portal.extensions import db
from portal.models import Status
from portal.publish import publishing
from portal.serve import PublishedSite
from tests_support import admin_rules, url_for_rule


def directives(csp: str) -> dict[str, list[str]]:
    parsed = {}
    for part in csp.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def assert_admin_headers(response, where: str) -> None:
    headers = response.headers
    csp = directives(headers.get("Content-Security-Policy", "default-src *"))
    scripts = csp.get("script-src", csp.get("default-src"))
    assert scripts == ["'self'"], (where, scripts)  # no 'unsafe-inline', no 'unsafe-eval', no other host
    assert csp["frame-ancestors"] == ["'none'"] and csp["object-src"] == ["'none'"], where
    assert csp["base-uri"] == ["'none'"] and csp["form-action"] == ["'self'"], where
    assert "'unsafe-inline'" not in csp["style-src"], where
    assert headers["X-Frame-Options"] == "DENY", where
    assert headers["X-Content-Type-Options"] == "nosniff", where
    assert headers["Referrer-Policy"] == "same-origin", where
    response.close()  # a static file's answer holds the file open


def test_every_admin_page_sends_the_security_headers(app, world, login_as):
    client = login_as("admin")
    rules = [rule for rule in admin_rules(app) if "GET" in rule.methods]
    for rule in rules:
        url = url_for_rule(rule, world, "a")
        assert_admin_headers(client.get(url), url)
    # Pages of every status: the login form, a redirect, an error page, a static file.
    anonymous = app.test_client()
    for url in ("/admin/login", "/admin/", "/admin/cases/999999/edit", "/admin/static/admin.js"):
        assert_admin_headers(anonymous.get(url), url)
    assert_admin_headers(client.get("/admin/cases/2147483647/edit"), "404")


def test_the_site_preview_in_the_admin_app_gets_the_site_policy(app, world, client):
    for url in ("/", "/cases/", "/search/"):
        response = client.get(url)
        csp = directives(response.headers["Content-Security-Policy"])
        # Pagefind's search compiles WebAssembly: allowed on the site, never plain eval.
        assert csp["script-src"] == ["'self'", "'wasm-unsafe-eval'"], url
        assert csp["frame-ancestors"] == ["'none'"] and response.headers["X-Frame-Options"] == "DENY", url
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_site_headers_forbid_framing_except_widgets():
    page, widget = security_headers.site_headers("/cases/"), security_headers.site_headers("/embed/sosh-1/cases/")
    assert "frame-ancestors 'none'" in page["Content-Security-Policy"] and page["X-Frame-Options"] == "DENY"
    assert "frame-ancestors" not in widget["Content-Security-Policy"] and "X-Frame-Options" not in widget
    assert widget["X-Content-Type-Options"] == "nosniff"
    assert "'unsafe-inline'" not in directives(widget["Content-Security-Policy"])["script-src"]


@pytest.fixture
def served(app, world):
    world.rows[("cases", "a")].status = Status.PUBLISHED
    world.rows[("roadmaps", "a")].status = Status.PUBLISHED
    db.session.commit()
    report = publishing.run_build(app)
    assert report.ok, report.details
    return Client(PublishedSite(app, app.config["BUILD_DIR"]))


def test_portal_serve_sends_the_site_headers_with_the_published_files(served, world):
    slug = world.org_a.slug
    for url, status in (("/", 200), ("/cases/", 200), ("/search/", 200), ("/static/site.css", 200),
                        ("/net-takoy/", 404), ("/cases", 301)):
        response = served.get(url)
        assert response.status_code == status, url
        assert response.headers["X-Content-Type-Options"] == "nosniff", url
        assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin", url
        assert response.headers["X-Frame-Options"] == "DENY", url
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"], url
        response.close()
    for url in (f"/embed/{slug}/roadmap/", f"/embed/{slug}/cases/"):
        response = served.get(url)
        assert response.status_code == 200, url
        assert "X-Frame-Options" not in response.headers, url
        assert "frame-ancestors" not in response.headers["Content-Security-Policy"], url
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    # The admin behind the same server answers with its own, stricter policy.
    assert_admin_headers(served.get("/admin/login"), "/admin/login via portal serve")


def test_the_nginx_configuration_of_deploy_sends_the_same_site_policy():
    nginx = (PROJECT_ROOT / "deploy" / "nginx" / "portal.conf").read_text(encoding="utf-8")
    assert security_headers.EMBED_CSP in nginx
    for name, value in security_headers.site_headers("/").items():
        if name != "Content-Security-Policy":
            assert f"{name} {value}" in nginx, name


ADMIN_TEMPLATES = sorted((PACKAGE_DIR / "templates" / "admin").glob("*.html")) + [
    PACKAGE_DIR / "templates" / "base.html"]


@pytest.mark.parametrize("template", ADMIN_TEMPLATES, ids=lambda p: p.name)
def test_admin_templates_have_no_inline_script(template: Path):
    source = template.read_text(encoding="utf-8")
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", source), "inline <script>: move it to static/admin/admin.js"
    assert not re.search(r"\son[a-z]+\s*=", source, re.IGNORECASE), "on* handler: use addEventListener in admin.js"
    assert "javascript:" not in source.lower()
