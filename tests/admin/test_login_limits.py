"""Failed logins are limited per account and per address (Flask-Limiter); refusals are 429, Russian, audited."""
from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models import AuditEntry, User, UserRole
from tests_support import redis_url, PASSWORD

LIMITED = "Слишком много неудачных попыток входа"


def limited_app(make_app, **settings):
    """A second app on the test database (the world's), with its own limits."""
    return make_app(create_tables=False, **settings)


def attempt(client, email: str, password: str = "wrong-password", ip: str = "10.0.0.1"):
    return client.post("/admin/login", data={"email": email, "password": password},
                       environ_base={"REMOTE_ADDR": ip})


def failed_logins(email: str) -> list[AuditEntry]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "login_failed",
                                                               AuditEntry.user_email == email)))


def test_an_account_is_closed_after_too_many_failures_even_for_the_right_password(make_app, world):
    app = limited_app(make_app, LOGIN_LIMIT_PER_ACCOUNT="3 per 15 minutes")
    client = app.test_client()
    email = world.editor.email
    assert [attempt(client, email).status_code for _ in range(3)] == [200, 200, 200]

    refused = attempt(client, email, PASSWORD)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 429
    assert LIMITED in html and 'lang="ru"' in html
    assert 0 < int(refused.headers["Retry-After"]) <= 15 * 60 + 1 and "попробуйте через 15 мин." in html
    assert client.get("/admin/").status_code == 302  # not logged in
    # Every attempt is in the audit log, the refused one saying why.
    entries = failed_logins(email)
    assert len(entries) == 4 and "слишком много попыток" in entries[-1].details

    # Another account from the same address is not affected by this account's limit.
    assert attempt(client, world.admin.email, PASSWORD).status_code == 302


def test_the_email_is_normalised_so_case_and_spaces_do_not_open_new_buckets(make_app, world):
    client = limited_app(make_app, LOGIN_LIMIT_PER_ACCOUNT="2 per 15 minutes").test_client()
    attempt(client, "editor@example.org")
    attempt(client, "  EDITOR@Example.org ")
    assert attempt(client, "Editor@example.org", PASSWORD).status_code == 429


def test_one_address_trying_many_accounts_is_limited(make_app, world):
    client = limited_app(make_app, LOGIN_LIMIT_PER_IP="3 per 15 minutes").test_client()
    codes = [attempt(client, f"guess{i}@example.org", ip="10.0.0.7").status_code for i in range(3)]
    assert codes == [200, 200, 200]
    refused = attempt(client, world.editor.email, ip="10.0.0.7")
    assert refused.status_code == 429 and LIMITED in refused.get_data(as_text=True)
    # Someone at another address still logs in.
    assert attempt(client, world.editor.email, PASSWORD, ip="10.0.0.8").status_code == 302


def test_a_right_password_passes_the_address_limit_but_not_the_account_limit(make_app, world):
    """Issue 18, finding 9: a school behind one address is not locked out by one pupil guessing there."""
    client = limited_app(make_app, LOGIN_LIMIT_PER_IP="3 per 15 minutes", LOGIN_LIMIT_PER_ACCOUNT="2 per 15 minutes").test_client()
    assert [attempt(client, f"guess{i}@example.org", ip="10.0.0.7").status_code for i in range(3)] == [200, 200, 200]
    assert attempt(client, world.curator_a.email, ip="10.0.0.7").status_code == 429  # a wrong one is refused
    assert attempt(client, world.editor.email, PASSWORD, ip="10.0.0.7").status_code == 302
    # The account's own limit still closes it, right password included.
    other = limited_app(make_app, LOGIN_LIMIT_PER_ACCOUNT="2 per 15 minutes").test_client()
    assert [attempt(other, world.admin.email, ip="10.0.0.9").status_code for _ in range(2)] == [200, 200]
    assert attempt(other, world.admin.email, PASSWORD, ip="10.0.0.9").status_code == 429


def test_successful_logins_do_not_count(make_app, world):
    app = limited_app(make_app, LOGIN_LIMIT_PER_ACCOUNT="2 per 15 minutes", LOGIN_LIMIT_PER_IP="2 per 15 minutes")
    for _ in range(5):
        assert attempt(app.test_client(), world.editor.email, PASSWORD).status_code == 302


