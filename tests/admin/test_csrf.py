"""CSRF on every state-changing request: with protection on (as in production), a POST without the token is
refused with 400 and changes nothing — not the database, not the instance folder, not the published site."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from portal.extensions import db
from tests_support import PASSWORD, admin_rules, url_for_rule

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
# Everything a form of any area could ask for: were the token not checked, most POSTs would change something.
FORM = {"title": "Без токена", "name": "Без токена", "short_name": "Без токена", "full_name": "Без токена",
        "email": "csrf@example.org", "role": "admin", "password": "password-without-token", "active": "y",
        "direction": "up", "action": "publish", "comment": "без токена", "text": "1.\tЭтап\t\t", "save": "1",
        "replace": "y", "kind": "processing", "signed_on": "2025-09-01", "status": "published",
        "mentoring_form": "pupil_pupil"}


def post_rules(app):
    return [rule for rule in admin_rules(app) if "POST" in rule.methods]


@pytest.fixture
def csrf_client(make_app, world):
    """A client of an app with CSRF protection on, logged in as admin (who may reach every endpoint)."""
    app = make_app(create_tables=False, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    token = TOKEN.search(client.get("/admin/login").get_data(as_text=True)).group(1)
    response = client.post("/admin/login", data={"email": world.admin.email, "password": PASSWORD,
                                                 "csrf_token": token})
    assert response.status_code == 302
    return app, client, token


def database_state() -> dict[str, list]:
    db.session.expire_all()
    state = {}
    for table in db.metadata.sorted_tables:
        rows = db.session.execute(sa.select(table)).all()
        state[table.name] = sorted((tuple(map(repr, row)) for row in rows))
    return state


def files_state(app) -> dict[str, tuple]:
    found = {}
    for folder in (Path(app.instance_path), Path(app.config["BUILD_DIR"])):
        if folder.exists():
            for path in folder.rglob("*"):
                if path.is_file():
                    stat = path.stat()
                    found[str(path)] = (stat.st_size, stat.st_mtime_ns)
    return found


def test_every_post_without_the_token_is_refused_and_changes_nothing(csrf_client, world):
    app, client, _ = csrf_client
    rules = post_rules(app)
    assert len(rules) >= 30  # every form of every area, and the POST-only actions
    failures = []
    for rule in rules:
        for owner in ("a", "b"):
            url = url_for_rule(rule, world, owner)
            before_db, before_files = database_state(), files_state(app)
            response = client.post(url, data=FORM)
            html = response.get_data(as_text=True)
            if response.status_code != 400 or "Форма устарела" not in html:
                failures.append(f"{url}: {response.status_code}")
            if database_state() != before_db:
                failures.append(f"{url}: the database changed")
            if files_state(app) != before_files:
                failures.append(f"{url}: files changed")
    assert not failures, "\n".join(failures)
    assert client.get("/admin/").status_code == 200  # a forged «Выйти» did not log the admin out


def test_a_token_of_another_session_is_refused_too(csrf_client, world):
    app, client, _ = csrf_client
    stranger = app.test_client()
    foreign_token = TOKEN.search(stranger.get("/admin/login").get_data(as_text=True)).group(1)
    case = world.rows[("cases", "a")]
    before = database_state()
    response = client.post(f"/admin/cases/{case.id}/delete", data={"csrf_token": foreign_token})
    assert response.status_code == 400 and database_state() == before


def test_a_post_with_the_token_is_accepted(csrf_client, world):
    _, client, _ = csrf_client
    token = TOKEN.search(client.get("/admin/cases/new").get_data(as_text=True)).group(1)
    response = client.post("/admin/cases/new", data={
        "csrf_token": token, "organisation_id": world.org_a.id, "title": "С токеном",
        "mentoring_form": "pupil_pupil", "status": "draft",
    })
    assert response.status_code == 302


def test_the_markdown_preview_fetch_needs_the_token(csrf_client):
    _, client, token = csrf_client
    assert client.post("/admin/preview", data={"text": "**x**"}).status_code == 400
    page_token = TOKEN.search(client.get("/admin/cases/new").get_data(as_text=True)).group(1)
    response = client.post("/admin/preview", data={"text": "**x**", "csrf_token": page_token})
    assert response.status_code == 200 and response.json["html"] == "<p><strong>x</strong></p>"


def test_forms_do_not_expire_during_a_long_edit(app):
    assert app.config["WTF_CSRF_TIME_LIMIT"] is None
