"""Round trips through the admin for every content type: create, list, edit, delete, as a user would."""
from __future__ import annotations

import io
import re
import threading

import pytest
import sqlalchemy as sa

from portal.admin.crud import CRUDS
from portal.extensions import db
import sample_files

# The database matters here: run on PostgreSQL too (conftest's docstring).
pytestmark = pytest.mark.both_databases


def valid_form(area: str, world) -> dict:
    org = world.org_a.id
    person_mentor = world.rows[("persons", "a")].id
    mentee = next(p.id for p in world.rows[("pairings", "a")].mentees)
    return {
        "organisations": {"name": "МБОУ «Лицей № 7» полностью", "short_name": "Лицей № 7", "kind": "school",
                          "website": "https://licey7.example.org", "description_md": "Лицей *с историей*"},
        "roadmaps": {"organisation_id": org, "title": "Дорожная карта лицея", "period": "2025–2026 учебный год",
                     "year": "2025", "status": "draft", "description_md": "Утверждена **приказом**"},
        "cases": {"organisation_id": org, "title": "Наставничество в робототехнике", "mentoring_form": "employer_pupil",
                  "tags_text": "профориентация, роботы, Роботы", "summary": "Кратко", "body_md": "## Как\n\nИнженеры",
                  "results_md": "- 10 пар", "status": "review"},
        "persons": {"organisation_id": org, "full_name": "Иванова Ольга Петровна", "roles": ["mentor", "mentee"],
                    "category": "teacher", "position": "учитель химии", "email": "olga@example.org"},
        "programs": {"organisation_id": org, "title": "Программа «Шаг вперёд»", "mentoring_form": "student_pupil",
                     "starts_on": "2025-09-01", "ends_on": "2026-05-31", "description_md": "Описание"},
        "pairings": {"organisation_id": org, "mentor_id": person_mentor, "mentee_ids": [mentee],
                     "mentoring_form": "pupil_pupil", "order_number": "15/о", "order_date": "2025-10-01",
                     "starts_on": "2025-10-01", "status": "active", "program_id": ""},
        "news": {"organisation_id": org, "title": "Фестиваль наставнических тандемов", "published_on": "2025-11-20",
                 "summary": "Итоги", "body_md": "Победили **все**", "status": "published"},
        "events": {"organisation_id": "", "title": "Конкурс «Лучший наставнический тандем»", "kind": "competition",
                   "starts_at": "2026-03-15T10:00", "ends_at": "2026-04-15T18:00", "place": "Управление образования",
                   "description_md": "Положение о конкурсе", "status": "published"},
        "pages": {"title": "Документы программы", "kind": "documents", "position": "20", "body_md": "# Документы",
                  "status": "published"},
        "users": {"email": "New.Curator@Example.org", "name": "Новый куратор", "role": "curator",
                  "organisation_ids": [org], "active": "y", "password": "long-enough-password"},
        "questionnaires": {"organisation_id": org, "title": "Входная анкета наставляемых", "audience": "mentees",
                           "stage": "entry", "opens_on": "2025-09-01", "closes_on": "2025-09-30", "program_id": ""},
        "media": {"file": (io.BytesIO(sample_files.pdf()), "приказ.pdf"), "title": "Приказ о наставничестве",
                  "organisation_id": org, "alt_text": "", "document_kind": "order", "number": "82/А",
                  "document_date": "2023-01-18", "status": "draft"},
    }[area]


TITLE_FIELD = {"organisations": "short_name", "persons": "full_name", "pairings": "order_number", "users": "email"}
AREAS = ["organisations", "roadmaps", "cases", "persons", "programs", "pairings", "news", "events", "pages", "users",
         "questionnaires", "media"]


def test_every_crud_area_has_a_round_trip_test():
    assert set(CRUDS) == set(AREAS)


def _new_row(area: str, before: set[int]):
    model = CRUDS[area].model
    ids = set(db.session.scalars(sa.select(model.id))) - before
    assert len(ids) == 1, f"expected one new {area} row, got {ids}"
    return db.session.get(model, ids.pop())


