"""Network mentoring: a program spanning schools, a pairing across them, and what each school's curator sees."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models import Meeting, Pairing, Person, PersonCategory, Program

# The database matters here: run on PostgreSQL too (conftest's docstring).
pytestmark = pytest.mark.both_databases


@pytest.fixture
def network(world, editor_client):
    """A's program with B as a network partner; the editor pairs A's mentor with B's new mentee."""
    program = world.rows[("programs", "a")]
    response = editor_client.post(f"/admin/programs/{program.id}/edit", data={
        "organisation_id": world.org_a.id, "title": program.title, "mentoring_form": "pupil_pupil",
        "network_organisation_ids": [world.org_b.id]})
    assert response.status_code == 302, response.get_data(as_text=True)
    pupil = Person(organisation=world.org_b, full_name="Сетевая Ученица", category=PersonCategory.PUPIL,
                   is_minor=True)
    pupil.roles = ["mentee"]
    db.session.add(pupil)
    db.session.commit()
    data = {"organisation_id": world.org_a.id, "program_id": program.id, "mentor_id": world.rows[("persons", "a")].id,
            "mentee_ids": [pupil.id], "mentoring_form": "pupil_pupil", "order_number": "СЕТЬ/1",
            "starts_on": "2025-09-01", "status": "active"}
    response = editor_client.post("/admin/pairings/new", data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    pairing = db.session.scalar(sa.select(Pairing).where(Pairing.order_number == "СЕТЬ/1"))
    return pairing, pupil, data


def test_a_cross_school_pairing_needs_a_network_program(world, editor_client):
    pupil_b = world.rows[("pairings", "b")].mentees[0]
    response = editor_client.post("/admin/pairings/new", data={
        "organisation_id": world.org_a.id, "program_id": world.rows[("programs", "a")].id,
        "mentor_id": world.rows[("persons", "a")].id, "mentee_ids": [pupil_b.id], "mentoring_form": "pupil_pupil",
        "status": "active"})
    assert response.status_code == 200 and "сетевой программы" in response.get_data(as_text=True)


def test_the_mentors_curator_sees_the_pairing_without_the_other_schools_mentee(network, login_as):
    pairing, pupil, _data = network
    client = login_as("curator_a")
    listing = client.get("/admin/pairings/").get_data(as_text=True)
    assert "Наставник A" in listing and "Наставляемый из Школа B" in listing
    page = client.get(f"/admin/pairings/{pairing.id}/edit").get_data(as_text=True)
    assert "Сохранить" in page and "Сетевая пара" in page  # A records the pairing: A edits it
    assert "Сетевая Ученица" not in listing + page
    assert f'<option selected value="{pupil.id}">Наставляемый из Школа B</option>' in page


def test_the_mentees_curator_sees_the_pairing_without_the_other_schools_mentor(network, login_as):
    pairing, pupil, data = network
    client = login_as("curator_b")
    listing = client.get("/admin/pairings/").get_data(as_text=True)
    assert "Наставник из Школа A" in listing and "Сетевая Ученица" in listing
    assert "Наставник A" not in listing
    # Searching by the other school's mentor name finds nothing: names cannot be probed.
    assert "СЕТЬ/1" not in client.get("/admin/pairings/?q=Наставник A").get_data(as_text=True)
    assert "СЕТЬ/1" in client.get("/admin/pairings/?q=СЕТЬ").get_data(as_text=True)

    page = client.get(f"/admin/pairings/{pairing.id}/edit")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Наставник из Школа A" in html and "Наставник A" not in html
    assert 'name="mentor_id"' not in html  # read-only: B does not change A's pairing
    changed = client.post(f"/admin/pairings/{pairing.id}/edit", data=data | {"order_number": "ВЗЛОМ"})
    assert changed.status_code == 200
    assert client.post(f"/admin/pairings/{pairing.id}/delete").status_code == 404
    db.session.expire_all()
    assert db.session.get(Pairing, pairing.id).order_number == "СЕТЬ/1"

    # Both sides keep the journal.
    added = client.post(f"/admin/pairings/{pairing.id}/meetings/new", data={"held_on": "2025-10-10",
                                                                           "kind": "organisational"})
    assert added.status_code == 302
    assert db.session.scalar(sa.select(Meeting.pairing_id)) == pairing.id


def test_a_curator_of_neither_school_sees_nothing(network, app):
    from portal.models import Organisation, User, UserRole
    from tests_support import PASSWORD
    from werkzeug.security import generate_password_hash

    org_c = Organisation(name="Школа C полностью", short_name="Школа C", kind="school")
    user = User(email="curator-c@example.org", role=UserRole.CURATOR, organisations=[org_c],
                password_hash=generate_password_hash(PASSWORD))
    db.session.add_all([org_c, user])
    db.session.commit()
    pairing = network[0]
    client = app.test_client()
    client.post("/admin/login", data={"email": user.email, "password": PASSWORD})
    assert "СЕТЬ/1" not in client.get("/admin/pairings/").get_data(as_text=True)
    assert client.get(f"/admin/pairings/{pairing.id}/edit").status_code == 404
    assert client.get(f"/admin/pairings/{pairing.id}/meetings/new").status_code == 404


def test_the_dashboard_names_the_pairing_as_each_side_may_read_it(network, login_as):
    pairing, _pupil, _data = network
    pairing.starts_on = date(2020, 1, 1)  # long without a meeting
    db.session.commit()
    html_b = login_as("curator_b").get("/admin/").get_data(as_text=True).split("Давно не встречались", 1)[1]
    assert "Наставник из Школа A → Сетевая Ученица" in html_b
    html_a = login_as("curator_a").get("/admin/").get_data(as_text=True).split("Давно не встречались", 1)[1]
    assert "Наставник A → Наставляемый из Школа B" in html_a


def test_labels_from_plain_rows_read_as_the_pairings_label_for_every_reader(network, world):
    """The dashboard names pairings from one query of plain rows (network.pairing_labels); each label reads as
    network.pairing_label of the loaded pairing, for each side's curator and for staff: the other side's people
    by their organisation, the mentees in the order of their names."""
    from portal.registries import network as labels

    pairing, _pupil, _data = network
    second = Person(organisation=world.org_a, full_name="Абрамова Ученица", category=PersonCategory.PUPIL)
    second.roles = ["mentee"]
    pairing.mentees.append(second)
    db.session.commit()
    pairings = list(db.session.scalars(sa.select(Pairing)))
    assert len(pairings) == 3
    for user in (world.curator_a, world.curator_b, world.editor):
        by_rows = labels.pairing_labels(db.session, user, [p.id for p in pairings])
        assert by_rows == {p.id: labels.pairing_label(user, p) for p in pairings}, user.email
    assert by_rows[pairing.id] == "Наставник A → Абрамова Ученица, Сетевая Ученица"
    assert labels.pairing_labels(db.session, world.curator_b, [pairing.id]) == {
        pairing.id: "Наставник из Школа A → Наставляемый из Школа A, Сетевая Ученица"}
    assert labels.pairing_labels(db.session, world.editor, []) == {}


def test_on_postgresql_the_ids_go_as_one_array():
    # The dashboard names up to 100 pairings: expanded twice into 200 parameters they took three times as long to
    # plan, and every other count of pairings was another statement.
    from sqlalchemy.dialects import postgresql

    from portal.registries import network as labels

    compiled = labels._people_of_pairings("postgresql").compile(dialect=postgresql.dialect())
    assert str(compiled).count("= ANY (%(ids)s") == 2 and "POSTCOMPILE" not in str(compiled)  # not expanded


def test_exports_and_the_search_index_name_only_the_owners_people(network, login_as):
    from portal.search.documents import document

    pairing, _pupil, _data = network
    client = login_as("curator_a")
    for kind in ("pairings", "mentors"):
        text = client.get(f"/admin/registry/export?kind={kind}&format=csv").data.decode("utf-8-sig")
        assert "Наставляемый из Школа B" in text and "Сетевая Ученица" not in text
    assert document(pairing)["title"] == "Наставник A → Наставляемый из Школа B"
