"""A database that fails during a save: a Russian message, the form as typed, HTTP 503 — never a 500."""
from __future__ import annotations

from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from portal.extensions import db
from portal.models import Case

# The database matters here: run on PostgreSQL too (conftest's docstring).
pytestmark = pytest.mark.both_databases


def _locked(*_args, **_kwargs):
    raise sa.exc.OperationalError("COMMIT", {}, Exception("database is locked"))


@contextmanager
def failing(session_event: str):
    """Every session's `session_event` fails as a locked or lost database does."""
    event.listen(Session, session_event, _locked)
    try:
        yield
    finally:
        event.remove(Session, session_event, _locked)


def case_form(world, title: str) -> dict:
    case = world.rows[("cases", "a")]
    return {"organisation_id": world.org_a.id, "title": title, "slug": case.slug, "mentoring_form": "pupil_pupil",
            "summary": "Кратко", "body_md": "Текст, который редактор писал полчаса", "status": "draft",
            "version": case.version}


@pytest.mark.parametrize("stage", ["before_commit", "before_flush"])
def test_a_failed_save_keeps_the_form_and_says_why(world, editor_client, stage):
    case = world.rows[("cases", "a")]
    with failing(stage):
        response = editor_client.post(f"/admin/cases/{case.id}/edit", data=case_form(world, "Новый заголовок"))
    html = response.get_data(as_text=True)
    assert response.status_code == 503
    assert "база данных сейчас не отвечает" in html and "Ваш текст не потерян" in html
    assert "Новый заголовок" in html and "Текст, который редактор писал полчаса" in html
    db.session.expire_all()
    assert db.session.get(Case, case.id).title == "Кейс A"
    # The database is back: the same form saves (the version in it was not spent by the failed save).
    response = editor_client.post(f"/admin/cases/{case.id}/edit", data=case_form(world, "Новый заголовок"))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Case, case.id).title == "Новый заголовок"


def test_a_failed_create_saves_nothing_and_keeps_the_form(world, editor_client):
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Case))
    form = case_form(world, "Совсем новый кейс") | {"slug": ""}
    form.pop("version")
    with failing("before_commit"):
        response = editor_client.post("/admin/cases/new", data=form)
    assert response.status_code == 503
    assert "Совсем новый кейс" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == before


@pytest.mark.parametrize("table", ["case", "user"])
def test_a_page_that_meets_a_locked_database_answers_503_in_russian(world, editor_client, table):
    """`case`: the list's own query fails; `user`: even loading the logged-in user fails (the whole database)."""

    def locked_query(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith("SELECT") and f"FROM {table}" in statement.replace('"', ""):
            raise sa.exc.OperationalError(statement, {}, Exception("database is locked"))

    event.listen(db.engine, "before_cursor_execute", locked_query)
    try:
        response = editor_client.get("/admin/cases/")
    finally:
        event.remove(db.engine, "before_cursor_execute", locked_query)
    assert response.status_code == 503
    assert "База данных не отвечает" in response.get_data(as_text=True)
    assert editor_client.get("/admin/cases/").status_code == 200  # and the next request works again
