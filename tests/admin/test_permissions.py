"""The permission matrix: every admin URL × every role, and a curator never reaches another organisation."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal.extensions import db
from tests_support import admin_rules, area_of, url_for_rule

# The database matters here: run on PostgreSQL too (conftest's docstring).
pytestmark = pytest.mark.both_databases

ROLES = ["anonymous", "curator_a", "curator_b", "editor", "admin"]

STAFF_AREAS = {"pages", "publish"}
ADMIN_ONLY_ENDPOINTS = {"audit_log"}
ADMIN_AREAS = {"users"}
CURATOR_CANNOT_CREATE = {"organisations"}


def expected_status(role: str, rule, owner: str) -> int:
    endpoint = rule.endpoint
    name = endpoint.removeprefix("admin.")
    area = area_of(endpoint)
    if name == "login":
        return 302 if role != "anonymous" else 200
    if role == "anonymous":
        return 302
    if name in ("dashboard",):
        return 200
    if (area in ADMIN_AREAS or name in ADMIN_ONLY_ENDPOINTS) and role != "admin":
        return 403
    if area in STAFF_AREAS and role not in ("editor", "admin"):
        return 403
    if role in ("editor", "admin") or name.endswith("_list"):
        return 200
    # A curator from here on.
    is_own = role == f"curator_{owner}"
    names_a_row = bool(rule.arguments)
    if names_a_row and not is_own:
        return 404
    if area in CURATOR_CANNOT_CREATE and name.endswith(("_new", "_delete")):
        return 403
    return 200


def get_rules(app):
    return [rule for rule in admin_rules(app) if "GET" in rule.methods]


@pytest.mark.parametrize("role", ROLES)
def test_every_admin_page_answers_each_role_as_the_matrix_says(app, world, login_as, role):
    client = login_as(role)
    failures = []
    for rule in get_rules(app):
        if rule.endpoint == "admin.login" and role != "anonymous":
            continue  # visiting it logged in is covered below; it would not log out
        url = url_for_rule(rule, world, "b")
        expected = expected_status(role, rule, "b")
        with client.get(url) as response:  # closed: some answers are files (the media library)
            got = response.status_code
        if got != expected:
            failures.append(f"{role} GET {url} ({rule.endpoint}): {got}, expected {expected}")
    assert not failures, "\n".join(failures)


def test_every_post_only_admin_endpoint_is_known(app):
    post_only = {rule.endpoint for rule in admin_rules(app) if "GET" not in rule.methods}
    assert post_only == {"admin.logout", "admin.markdown_preview", "admin.markdown_from_html", "admin.bulk",
                         "admin.stage_move", "admin.activity_move",
                         "admin.publish_start", "admin.consent_withdraw", "admin.review", "admin.revision_restore",
                         # monitoring (issue #10)
                         "admin.questionnaire_close", "admin.question_move", "admin.goal_done", "admin.award_new",
                         "admin.award_delete",
                         # media library (issue #11)
                         "admin.media_attach", "admin.media_detach",
                         # documents (issue #24)
                         "admin.document_template_upload", "admin.document_template_delete",
                         # the trash (issue #20)
                         "admin.trash_restore",
                         # applications and matching (issue #25)
                         "admin.applications_decide", "admin.person_pair"}


@pytest.mark.parametrize("role,expected", [("curator_a", 404), ("curator_b", 302), ("editor", 302)])
def test_moving_rows_of_a_roadmap_needs_its_organisation(world, login_as, role, expected):
    client = login_as(role)
    stage, activity = world.rows[("stages", "b")], world.rows[("activities", "b")]
    assert client.post(f"/admin/stages/{stage.id}/move", data={"direction": "up"}).status_code == expected
    assert client.post(f"/admin/activities/{activity.id}/move", data={"direction": "up"}).status_code == expected


def test_anonymous_is_sent_to_login_with_the_page_to_return_to(client, world):
    response = client.get("/admin/cases/")
    assert response.status_code == 302
    assert "/admin/login?next=" in response.headers["Location"]


@pytest.mark.parametrize("area", ["roadmaps", "cases", "persons", "programs", "pairings", "news", "events",
                                  "organisations"])
def test_curator_cannot_change_or_delete_a_row_of_another_organisation(app, world, login_as, area):
    client = login_as("curator_a")
    row = world.rows[(area, "b")]
    model, row_id = type(row), row.id
    before = {c.name: getattr(row, c.key) for c in sa.inspect(model).columns}

    edit = client.post(f"/admin/{area}/{row_id}/edit", data={"title": "Взлом", "short_name": "Взлом",
                                                            "name": "Взлом", "full_name": "Взлом"})
    delete = client.post(f"/admin/{area}/{row_id}/delete")

    assert (edit.status_code, delete.status_code) == (404, 404)
    db.session.expire_all()
    after_row = db.session.get(model, row_id)
    assert after_row is not None
    assert {c.name: getattr(after_row, c.key) for c in sa.inspect(model).columns} == before


@pytest.mark.parametrize("area,label", [("roadmaps", "Дорожная карта"), ("cases", "Кейс"),
                                        ("persons", "Наставник"), ("programs", "Программа"),
                                        ("news", "Новость"), ("events", "Мероприятие-событие"),
                                        ("organisations", "Школа")])
def test_curator_lists_only_their_own_organisation(world, login_as, area, label):
    html = login_as("curator_a").get(f"/admin/{area}/").get_data(as_text=True)
    assert f"{label} A" in html
    assert f"{label} B" not in html


def test_curator_cannot_move_a_row_into_another_organisation(world, login_as):
    client = login_as("curator_a")
    case = world.rows[("cases", "a")]
    response = client.post(f"/admin/cases/{case.id}/edit", data={
        "organisation_id": world.org_b.id, "title": "Перенос", "mentoring_form": "pupil_pupil", "status": "draft",
    })
    assert response.status_code == 200
    assert "Неверный вариант" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(type(case), case.id).organisation_id == world.org_a.id


def test_curator_cannot_create_municipal_news_without_organisation(world, login_as):
    client = login_as("curator_a")
    response = client.post("/admin/news/new", data={"organisation_id": "", "title": "Муниципальная",
                                                     "published_on": "2025-11-01", "status": "draft"})
    assert response.status_code == 200
    assert "Неверный вариант" in response.get_data(as_text=True)


def test_curator_cannot_add_stages_to_another_organisations_roadmap(world, login_as):
    client = login_as("curator_a")
    roadmap = world.rows[("roadmaps", "b")]
    response = client.post(f"/admin/roadmaps/{roadmap.id}/stages/new", data={"title": "Чужой этап"})
    assert response.status_code == 404
    db.session.expire_all()
    assert [s.title for s in db.session.get(type(roadmap), roadmap.id).stages] == ["Этап B"]


def test_curator_pairing_form_offers_only_own_persons(world, login_as):
    html = login_as("curator_a").get("/admin/pairings/new").get_data(as_text=True)
    assert "Наставник A" in html and "Наставляемый A" in html
    assert "Наставник B" not in html and "Наставляемый B" not in html


def test_dashboard_counts_only_the_curators_rows(world, login_as):
    html = login_as("curator_a").get("/admin/").get_data(as_text=True)
    assert "Пользователи" not in html  # the users area is for admins
    assert "Страницы сайта" not in html
    # Each school has one roadmap and two persons; the curator sees A's alone.
    assert '<span class="number">1</span> Дорожные карты' in html
    assert '<span class="number">2</span> Наставники и наставляемые' in html
    editor = login_as("editor").get("/admin/").get_data(as_text=True)
    assert '<span class="number">2</span> Дорожные карты' in editor


def test_curator_lists_only_their_own_pairings(world, login_as):
    html = login_as("curator_a").get("/admin/pairings/").get_data(as_text=True)
    assert "Наставник A" in html and "Наставляемый A" in html
    assert "Наставник B" not in html and "Наставляемый B" not in html


def test_dashboard_lists_mentees_without_a_pair_for_too_long(world, login_as):
    from datetime import date

    from portal.extensions import db
    from portal.models import Person

    waiting = Person(organisation=world.org_a, full_name="Ждущий Пары", category="pupil", joined_on=date(2025, 1, 10))
    waiting.roles = ["mentee"]
    fresh = Person(organisation=world.org_a, full_name="Только Пришёл", category="pupil")
    fresh.roles = ["mentee"]
    other = Person(organisation=world.org_b, full_name="Чужой Ждущий", category="pupil", joined_on=date(2025, 1, 10))
    other.roles = ["mentee"]
    db.session.add_all([waiting, fresh, other])
    db.session.commit()
    html = login_as("curator_a").get("/admin/").get_data(as_text=True)
    section = html.split("Не сформировали пару", 1)[1]
    assert "Ждущий Пары" in section  # a year without a mentor
    assert "Только Пришёл" not in section  # joined today
    assert "Наставляемый A" not in section  # in an active pairing
    assert "Чужой Ждущий" not in section  # another school's


# ---- Object-level checks: previews, history, exports, imports, search ------------------------------------------

OWNED_PREVIEW_KINDS = ["roadmaps", "cases", "news", "events", "organisations"]


@pytest.mark.parametrize("kind", OWNED_PREVIEW_KINDS)
def test_a_curator_previews_only_their_organisations_rows(world, login_as, kind):
    client = login_as("curator_a")
    own, other = world.rows[(kind, "a")], world.rows[(kind, "b")]
    assert client.get(f"/admin/preview/{kind}/{own.id}").status_code == 200
    response = client.get(f"/admin/preview/{kind}/{other.id}")
    assert response.status_code == 404
    assert str(getattr(other, "title", None) or other.short_name) not in response.get_data(as_text=True)


def test_content_pages_are_previewed_by_staff_only(world, login_as):
    page = world.rows[("pages", "a")]
    assert login_as("curator_a").get(f"/admin/preview/pages/{page.id}").status_code == 403
    assert login_as("editor").get(f"/admin/preview/pages/{page.id}").status_code == 200


def test_a_revision_is_shown_only_with_its_own_row(world, login_as):
    """Another organisation's revision stays hidden, also when asked for under a row the curator owns."""
    from portal.models import Revision

    editor = login_as("editor")
    for tag in ("a", "b"):
        case = world.rows[("cases", tag)]
        assert editor.post(f"/admin/cases/{case.id}/edit", data={
            "organisation_id": case.organisation_id, "title": f"Кейс {tag.upper()} исправлен",
            "mentoring_form": "pupil_pupil", "status": "draft", "body_md": "Тайна школы B" if tag == "b" else "",
        }).status_code == 302
    revision_of = {tag: db.session.scalar(sa.select(Revision.id).where(
        Revision.object_kind == "case", Revision.object_id == world.rows[("cases", tag)].id)) for tag in "ab"}
    curator = login_as("curator_a")
    own, other = world.rows[("cases", "a")].id, world.rows[("cases", "b")].id
    assert curator.get(f"/admin/history/cases/{own}/{revision_of['a']}").status_code == 200
    for url in (f"/admin/history/cases/{other}/{revision_of['b']}", f"/admin/history/cases/{own}/{revision_of['b']}"):
        response = curator.get(url)
        assert response.status_code == 404 and "Тайна школы B" not in response.get_data(as_text=True), url
    restore = curator.post(f"/admin/history/cases/{own}/{revision_of['b']}/restore")
    assert restore.status_code == 404
    db.session.expire_all()
    assert world.rows[("cases", "a")].organisation_id == world.org_a.id


