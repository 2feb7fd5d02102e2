"""Browser tests: a real headless Chromium (the `browser` fixture of tests/conftest.py) drives the admin
over HTTP on loopback."""
from __future__ import annotations

import pytest

from http_support import live_server as serving


@pytest.fixture
def app(make_app):
    """As in production: CSRF protection on."""
    app = make_app(WTF_CSRF_ENABLED=True)
    with app.app_context():
        yield app


@pytest.fixture
def live_server(app, world):
    """The test app served by a real WSGI server on a free loopback port, for the length of one test."""
    with serving(app) as (host, port):
        yield f"http://{host}:{port}"


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="ru-RU", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