def test_the_login_page_itself_is_never_limited(make_app, world):
    client = limited_app(make_app, LOGIN_LIMIT_PER_ACCOUNT="1 per 15 minutes",
                         LOGIN_LIMIT_PER_IP="1 per 15 minutes").test_client()
    attempt(client, world.editor.email)
    assert attempt(client, world.editor.email).status_code == 429
    assert client.get("/admin/login", environ_base={"REMOTE_ADDR": "10.0.0.1"}).status_code == 200


def test_limits_can_be_turned_off(make_app, world):
    client = limited_app(make_app, RATELIMIT_ENABLED=False, LOGIN_LIMIT_PER_ACCOUNT="1 per 15 minutes").test_client()
    assert {attempt(client, world.editor.email).status_code for _ in range(5)} == {200}
    assert attempt(client, world.editor.email, PASSWORD).status_code == 302


def test_behind_a_trusted_proxy_the_forwarded_address_counts_and_is_audited(make_app, world):
    client = limited_app(make_app, TRUSTED_PROXIES=1, LOGIN_LIMIT_PER_IP="2 per 15 minutes").test_client()

    def via_proxy(email, client_ip):
        return client.post("/admin/login", data={"email": email, "password": "wrong-password"},
                           environ_base={"REMOTE_ADDR": "127.0.0.1"}, headers={"X-Forwarded-For": client_ip})

    assert [via_proxy(f"a{i}@example.org", "203.0.113.5").status_code for i in range(3)] == [200, 200, 429]
    assert via_proxy("b@example.org", "203.0.113.6").status_code == 200  # another client behind the same proxy
    assert failed_logins("a0@example.org")[0].ip == "203.0.113.5"


def test_a_generic_limit_answers_a_russian_429_page(make_app):
    """What another view gets with `@limiter.limit` (the public questionnaire): the Russian error page."""
    from portal.extensions import limiter

    app = make_app()

    @app.get("/limited-probe")
    @limiter.limit("1 per minute")
    def probe():
        return "ok"

    client = app.test_client()
    assert client.get("/limited-probe").status_code == 200
    response = client.get("/limited-probe")
    assert response.status_code == 429 and "Слишком много запросов" in response.get_data(as_text=True)




@pytest.mark.skipif(redis_url() is None, reason="no Redis server (TEST_REDIS_URL or 127.0.0.1:6379)")
def test_counters_can_live_in_redis_and_are_shared_by_workers(make_app, world):
    # Two apps on one Redis are two workers: failures at one count at the other. A fresh account per run, as
    # Redis keeps counters between test runs.
    email = f"redis-{uuid.uuid4().hex[:10]}@example.org"
    user = User(email=email, role=UserRole.EDITOR, name="redis")
    user.set_password(PASSWORD)
    db.session.add(user)
    db.session.commit()
    settings = {"RATELIMIT_STORAGE_URL": redis_url(), "LOGIN_LIMIT_PER_ACCOUNT": "2 per 15 minutes"}
    ip = "10.{}.{}.{}".format(*uuid.uuid4().bytes[:3])
    first = limited_app(make_app, **settings)
    assert attempt(first.test_client(), email, ip=ip).status_code == 200
    second = limited_app(make_app, **settings)  # the limiter now talks to Redis through this worker's storage
    client = second.test_client()
    assert attempt(client, email, ip=ip).status_code == 200
    assert attempt(client, email, PASSWORD, ip=ip).status_code == 429


def test_an_unreachable_redis_does_not_lock_anyone_out(make_app, world):
    """Counting falls back to memory while the Redis server is down: logins go on, and still count."""
    client = limited_app(make_app, RATELIMIT_STORAGE_URL="redis://127.0.0.1:9/0",
                         LOGIN_LIMIT_PER_ACCOUNT="2 per 15 minutes").test_client()
    assert attempt(client, world.admin.email, PASSWORD).status_code == 302
    other = limited_app(make_app, RATELIMIT_STORAGE_URL="redis://127.0.0.1:9/0",
                        LOGIN_LIMIT_PER_ACCOUNT="2 per 15 minutes").test_client()
    assert [attempt(other, world.editor.email).status_code for _ in range(2)] == [200, 200]
    assert attempt(other, world.editor.email, PASSWORD).status_code == 429
