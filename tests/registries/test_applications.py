"""Applications through the admin: accept makes the Person with its role and consents, decline and «ask for more»
need a text, duplicates are flagged not merged, a curator sees only their organisations', nothing on the site."""
from __future__ import annotations

import sqlalchemy as sa

from application_support import ORIGIN, mentee_form, mentor_form
from portal.extensions import db
from portal.models import Application, ApplicationStatus, ConsentKind, Person, PublicField, Role, Signatory
from portal.publish import publishing


def apply(client, form, kind="mentor"):
    assert client.post(f"/apply/{kind}", data=form, headers=ORIGIN).status_code == 303
    return db.session.scalars(sa.select(Application).order_by(Application.id.desc())).first()


def test_accept_makes_the_person_with_role_and_consents(client, world, curator_client):
    application = apply(client, mentor_form(world.org_a.id))
    response = curator_client.post(f"/admin/applications/{application.id}/decide", data={"action": "accept"})
    assert response.status_code == 302
    db.session.refresh(application)
    person = db.session.get(Person, application.person_id)
    assert application.status == ApplicationStatus.ACCEPTED
    assert person.roles == {Role.MENTOR} and person.organisation_id == world.org_a.id
    assert person.tags == "математика, подготовка к ЕГЭ" and person.capacity == 3
    kinds = {c.kind: c for c in person.consents}
    processing = kinds[ConsentKind.PROCESSING]
    assert application.consent_version in processing.document and "127.0.0.1" in processing.document
    assert kinds[ConsentKind.PUBLICATION].fields == {PublicField.FULL_NAME, PublicField.ORGANISATION,
                                                     PublicField.POSITION, PublicField.COMPETENCIES}
    again = curator_client.post(f"/admin/applications/{application.id}/decide", data={"action": "accept"},
                                follow_redirects=True)
    assert "Заявка уже рассмотрена" in again.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Person)) == 5


def test_a_minor_is_accepted_with_the_parents_consent_and_never_published(client, world, curator_client):
    application = apply(client, mentee_form(world.org_a.id, publication_consent="yes"), "mentee")
    curator_client.post(f"/admin/applications/{application.id}/decide", data={"action": "accept"})
    person = db.session.get(Person, db.session.scalar(sa.select(Application.person_id)))
    assert person.is_minor and person.roles == {Role.MENTEE}
    assert [(c.kind, c.signed_by, c.representative_name) for c in person.consents] == [
        (ConsentKind.PROCESSING, Signatory.REPRESENTATIVE, "Петрова Анна Сергеевна")]


def test_duplicates_are_flagged_not_merged(client, world, curator_client):
    first = apply(client, mentor_form(world.org_a.id))
    second = apply(client, mentor_form(world.org_a.id, email="other@example.org"))  # same phone and name
    third = apply(client, mentor_form(world.org_a.id, full_name="Другая Анна", phone="", email="IVANOVA@example.org"))
    assert first.duplicate_note == ""
    assert second.duplicate_note == f"совпадает с заявкой № {first.id}"
    assert f"совпадает с заявкой № {first.id}" in third.duplicate_note
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Application)) == 3
    page = curator_client.get(f"/admin/applications/{second.id}").get_data(as_text=True)
    assert "Возможный повтор" in page
    world.rows[("persons", "a")].email = "known@example.org"
    db.session.commit()
    fourth = apply(client, mentor_form(world.org_a.id, email="known@example.org", phone=""))
    assert f"совпадает с участником реестра № {world.rows[('persons', 'a')].id}" in fourth.duplicate_note


def test_a_curator_sees_only_their_organisations_applications(client, world, login_as):
    mine = apply(client, mentor_form(world.org_a.id))
    theirs = apply(client, mentor_form(world.org_b.id, full_name="Сидоров Б", email="b@example.org"))
    curator = login_as("curator_a")
    page = curator.get("/admin/applications/").get_data(as_text=True)
    assert "Иванова Мария Петровна" in page and "Сидоров Б" not in page
    assert curator.get(f"/admin/applications/{theirs.id}").status_code == 404
    assert curator.post(f"/admin/applications/{theirs.id}/decide", data={"action": "accept"}).status_code == 404
    assert curator.get(f"/admin/applications/{mine.id}").status_code == 200
    assert "Сидоров Б" in login_as("editor").get("/admin/applications/").get_data(as_text=True)


def test_nothing_of_an_application_reaches_the_site(app, client, world, curator_client):
    apply(client, mentor_form(world.org_a.id, full_name="Непринятая Заявительница"))
    report = publishing.run_build(app)
    assert report.ok, report.details
    from pathlib import Path

    build = Path(app.config["BUILD_DIR"])
    texts = [p.read_text(encoding="utf-8", errors="replace") for p in build.rglob("*")
             if p.is_file() and p.suffix in (".html", ".xml", ".json", ".csv", ".txt", ".ics")]
    assert texts and not any("Непринятая" in text for text in texts)
    assert (build / "join" / "mentor" / "index.html").exists()
    # Accepted with a consent to publication: on the mentors' page after the next build.
    curator_client.post(f"/admin/applications/{db.session.scalar(sa.select(Application.id))}/decide",
                        data={"action": "accept"})
    assert publishing.run_build(app).ok
    assert "Непринятая Заявительница" in (build / "mentors" / "index.html").read_text(encoding="utf-8")
