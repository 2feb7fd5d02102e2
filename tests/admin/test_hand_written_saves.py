"""Views written by hand (consents, a roadmap's stages and activities) save as the generic CRUD does: each change is
in the audit log, and a stale or conflicting save answers with the Russian message, never a 500."""
from __future__ import annotations

from html import unescape

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from portal.admin.saving import CONFLICT, INTEGRITY
from portal.extensions import db
from portal.models import AuditEntry, Consent, ConsentKind


def entries(kind: str) -> list[tuple[str, int | None, str]]:
    query = sa.select(AuditEntry).where(AuditEntry.object_kind == kind).order_by(AuditEntry.id)
    return [(entry.action, entry.object_id, entry.user_email) for entry in db.session.scalars(query)]


def test_a_consent_given_and_withdrawn_is_in_the_audit_log(world, admin_client):
    person = world.rows[("persons", "a")]
    response = admin_client.post(f"/admin/persons/{person.id}/consents/new", data={
        "kind": ConsentKind.PUBLICATION.value, "signed_on": "2026-09-01", "signed_by": "person",
        "allowed_fields": ["full_name"]})
    assert response.status_code == 302
    consent = db.session.scalar(sa.select(Consent).where(Consent.person_id == person.id,
                                                         Consent.kind == ConsentKind.PUBLICATION))
    assert entries("consent") == [("create", consent.id, world.admin.email)]
    assert admin_client.post(f"/admin/consents/{consent.id}/withdraw").status_code == 302
    db.session.expire_all()
    assert consent.withdrawn_at is not None
    assert entries("consent")[-1] == ("withdraw", consent.id, world.admin.email)


def test_stage_and_activity_edits_are_in_the_audit_log(world, curator_client):
    stage, activity = world.rows[("stages", "a")], world.rows[("activities", "a")]
    response = curator_client.post(f"/admin/stages/{stage.id}/edit", data={"number": "1", "title": "Этап A новый"})
    assert response.status_code == 302
    response = curator_client.post(f"/admin/stages/{stage.id}/activities/new", data={
        "number": "1.2", "title": "Новое мероприятие", "deadline_text": "май 2026", "status": "planned"})
    assert response.status_code == 302
    assert curator_client.post(f"/admin/activities/{activity.id}/move", data={"direction": "down"}).status_code == 302
    assert curator_client.post(f"/admin/activities/{activity.id}/delete").status_code == 302
    assert [action for action, _id, _email in entries("stage")] == ["save"]
    assert [action for action, _id, _email in entries("activity")] == ["create", "save", "delete"]
    assert {email for _action, _id, email in entries("activity")} == {world.curator_a.email}


@pytest.mark.parametrize("error, message", [(StaleDataError("изменено"), CONFLICT),
                                            (IntegrityError("INSERT", {}, Exception("FOREIGN KEY")), INTEGRITY)])
def test_a_refused_save_is_a_message_not_a_500(world, curator_client, monkeypatch, error, message):
    stage, person = world.rows[("stages", "a")], world.rows[("persons", "a")]
    consent = world.rows[("consents", "a")]

    def refused():
        raise error

    monkeypatch.setattr(db.session, "commit", refused)  # someone else changed or deleted the row meanwhile
    for url, data in ((f"/admin/stages/{stage.id}/edit", {"number": "1", "title": "Этап A другой"}),
                      (f"/admin/stages/{stage.id}/move", {"direction": "up"}),
                      (f"/admin/persons/{person.id}/consents/new", {"kind": "processing", "signed_on": "2026-09-01",
                                                                   "signed_by": "person"}),
                      (f"/admin/consents/{consent.id}/withdraw", {})):
        response = curator_client.post(url, data=data, follow_redirects=True)
        assert response.status_code == 200, url
        assert message in unescape(response.get_data(as_text=True)), url
    monkeypatch.undo()
    db.session.expire_all()
    assert stage.title == "Этап A" and consent.withdrawn_at is None
    assert entries("stage") == [] and entries("consent") == []
