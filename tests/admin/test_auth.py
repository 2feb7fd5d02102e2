"""Login, logout, and CSRF on every form."""
from __future__ import annotations

import re

import pytest

from portal.extensions import db
from tests_support import PASSWORD, url_for_rule


def test_login_with_wrong_password_says_so_in_russian_without_naming_the_account(world, client):
    wrong = client.post("/admin/login", data={"email": world.editor.email, "password": "wrong"})
    unknown = client.post("/admin/login", data={"email": "nobody@example.org", "password": "wrong"})
    for response in (wrong, unknown):
        assert response.status_code == 200
        assert "Неверная почта или пароль." in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302


def test_login_is_case_insensitive_for_the_email(world, client):
    response = client.post("/admin/login", data={"email": "  EDITOR@Example.org ", "password": PASSWORD})
    assert response.status_code == 302


def test_inactive_user_cannot_log_in(world, client):
    world.editor.active = False
    db.session.commit()
    response = client.post("/admin/login", data={"email": world.editor.email, "password": PASSWORD})
    assert "Неверная почта или пароль." in response.get_data(as_text=True)


def test_login_returns_to_the_page_asked_for_but_never_outside_the_admin(world, client):
    response = client.post("/admin/login?next=/admin/cases/", data={"email": world.editor.email,
                                                                   "password": PASSWORD})
    assert response.headers["Location"].endswith("/admin/cases/")
    client.post("/admin/logout")
    for target in ("https://evil.example", "//evil.example", "/"):
        response = client.post(f"/admin/login?next={target}", data={"email": world.editor.email,
                                                                    "password": PASSWORD})
        assert response.headers["Location"].endswith("/admin/"), target
        client.post("/admin/logout")


def test_logout_ends_the_session(world, editor_client):
    assert editor_client.get("/admin/").status_code == 200
    editor_client.post("/admin/logout")
    assert editor_client.get("/admin/").status_code == 302


def test_passwords_are_stored_hashed_with_scrypt(world):
    assert world.editor.password_hash.startswith("scrypt:")
    assert PASSWORD not in world.editor.password_hash


def test_session_cookie_is_httponly_and_samesite(world, app):
    client = app.test_client()
    response = client.post("/admin/login", data={"email": world.editor.email, "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


@pytest.fixture
def csrf_client(make_app, world):
    """A client of an app with CSRF protection on, as in production, logged in as admin."""
    app = make_app(create_tables=False, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    page = client.get("/admin/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/admin/login", data={"email": world.admin.email, "password": PASSWORD,
                                                 "csrf_token": token})
    assert response.status_code == 302
    return app, client, token


def test_every_form_refuses_a_post_without_the_csrf_token(csrf_client, world):
    app, client, _ = csrf_client
    failures = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("admin.") or "POST" not in rule.methods:
            continue
        url = url_for_rule(rule, world, "a")
        response = client.post(url, data={"title": "Без токена"})
        if response.status_code != 400 or "Форма устарела" not in response.get_data(as_text=True):
            failures.append(f"{url}: {response.status_code}")
    assert not failures, failures


def test_a_post_with_the_token_is_accepted(csrf_client, world):
    _, client, token = csrf_client
    page = client.get("/admin/cases/new").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post("/admin/cases/new", data={
        "csrf_token": token, "organisation_id": world.org_a.id, "title": "С токеном",
        "mentoring_form": "pupil_pupil", "status": "draft",
    })
    assert response.status_code == 302


def test_a_new_password_ends_other_sessions(world, app, admin_client):
    other = app.test_client()
    other.post("/admin/login", data={"email": world.editor.email, "password": PASSWORD, "remember": "y"})
    assert other.get("/admin/").status_code == 200
    admin_client.post(f"/admin/users/{world.editor.id}/edit", data={
        "email": world.editor.email, "role": "editor", "active": "y", "password": "a-brand-new-password"})
    assert other.get("/admin/").status_code == 302


def test_forms_do_not_expire_during_a_long_edit(app):
    assert app.config["WTF_CSRF_TIME_LIMIT"] is None
