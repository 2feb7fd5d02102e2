"""The log: each request with its id, each build and job, errors with their reason; JSON on request; and none of
the registry's personal data, whatever an editor does."""
from __future__ import annotations

import json
import logging
import re
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa
import yaml

from portal import demo, jobs, logs
from portal.config import PACKAGE_DIR
from portal.extensions import db
from portal.models import Person, Questionnaire, QuestionnaireAudience, QuestionnaireStage
from portal.publish import build as build_module
from portal.publish import publishing
from log_watch import demo_personal_data
from tests_support import PASSWORD

DEMO = PACKAGE_DIR / "content" / "demo"


class Captured(logging.Handler):
    """Every record that reaches the root logger, formatted as text and as JSON (what an operator would read)."""

    def __init__(self) -> None:
        super().__init__(logging.NOTSET)
        self.lines: list[str] = []
        self.records: list[logging.LogRecord] = []
        self.text = logging.Formatter(logs.TEXT_FORMAT + " %(pathname)s")
        self.json = logs.JsonFormatter()
        self.addFilter(logs._Context())

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)
        self.lines += [self.text.format(record), self.json.format(record)]

    def all(self) -> str:
        return "\n".join(self.lines)


@pytest.fixture
def captured():
    handler = Captured()
    root = logging.getLogger()
    root.addHandler(handler)
    yield handler
    root.removeHandler(handler)
    logs.configure("INFO", "text")  # the test apps' levels back for the next test of this process


def request_lines(handler: Captured) -> list[logging.LogRecord]:
    return [r for r in handler.records if r.name == "portal.request"]


def test_each_request_is_logged_with_method_path_status_duration_user_and_its_id(app, client, world, captured):
    response = client.get("/admin/login?next=/admin/persons/?q=secret", headers={"X-Request-ID": "nginx-42"})
    assert response.headers["X-Request-ID"] == "nginx-42"
    assert client.post("/admin/login", data={"email": world.admin.email, "password": PASSWORD}).status_code == 302
    client.get("/admin/")
    first, _login, dashboard = request_lines(captured)
    assert (first.method, first.path, first.status, first.request_id) == ("GET", "/admin/login", 200, "nginx-42")
    assert first.duration_ms >= 0 and first.user_id == "-"
    assert "secret" not in captured.all()  # no query strings
    assert dashboard.user_id == str(world.admin.id) and dashboard.status == 200
    assert re.fullmatch(r"[0-9a-f]{16}", dashboard.request_id)  # made here when nginx sends none


def test_the_development_servers_own_request_lines_with_query_strings_are_off(app, captured):
    import threading
    import urllib.request

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{server.server_port}/admin/login?q=secret", timeout=10) as r:
            assert r.status == 200
    finally:
        server.shutdown()
        server.server_close()
    assert "secret" not in captured.all() and "GET /admin/login 200" in captured.all()


def test_a_request_id_that_is_not_a_plain_token_is_replaced(client, captured):
    for forged in ("x\r\nSet-Cookie: a=b", "<script>", "a" * 65):
        response = client.get("/admin/login", environ_overrides={"HTTP_X_REQUEST_ID": forged})
        assert re.fullmatch(r"[0-9a-f]{16}", response.headers["X-Request-ID"])


def test_questionnaire_tokens_are_masked_in_every_record(app, client, world, captured):
    questionnaire = Questionnaire(organisation=world.org_a, title="Анкета", audience=QuestionnaireAudience.MENTEES,
                                  stage=QuestionnaireStage.ENTRY)
    db.session.add(questionnaire)
    db.session.commit()
    token = questionnaire.token
    client.get(f"/q/{token}")
    logging.getLogger("portal.test").warning("looked at /q/%s and /q/%s/thanks", token, token)
    assert token not in captured.all()
    assert "GET /q/***" in captured.all()


def test_json_format_gives_one_object_per_line_with_the_records_fields(make_app, captured, capsys):
    app = make_app(LOG_FORMAT="json")
    app.test_client().get("/admin/login")
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line.startswith("{")]
    request = next(line for line in lines if line["logger"] == "portal.request")
    assert request["path"] == "/admin/login" and request["status"] == 200 and request["method"] == "GET"
    assert request["level"] == "INFO" and request["time"].endswith("+00:00") and request["request_id"] != "-"


def test_an_error_is_logged_with_its_traceback_and_request_id(make_app, captured):
    app = make_app()

    @app.get("/admin/explode")
    def explode():
        raise RuntimeError("сломалось")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get("/admin/explode")
    assert response.status_code == 500
    error = next(r for r in captured.records if r.levelno == logging.ERROR)
    assert error.exc_info and "сломалось" in captured.all() and "Traceback" in captured.all()
    assert error.request_id == response.headers["X-Request-ID"]


