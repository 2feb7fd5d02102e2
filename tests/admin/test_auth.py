"""Login, logout and sessions (CSRF: test_csrf.py; login rate limits: test_login_limits.py)."""
from __future__ import annotations

import pytest

from portal.extensions import db
from tests_support import PASSWORD


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


def test_a_password_set_in_the_admin_is_stored_hashed_with_scrypt(world, admin_client):
    # The world's users have a cheap test hash (conftest); what the user form stores is the portal's own.
    admin_client.post(f"/admin/users/{world.editor.id}/edit", data={
        "email": world.editor.email, "role": "editor", "active": "y", "password": "a-brand-new-password"})
    db.session.refresh(world.editor)
    assert world.editor.password_hash.startswith("scrypt:")
    assert "a-brand-new-password" not in world.editor.password_hash


def test_session_cookie_is_httponly_and_samesite(world, app):
    client = app.test_client()
    response = client.post("/admin/login", data={"email": world.editor.email, "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_a_new_password_ends_other_sessions(world, app, admin_client):
    other = app.test_client()
    other.post("/admin/login", data={"email": world.editor.email, "password": PASSWORD, "remember": "y"})
    assert other.get("/admin/").status_code == 200
    admin_client.post(f"/admin/users/{world.editor.id}/edit", data={
        "email": world.editor.email, "role": "editor", "active": "y", "password": "a-brand-new-password"})
    assert other.get("/admin/").status_code == 302



def cookies_of(response) -> dict[str, str]:
    """Set-Cookie headers of a response by cookie name."""
    return {header.split("=", 1)[0]: header for header in response.headers.getlist("Set-Cookie")}


def test_cookies_are_secure_when_the_admin_is_behind_https(make_app, world):
    client = make_app(create_tables=False, SESSION_COOKIE_SECURE=True).test_client()
    response = client.post("/admin/login", data={"email": world.editor.email, "password": PASSWORD,
                                                 "remember": "y"})
    cookies = cookies_of(response)
    for name in ("session", "remember_token"):
        assert "Secure" in cookies[name] and "HttpOnly" in cookies[name] and "SameSite=Lax" in cookies[name]


def test_the_session_expires_after_the_configured_idle_time(make_app, world, monkeypatch):
    import itsdangerous.timed
    from datetime import datetime, timedelta, timezone
    from email.utils import parsedate_to_datetime

    app = make_app(create_tables=False, SESSION_LIFETIME_MINUTES=30)
    client = app.test_client()
    response = client.post("/admin/login", data={"email": world.editor.email, "password": PASSWORD})
    expires = parsedate_to_datetime(cookies_of(response)["session"].split("Expires=", 1)[1].split(";")[0])
    assert abs(expires - (datetime.now(timezone.utc) + timedelta(minutes=30))) < timedelta(minutes=1)
    assert client.get("/admin/").status_code == 200

    # The server itself refuses a signature older than the lifetime, whatever the browser keeps.
    real = itsdangerous.timed.TimestampSigner.get_timestamp
    monkeypatch.setattr(itsdangerous.timed.TimestampSigner, "get_timestamp", lambda self: real(self) + 31 * 60)
    assert client.get("/admin/").status_code == 302


def test_an_old_session_cookie_stops_working_after_logout(app, world, editor_client):
    stolen = editor_client.get_cookie("session").value
    assert editor_client.get("/admin/").status_code == 200
    editor_client.post("/admin/logout")
    replay = app.test_client()
    replay.set_cookie("session", stolen)
    assert replay.get("/admin/").status_code == 302


def test_an_old_remember_me_cookie_stops_working_after_logout(app, world):
    client = app.test_client()
    client.post("/admin/login", data={"email": world.editor.email, "password": PASSWORD, "remember": "y"})
    remember = client.get_cookie("remember_token").value
    probe = app.test_client()
    probe.set_cookie("remember_token", remember)
    assert probe.get("/admin/").status_code == 200  # the cookie alone logs in, before the logout

    client.post("/admin/logout")
    replay = app.test_client()
    replay.set_cookie("remember_token", remember)
    assert replay.get("/admin/").status_code == 302


def test_logout_ends_the_users_sessions_on_every_device(app, world):
    laptop, phone = app.test_client(), app.test_client()
    for device in (laptop, phone):
        device.post("/admin/login", data={"email": world.editor.email, "password": PASSWORD})
    laptop.post("/admin/logout")
    assert phone.get("/admin/").status_code == 302
    # Logging in again works, and another user's session was never touched.
    assert phone.post("/admin/login", data={"email": world.editor.email, "password": PASSWORD}).status_code == 302
    assert phone.get("/admin/").status_code == 200


def test_the_header_names_the_user_and_the_role_once(world, editor_client):
    html = editor_client.get("/admin/").get_data(as_text=True)
    assert f"{world.editor} · Редактор (координатор)" in html
    assert html.count("Редактор (координатор)") == 1
