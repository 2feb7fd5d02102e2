"""The permission matrix: every admin URL × every role, and a curator never reaches another organisation."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal.extensions import db
from tests_support import admin_rules, area_of, url_for_rule

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
        got = client.get(url).status_code
        if got != expected:
            failures.append(f"{role} GET {url} ({rule.endpoint}): {got}, expected {expected}")
    assert not failures, "\n".join(failures)


def test_every_post_only_admin_endpoint_is_known(app):
    post_only = {rule.endpoint for rule in admin_rules(app) if "GET" not in rule.methods}
    assert post_only == {"admin.logout", "admin.markdown_preview", "admin.stage_move", "admin.activity_move",
                         "admin.publish_start", "admin.consent_withdraw", "admin.review", "admin.revision_restore"}


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