def test_a_build_is_logged_with_its_phases_and_pages_and_a_failure_with_its_reason(app, world, captured,
                                                                                    monkeypatch):
    assert publishing.run_build(app).ok
    done = next(r for r in captured.records if r.name == "portal.build")
    assert done.build_ok and done.pages_total > 0 and "render" in done.phases and done.duration_s >= 0

    def broken(*_, **__):
        raise RuntimeError("шаблон страницы не найден")

    monkeypatch.setattr(build_module.content_reuse, "load", broken)
    assert not publishing.run_build(app).ok
    failed = [r for r in captured.records if r.name == "portal.build"][-1]
    assert failed.levelno == logging.ERROR and not failed.build_ok
    message = failed.getMessage()
    assert "Build failed" in message and "шаблон страницы не найден" in message and "Traceback" in message


def test_each_job_is_logged_with_its_name_result_and_duration(app, world, captured):
    jobs.request_publish("manual")
    jobs.run_queued(app)
    records = [r for r in captured.records if r.name == "portal.jobs" and hasattr(r, "job")]
    assert [(r.getMessage().split()[2], getattr(r, "result", None)) for r in records] == [
        ("started", None), ("complete", "complete")]
    assert records[0].request_id.startswith("job-")
    assert any(r.name == "portal.build" and r.request_id == records[0].request_id for r in captured.records)


class _Hidden(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.fields: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "input" and attributes.get("type") == "hidden" and attributes.get("name"):
            self.fields[attributes["name"]] = attributes.get("value") or ""


def test_no_demo_persons_name_email_or_password_reaches_the_log(make_app, captured, monkeypatch):
    app = make_app(LOG_LEVEL="DEBUG")
    secrets = demo_personal_data()
    assert len(secrets) > 10 and "admin@example.org" in secrets
    users = yaml.safe_load((DEMO / "users.yaml").read_text(encoding="utf-8"))
    with app.app_context():
        demo.load_demo(DEMO)
        sokolova = db.session.scalar(sa.select(Person).where(Person.full_name.like("Соколова%")))
        person_id, organisation_id = sokolova.id, sokolova.organisation_id
    client = app.test_client()
    admin = next(u for u in users if u["role"] == "admin")
    curator = next(u for u in users if u["role"] == "curator")
    # A wrong password, then the right one.
    assert client.post("/admin/login", data={"email": curator["email"], "password": "не тот пароль"}).status_code == 200
    assert client.post("/admin/login", data={"email": admin["email"], "password": admin["password"]}).status_code == 302
    # Searching for a person by name, opening and editing their registry card, adding a person.
    client.get("/admin/search?q=Соколова Марина")
    client.get(f"/admin/persons/?q=Соколова")
    page = client.get(f"/admin/persons/{person_id}/edit").get_data(as_text=True)
    hidden = _Hidden()
    hidden.feed(page)
    edited = client.post(f"/admin/persons/{person_id}/edit", data=hidden.fields | {
        "organisation_id": organisation_id, "full_name": "Соколова Марина Петровна", "roles": ["mentor"],
        "category": "teacher", "position": "заместитель директора", "email": "sokolova.mp@zarechny.example.org"})
    assert edited.status_code == 302, edited.get_data(as_text=True)[:2000]
    added = client.post("/admin/persons/new", data={
        "organisation_id": organisation_id, "full_name": "Новикова Ирина Павловна", "roles": ["mentor"],
        "category": "teacher", "position": "учитель", "email": "novikova.ip@zarechny.example.org"})
    assert added.status_code == 302
    secrets += ["sokolova.mp@zarechny.example.org", "Новикова Ирина Павловна", "novikova.ip@zarechny.example.org"]
    assert client.get("/admin/registry/export?kind=mentors&format=csv").status_code == 200
    # Publishing through the queue, then a build that fails.
    with app.app_context():
        jobs.request_publish("manual")
        jobs.run_queued(app)
    monkeypatch.setattr(build_module.content_reuse, "load",
                        lambda *_, **__: (_ for _ in ()).throw(RuntimeError("нет шаблона")))
    with app.app_context():
        assert not publishing.run_build(app).ok
    client.post("/admin/logout")

    text = captured.all()
    assert "POST /admin/persons/" in text and "Build failed" in text and "Job publish" in text
    leaked = [secret for secret in secrets if secret.lower() in text.lower()]
    assert not leaked, f"personal data in the log: {leaked}"