# What identifies organisation B's rows in an export of each kind.
EXPORT_MARKERS = {"mentors": ("Наставник A", "Наставник B"), "mentees": ("Наставляемый A", "Наставляемый B"),
                  "programs": ("Программа A", "Программа B"), "pairings": ("A/1", "B/1")}


@pytest.mark.parametrize("kind", sorted(EXPORT_MARKERS))
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_curators_export_holds_only_their_organisations_rows(world, login_as, kind, fmt):
    import io

    from openpyxl import load_workbook

    def cells(client) -> str:
        response = client.get(f"/admin/registry/export?kind={kind}&format={fmt}")
        assert response.status_code == 200
        if fmt == "csv":
            return response.data.decode("utf-8-sig")
        sheet = load_workbook(io.BytesIO(response.data)).active
        return "\n".join(str(value) for row in sheet.iter_rows(values_only=True) for value in row)

    own, other = EXPORT_MARKERS[kind]
    text = cells(login_as("curator_a"))
    assert own in text and other not in text and "Школа B" not in text
    everything = cells(login_as("editor"))
    assert own in everything and other in everything


def test_a_curator_cannot_save_an_import_checked_by_another_schools_curator(world, login_as):
    """The upload token names a file, not a right: the rows are checked again against the one who saves."""
    from portal.models import Person

    header = "ФИО;Роль;Категория;Организация;Должность;Согласие на обработку;Согласие на распространение\n"
    body = header + "Новая Учительница Школы B;наставник;педагог;Школа B;учитель;01.09.2026;\n"
    checked = login_as("curator_b").post("/admin/registry/import", data={
        "check": "1", "file": (__import__("io").BytesIO(body.encode()), "b.csv")}, content_type="multipart/form-data")
    html = checked.get_data(as_text=True)
    assert "Ошибок нет" in html
    token = html.split('name="token" value="', 1)[1].split('"', 1)[0]
    before = db.session.scalar(sa.select(sa.func.count()).select_from(Person))

    response = login_as("curator_a").post("/admin/registry/import", data={"save": "1", "token": token,
                                                                         "filename": "b.csv"})
    assert response.status_code == 200 and "недоступн" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Person)) == before


def test_search_never_returns_rows_the_user_cannot_see(world, login_as):
    """Each row of organisation B, searched by its own title, within its kind and in all kinds: the editor finds
    it (so the query is a good one), curator A never does."""
    from urllib.parse import quote

    from portal import search as engine
    from portal.search.documents import document

    curator, editor = login_as("curator_a"), login_as("editor")
    hidden = [(kind, row) for (kind, tag), row in world.rows.items()
              if tag == "b" and kind in engine.KINDS and kind not in ("pages", "users")]
    assert len(hidden) >= 7
    for kind, row in hidden:
        title = quote(document(row)["title"])
        url = f'href="/admin/{kind}/{row.id}/edit"'
        for query in (f"/admin/search?q={title}&kind={kind}", f"/admin/search?q={title}"):
            assert url in editor.get(query).get_data(as_text=True), (kind, query)
            assert url not in curator.get(query).get_data(as_text=True), (kind, query)