@pytest.mark.parametrize("area", AREAS)
def test_create_list_edit_delete_round_trip(world, admin_client, area):
    model = CRUDS[area].model
    data = valid_form(area, world)
    before = set(db.session.scalars(sa.select(model.id)))

    response = admin_client.post(f"/admin/{area}/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    row = _new_row(area, before)
    assert response.headers["Location"].endswith(f"/admin/{area}/{row.id}/edit")

    # What was typed is what was stored.
    title_field = TITLE_FIELD.get(area, "title")
    stored = getattr(row, title_field)
    assert stored == (data[title_field].lower() if area == "users" else data[title_field])

    listing = admin_client.get(f"/admin/{area}/").get_data(as_text=True)
    assert str(row).replace("«", "&laquo;")[:20] in listing.replace("«", "&laquo;")

    edit_page = admin_client.get(f"/admin/{area}/{row.id}/edit").get_data(as_text=True)
    assert "Сохранить" in edit_page

    changed = data | {title_field: "changed@example.org" if area == "users" else "Изменённое название"}
    changed.pop("file", None)  # an edit may leave the stored file as it is
    response = admin_client.post(f"/admin/{area}/{row.id}/edit", data=changed)
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    assert getattr(db.session.get(model, row.id), title_field) == changed[title_field]

    row_id = row.id
    response = admin_client.post(f"/admin/{area}/{row_id}/delete")
    assert response.status_code == 302
    assert db.session.scalar(sa.select(model.id).where(model.id == row_id)) is None


def test_markdown_is_rendered_and_sanitized_when_saved(world, admin_client):
    data = valid_form("cases", world) | {"body_md": "**жирный** <script>alert(1)</script>\n\n[ссылка](javascript:alert(2))"}
    admin_client.post("/admin/cases/new", data=data)
    case = db.session.scalar(sa.select(CRUDS["cases"].model).where(CRUDS["cases"].model.title == data["title"]))
    assert "<strong>жирный</strong>" in case.body_html
    assert "<script" not in case.body_html and "javascript:" not in case.body_html
    assert case.results_html.startswith("<ul>")


def test_tags_are_split_deduplicated_and_shared(world, admin_client):
    data = valid_form("cases", world)
    admin_client.post("/admin/cases/new", data=data)
    admin_client.post("/admin/cases/new", data=data | {"title": "Второй кейс", "tags_text": "роботы"})
    model = CRUDS["cases"].model
    first, second = db.session.scalars(sa.select(model).where(model.title.in_([data["title"], "Второй кейс"]))
                                       .order_by(model.id)).all()
    assert [t.name for t in first.tags] == ["профориентация", "роботы"]
    assert second.tags[0].id == next(t.id for t in first.tags if t.name == "роботы")


def test_case_edit_page_shows_its_tags(world, admin_client):
    admin_client.post("/admin/cases/new", data=valid_form("cases", world))
    model = CRUDS["cases"].model
    case = db.session.scalar(sa.select(model).where(model.title == "Наставничество в робототехнике"))
    html = admin_client.get(f"/admin/cases/{case.id}/edit").get_data(as_text=True)
    assert 'value="профориентация, роботы"' in html


def test_person_roles_and_pairing_mentees_round_trip(world, admin_client):
    admin_client.post("/admin/persons/new", data=valid_form("persons", world))
    model = CRUDS["persons"].model
    person = db.session.scalar(sa.select(model).where(model.full_name == "Иванова Ольга Петровна"))
    assert {r.value for r in person.roles} == {"mentor", "mentee"}
    html = admin_client.get(f"/admin/persons/{person.id}/edit").get_data(as_text=True)
    assert len(re.findall(r'name="roles"[^>]*checked|checked[^>]*name="roles"', html)) == 2

    admin_client.post(f"/admin/persons/{person.id}/edit", data=valid_form("persons", world) | {"roles": ["mentee"]})
    db.session.expire_all()
    assert {r.value for r in db.session.get(model, person.id).roles} == {"mentee"}


def test_new_user_can_log_in_with_the_password_given(world, admin_client, app):
    admin_client.post("/admin/users/new", data=valid_form("users", world))
    client = app.test_client()
    response = client.post("/admin/login", data={"email": "new.curator@example.org",
                                                 "password": "long-enough-password"})
    assert response.status_code == 302
    assert "Школа A" in client.get("/admin/").get_data(as_text=True)


def test_editing_a_user_without_a_password_keeps_the_old_one(world, admin_client):
    editor = world.editor
    old_hash = editor.password_hash
    admin_client.post(f"/admin/users/{editor.id}/edit", data={"email": editor.email, "role": "editor",
                                                              "active": "y", "password": ""})
    db.session.expire_all()
    assert db.session.get(type(editor), editor.id).password_hash == old_hash


def test_list_quick_filter_finds_cyrillic_whatever_the_case(world, admin_client):
    html = admin_client.get("/admin/cases/?q=КЕЙС a").get_data(as_text=True)
    assert "Кейс A" in html and "Кейс B" not in html


def test_list_filters_by_organisation_and_status(world, admin_client):
    world.rows[("cases", "b")].status = "published"
    db.session.commit()
    html = admin_client.get(f"/admin/cases/?org={world.org_b.id}&status=published").get_data(as_text=True)
    assert "Кейс B" in html and "Кейс A" not in html
    html = admin_client.get(f"/admin/cases/?org={world.org_a.id}&status=published").get_data(as_text=True)
    assert "Ничего не найдено" in html


def test_list_sorts_and_paginates(make_app, world, admin_client, app):
    app.config["ITEMS_PER_PAGE"] = 1
    first = admin_client.get("/admin/cases/?sort=title").get_data(as_text=True)
    second = admin_client.get("/admin/cases/?sort=title&page=2").get_data(as_text=True)
    assert "Кейс A" in first and "Кейс B" not in first
    assert "Кейс B" in second and "Кейс A" not in second
    descending = admin_client.get("/admin/cases/?sort=-title").get_data(as_text=True)
    assert "Кейс B" in descending and "Кейс A" not in descending
    assert 'aria-label="Страницы списка"' in first


@pytest.mark.parametrize("query", ["page=abc", "page=-5", "page=99999", "sort=password_hash", "sort=__class__",
                                   "org=abc", "status=<script>", "q=" + "щ" * 5000, "q=%25_%25", "q=%00"])
def test_list_survives_odd_query_strings(world, admin_client, query):
    response = admin_client.get(f"/admin/cases/?{query}")
    assert response.status_code in (200, 404)
    assert "<script>" not in response.get_data(as_text=True).split("</form>", 1)[0].split("<main", 1)[-1]


def test_markdown_preview_shows_without_saving(world, admin_client):
    case = world.rows[("cases", "a")]
    data = valid_form("cases", world) | {"body_md": "# Новый заголовок", "preview": "1"}
    response = admin_client.post(f"/admin/cases/{case.id}/edit", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1>Новый заголовок</h1>" in html
    assert "предпросмотр" in html.lower()
    db.session.expire_all()
    assert db.session.get(type(case), case.id).body_md == "**важно**"


def test_markdown_preview_endpoint_sanitizes(world, admin_client):
    response = admin_client.post("/admin/preview", data={"text": "*курсив* <img src=x onerror=alert(1)>"})
    html = response.get_json()["html"]
    assert "<em>курсив</em>" in html and "onerror" not in html


def test_publication_can_be_scheduled_from_the_form(world, admin_client):
    data = valid_form("news", world) | {"publish_at": "2030-01-15T09:30"}
    admin_client.post("/admin/news/new", data=data)
    model = CRUDS["news"].model
    item = db.session.scalar(sa.select(model).where(model.title == data["title"]))
    assert item.publish_at.isoformat() == "2030-01-15T09:30:00"
    assert 'value="2030-01-15T09:30"' in admin_client.get(f"/admin/news/{item.id}/edit").get_data(as_text=True)


def test_a_save_does_not_read_the_saved_row_again_after_its_commit(world, admin_client):
    """Title, address and whether the row is on the site are read before the commit expires the row: each would
    otherwise load the whole row (texts and tags) again after the save, for the message and the redirect."""
    admin_client.post("/admin/cases/new", data=valid_form("cases", world))
    model = CRUDS["cases"].model
    case = db.session.scalar(sa.select(model).where(model.title == "Наставничество в робототехнике"))
    statements: list[str] = []
    request_thread = threading.get_ident()  # the test client's: the search index's writer thread reads rows too

    def seen(conn, cursor, statement, parameters, context, executemany):
        if threading.get_ident() == request_thread:
            statements.append(" ".join(statement.split()))

    def committed(conn):
        if threading.get_ident() == request_thread:
            statements.append("COMMIT")

    sa.event.listen(db.engine, "before_cursor_execute", seen)
    sa.event.listen(db.engine, "commit", committed)
    try:
        response = admin_client.post(f"/admin/cases/{case.id}/edit",
                                     data=valid_form("cases", world) | {"title": "Новое название", "status": "published"})
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", seen)
        sa.event.remove(db.engine, "commit", committed)
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/admin/cases/{case.id}/edit")
    written = next(n for n, s in enumerate(statements) if s.startswith('UPDATE "case"'))
    saved = statements.index("COMMIT", written)
    assert not [s for s in statements[saved:] if s.startswith('SELECT "case"')]
    assert "Новое название" in admin_client.get(f"/admin/cases/{case.id}/edit").get_data(as_text=True)
