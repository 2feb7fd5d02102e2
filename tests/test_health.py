"""/healthz: 200 when the database, the queue and the disks are fine, 503 with the reason when one is not; the last
build's status and age; no login, no personal data."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from portal.extensions import db

from portal.publish import build as build_module
from portal.publish import publishing

pytestmark = pytest.mark.both_databases  # the database check is the point


def health(app):
    response = app.test_client().get("/healthz")
    return response.status_code, response.get_json(), response


def test_a_healthy_portal_answers_200_without_login_and_says_what_it_checked(app):
    status, body, response = health(app)
    assert status == 200 and body["status"] == "ok"
    assert response.headers["Cache-Control"] == "no-store" and "Set-Cookie" not in response.headers
    checks = body["checks"]
    assert checks["database"] == {"ok": True}
    assert checks["queue"]["ok"] and checks["queue"]["pending"] == 0
    assert checks["disk"]["ok"] and checks["disk"]["instance_free_mb"] > 0 and checks["disk"]["build_free_mb"] > 0
    assert checks["build"] == {"ok": True, "status": "never"}


def test_the_last_build_is_reported_with_its_age_and_a_failed_one_does_not_make_the_process_unhealthy(
        app, world, monkeypatch):
    assert publishing.run_build(app).ok
    status, body, _ = health(app)
    assert status == 200 and body["checks"]["build"]["status"] == "done"
    assert 0 <= body["checks"]["build"]["age_seconds"] < 3600
    monkeypatch.setattr(build_module.content_reuse, "load", lambda *_, **__: 1 / 0)
    assert not publishing.run_build(app).ok
    status, body, _ = health(app)
    assert status == 200 and body["status"] == "ok"
    assert body["checks"]["build"]["status"] == "failed" and body["checks"]["build"]["ok"] is False


def test_a_database_that_does_not_answer_gives_503(make_app, database_url):
    if database_url.startswith("postgresql"):
        app = make_app(create_tables=False, DATABASE_URL="postgresql://portal@127.0.0.1:9/portal")  # nobody listens
    else:  # the SQLite file gone, a folder in its place: it cannot be opened
        app = make_app()
        with app.app_context():
            db.engine.dispose()
        path = Path(make_url(app.config["DATABASE_URL"]).database)
        path.unlink()
        path.mkdir()
    status, body, _ = health(app)
    assert status == 503 and body["status"] == "fail"
    assert body["checks"]["database"]["ok"] is False and body["checks"]["database"]["error"]
    assert body["checks"]["build"]["status"] == "unknown"
    assert "portal@" not in str(body)  # the kind of error only, not the driver's message


def test_a_queue_that_does_not_answer_gives_503(make_app):
    app = make_app(QUEUE_URL="redis://127.0.0.1:9/0")
    status, body, _ = health(app)
    assert status == 503 and body["checks"]["queue"]["ok"] is False and body["checks"]["database"]["ok"]


def test_a_full_disk_gives_503(make_app):
    app = make_app(HEALTH_MIN_FREE_MB=10 ** 12)
    status, body, _ = health(app)
    assert status == 503 and body["checks"]["disk"]["ok"] is False


def test_portal_serve_routes_healthz_to_the_admin_app(app, tmp_path):
    from werkzeug.test import Client

    from portal.serve import PublishedSite

    response = Client(PublishedSite(app, str(tmp_path / "no-site"))).get("/healthz")
    assert response.status_code == 200 and response.json["status"] == "ok"
