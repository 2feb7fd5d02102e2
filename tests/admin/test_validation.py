"""Bad input gets a Russian message next to the field, keeps what the user typed, and never a 500."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models import Case, Event, Organisation, Program

# The database matters here: run on PostgreSQL too (conftest's docstring).
pytestmark = pytest.mark.both_databases


def test_empty_required_fields_are_named_in_russian_and_typed_text_is_kept(world, admin_client):
    response = admin_client.post("/admin/cases/new", data={
        "organisation_id": world.org_a.id, "title": "", "mentoring_form": "pupil_pupil", "status": "draft",
        "summary": "Очень важное краткое описание", "body_md": "Длинный текст, который жалко потерять",
    })
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Заполните это поле." in html
    assert "Исправьте ошибки в форме" in html
    assert "Длинный текст, который жалко потерять" in html
    assert "Очень важное краткое описание" in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == 2


def test_too_long_text_is_refused_with_the_limit(world, admin_client):
    response = admin_client.post("/admin/cases/new", data={
        "organisation_id": world.org_a.id, "title": "Т" * 401, "mentoring_form": "pupil_pupil", "status": "draft",
    })
    assert "Не длиннее 400 символов." in response.get_data(as_text=True)


@pytest.mark.parametrize("area,data", [
    ("programs", {"title": "П", "mentoring_form": "pupil_pupil", "starts_on": "2026-05-01", "ends_on": "2026-01-01"}),
    ("events", {"title": "С", "kind": "event", "starts_at": "2026-05-01T10:00", "ends_at": "2026-05-01T09:00",
                "status": "draft"}),
])
def test_end_before_start_is_refused(world, admin_client, area, data):
    response = admin_client.post(f"/admin/{area}/new", data={"organisation_id": world.org_a.id, **data})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Окончание раньше начала." in html


def test_activity_end_before_start_is_refused(world, admin_client):
    stage = world.rows[("stages", "a")]
    response = admin_client.post(f"/admin/stages/{stage.id}/activities/new", data={
        "title": "Анкетирование", "deadline_start": "2025-10-10", "deadline_end": "2025-10-01", "status": "planned",
    })
    assert "Окончание раньше начала." in response.get_data(as_text=True)


def test_duplicate_slug_is_refused_next_to_the_field(world, admin_client):
    taken = world.rows[("cases", "b")].slug
    response = admin_client.post("/admin/cases/new", data={
        "organisation_id": world.org_a.id, "title": "Новый кейс", "slug": taken, "mentoring_form": "pupil_pupil",
        "status": "draft",
    })
    html = response.get_data(as_text=True)
    assert "Этот адрес уже занят другой записью" in html
    assert f'value="{taken}"' in html


def test_malformed_slug_is_explained(world, admin_client):
    response = admin_client.post("/admin/cases/new", data={
        "organisation_id": world.org_a.id, "title": "Кейс", "slug": "Кейс с пробелами", "mentoring_form": "pupil_pupil",
        "status": "draft",
    })
    assert "Только строчные латинские буквы" in response.get_data(as_text=True)


def test_slug_is_made_from_the_russian_title_and_kept_unique(world, admin_client):
    for _ in range(2):
        admin_client.post("/admin/cases/new", data={
            "organisation_id": world.org_a.id, "title": "Лучший наставнический тандем", "mentoring_form": "pupil_pupil",
            "status": "draft",
        })
    slugs = db.session.scalars(sa.select(Case.slug).where(Case.title == "Лучший наставнический тандем")
                               .order_by(Case.id)).all()
    assert slugs == ["luchshiy-nastavnicheskiy-tandem", "luchshiy-nastavnicheskiy-tandem-2"]


def test_unknown_organisation_is_refused(world, admin_client):
    response = admin_client.post("/admin/cases/new", data={
        "organisation_id": "99999", "title": "Кейс", "mentoring_form": "pupil_pupil", "status": "draft",
    })
    assert response.status_code == 200
    assert "Неверный вариант" in response.get_data(as_text=True)


@pytest.mark.parametrize("data", [
    {"organisation_id": "abc"},
    {"mentoring_form": "nonsense"},
    {"status": "deleted"},
    {"published_on": "2025-13-45"},
    {"published_on": "вчера"},
])
def test_garbage_values_get_messages_not_errors(world, admin_client, data):
    form = {"organisation_id": world.org_a.id, "title": "Новость", "published_on": "2025-11-01", "status": "draft",
            "mentoring_form": "pupil_pupil"} | data
    area = "cases" if "mentoring_form" in data else "news"
    response = admin_client.post(f"/admin/{area}/new", data=form)
    assert response.status_code == 200
    assert "Исправьте ошибки в форме" in response.get_data(as_text=True)


def test_bad_website_and_email_are_explained(world, admin_client):
    response = admin_client.post("/admin/organisations/new", data={
        "name": "Школа", "short_name": "Школа", "kind": "school", "website": "школа.рф", "email": "нет почты",
    })
    html = response.get_data(as_text=True)
    assert "Укажите адрес сайта полностью" in html
    assert "Неверный адрес почты." in html


def test_deleting_an_organisation_with_content_is_refused_with_what_it_owns(world, admin_client):
    org = world.org_a
    page = admin_client.get(f"/admin/organisations/{org.id}/delete").get_data(as_text=True)
    assert "нельзя" in page
    assert "1 дорожная карта" in page and "1 кейс" in page and "2 участника реестра" in page
    assert "1 куратор" in page

    response = admin_client.post(f"/admin/organisations/{org.id}/delete")
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.get(Organisation, org.id) is not None


def test_empty_organisation_can_be_deleted(world, admin_client):
    empty = Organisation(name="Пустая", short_name="Пустая", kind="partner")
    db.session.add(empty)
    db.session.commit()
    empty_id = empty.id
    assert admin_client.post(f"/admin/organisations/{empty_id}/delete").status_code == 302
    assert db.session.scalar(sa.select(Organisation.id).where(Organisation.id == empty_id)) is None


def test_person_in_a_pairing_cannot_be_deleted(world, admin_client):
    mentor = world.rows[("persons", "a")]
    html = admin_client.post(f"/admin/persons/{mentor.id}/delete").get_data(as_text=True)
    assert "наставник в парах: 1" in html


def test_program_with_pairings_cannot_be_deleted(world, admin_client):
    program = world.rows[("programs", "a")]
    html = admin_client.post(f"/admin/programs/{program.id}/delete").get_data(as_text=True)
    assert "наставнических пар по программе: 1" in html
    assert db.session.get(Program, program.id) is not None


def test_pairing_mentor_cannot_mentor_themselves(world, admin_client):
    mentor = world.rows[("persons", "a")]
    mentor.roles = ["mentor", "mentee"]
    db.session.commit()
    response = admin_client.post("/admin/pairings/new", data={
        "organisation_id": world.org_a.id, "mentor_id": mentor.id, "mentee_ids": [mentor.id],
        "mentoring_form": "pupil_pupil", "status": "active",
    })
    assert "Наставник не может быть своим наставляемым." in response.get_data(as_text=True)


def test_pairing_program_must_belong_to_the_organisation(world, admin_client):
    mentee = world.rows[("pairings", "a")].mentees[0]
    response = admin_client.post("/admin/pairings/new", data={
        "organisation_id": world.org_a.id, "program_id": world.rows[("programs", "b")].id,
        "mentor_id": world.rows[("persons", "a")].id, "mentee_ids": [mentee.id],
        "mentoring_form": "pupil_pupil", "status": "active",
    })
    assert "Программа принадлежит другой организации." in response.get_data(as_text=True)


def test_person_needs_a_role(world, admin_client):
    response = admin_client.post("/admin/persons/new", data={
        "organisation_id": world.org_a.id, "full_name": "Без роли", "category": "teacher",
    })
    assert "Отметьте роль" in response.get_data(as_text=True)


def test_user_email_must_be_unique_and_a_new_user_needs_a_password(world, admin_client):
    html = admin_client.post("/admin/users/new", data={"email": world.editor.email, "role": "editor"}) \
        .get_data(as_text=True)
    assert "Пользователь с такой почтой уже есть." in html
    assert "Задайте пароль новому пользователю." in html


def test_curator_needs_an_organisation_and_passwords_are_long(world, admin_client):
    html = admin_client.post("/admin/users/new", data={"email": "c@example.org", "role": "curator",
                                                       "password": "short"}).get_data(as_text=True)
    assert "Куратору нужна хотя бы одна организация." in html
    assert "Пароль не короче 10 символов." in html


def test_admin_cannot_lock_themselves_out(world, admin_client):
    admin = world.admin
    html = admin_client.post(f"/admin/users/{admin.id}/edit", data={"email": admin.email, "role": "editor",
                                                                    "active": "y"}).get_data(as_text=True)
    assert "Нельзя лишить себя прав администратора" in html
    assert "нельзя удалить свою учётную запись" in admin_client.post(f"/admin/users/{admin.id}/delete") \
        .get_data(as_text=True)


def test_unknown_row_is_a_russian_404(world, admin_client):
    response = admin_client.get("/admin/cases/999999/edit")
    assert response.status_code == 404
    assert "Страница не найдена" in response.get_data(as_text=True)


def test_event_form_keeps_the_typed_datetime_on_error(world, admin_client):
    response = admin_client.post("/admin/events/new", data={
        "title": "", "kind": "event", "starts_at": "2026-03-15T10:00", "status": "draft", "organisation_id": "",
    })
    assert 'value="2026-03-15T10:00"' in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Event)) == 2


def test_long_titles_get_unique_slugs_within_the_column(world, admin_client):
    title = "Очень длинное название практики наставничества в школе " * 4
    for _ in range(3):
        response = admin_client.post("/admin/cases/new", data={
            "organisation_id": world.org_a.id, "title": title[:400], "mentoring_form": "pupil_pupil", "status": "draft"})
        assert response.status_code == 302
    found = db.session.scalars(sa.select(Case.slug).where(Case.title == title[:400]).order_by(Case.id)).all()
    assert len(set(found)) == 3 and all(len(slug) <= 80 for slug in found)
    assert found[1].endswith("-2") and found[2].endswith("-3")


def test_clearing_a_slug_gives_the_same_address_back(world, admin_client):
    case = world.rows[("cases", "a")]
    old = case.slug
    response = admin_client.post(f"/admin/cases/{case.id}/edit", data={
        "organisation_id": world.org_a.id, "title": case.title, "slug": "", "mentoring_form": "pupil_pupil",
        "status": "draft"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Case, case.id).slug == old


def test_pairing_cannot_mix_persons_of_two_schools(world, admin_client):
    response = admin_client.post("/admin/pairings/new", data={
        "organisation_id": world.org_a.id, "mentor_id": world.rows[("persons", "b")].id,
        "mentee_ids": [world.rows[("pairings", "a")].mentees[0].id, world.rows[("pairings", "b")].mentees[0].id],
        "mentoring_form": "pupil_pupil", "status": "active"})
    html = response.get_data(as_text=True)
    assert "Наставник должен быть из той же организации, из организации-партнёра" in html
    assert "Наставляемые должны быть из той же организации, что и пара, или из организаций её сетевой" in html


def test_a_partner_organisations_employer_may_mentor(world, admin_client):
    from portal.models import Person

    partner = Organisation(name="ООО «Техно»", short_name="Техно", kind="partner")
    engineer = Person(organisation=partner, full_name="Инженер Иванов", category="employer")
    engineer.roles = ["mentor"]
    db.session.add_all([partner, engineer])
    db.session.commit()
    response = admin_client.post("/admin/pairings/new", data={
        "organisation_id": world.org_a.id, "mentor_id": engineer.id,
        "mentee_ids": [world.rows[("pairings", "a")].mentees[0].id],
        "mentoring_form": "employer_pupil", "order_number": "7", "status": "active"})
    assert response.status_code == 302


def test_editing_a_pairing_keeps_a_mentee_who_lost_the_role(world, admin_client):
    pairing = world.rows[("pairings", "a")]
    mentee = pairing.mentees[0]
    mentee.roles = ["mentor"]  # no longer a mentee: not offered for new pairings…
    db.session.commit()
    page = admin_client.get(f"/admin/pairings/{pairing.id}/edit").get_data(as_text=True)
    assert f'<option selected value="{mentee.id}">' in page or f'value="{mentee.id}" selected' in page
    response = admin_client.post(f"/admin/pairings/{pairing.id}/edit", data={
        "organisation_id": world.org_a.id, "mentor_id": pairing.mentor_id, "mentee_ids": [mentee.id],
        "mentoring_form": "pupil_pupil", "order_number": "A/1", "status": "active"})
    assert response.status_code == 302  # …but this pairing keeps them
    db.session.expire_all()
    assert [p.id for p in db.session.get(type(pairing), pairing.id).mentees] == [mentee.id]


def test_stale_multiselect_choice_is_explained_in_russian(world, admin_client):
    response = admin_client.post("/admin/persons/new", data={
        "organisation_id": world.org_a.id, "full_name": "Кто-то", "roles": ["admin"], "category": "teacher"})
    assert "Выбран недоступный вариант" in response.get_data(as_text=True)


def test_a_paste_is_turned_into_markdown_and_a_huge_one_refused(world, editor_client):
    from portal import text

    answer = editor_client.post("/admin/markdown/from-html", data={"html": "<h2>План</h2><p><b>Важно</b></p>"})
    assert answer.status_code == 200 and answer.get_json() == {"markdown": "## План\n\n**Важно**"}
    huge = editor_client.post("/admin/markdown/from-html", data={"html": "<p>а</p>" * (text.MAX_PASTE_CHARS // 8 + 1)})
    assert huge.status_code == 413 and "слишком велик" in huge.get_json()["error"]
