"""Issue 18, finding 5: restoring a revision is a save by that user — it neither republishes past the review nor
moves a row to an organisation the user does not work with."""
from __future__ import annotations

import sqlalchemy as sa

from portal.extensions import db
from portal.models import Case, Revision, Status


def case_form(world, case, **changes):
    return {"organisation_id": case.organisation_id, "title": case.title, "slug": case.slug,
            "mentoring_form": "pupil_pupil", "status": case.status.value, "body_md": case.body_md,
            "version": case.version} | changes


def reload(case) -> Case:
    db.session.expire_all()
    return db.session.get(Case, case.id)


def revisions(case) -> list[Revision]:
    return db.session.scalars(sa.select(Revision).where(Revision.object_kind == "case", Revision.object_id == case.id)
                              .order_by(Revision.id)).all()


def test_curator_restoring_a_published_revision_does_not_republish(world, editor_client, curator_client):
    case = world.rows[("cases", "a")]
    editor_client.post(f"/admin/cases/{case.id}/edit",
                       data=case_form(world, reload(case), status="published", body_md="Опубликованный текст"))
    published = revisions(case)[-1]
    assert reload(case).status == Status.PUBLISHED
    editor_client.post(f"/admin/cases/{case.id}/edit",
                       data=case_form(world, reload(case), status="draft", body_md="Снято с публикации"))
    assert reload(case).status == Status.DRAFT
    response = curator_client.post(f"/admin/history/cases/{case.id}/{published.id}/restore")
    assert response.status_code == 302
    restored = reload(case)
    assert restored.body_md == "Опубликованный текст"  # the text comes back
    assert restored.status == Status.DRAFT  # the publication does not: that is the coordinator's review


def test_editor_restoring_a_published_revision_may_republish(world, editor_client):
    case = world.rows[("cases", "a")]
    editor_client.post(f"/admin/cases/{case.id}/edit", data=case_form(world, reload(case), status="published"))
    published = revisions(case)[-1]
    editor_client.post(f"/admin/cases/{case.id}/edit", data=case_form(world, reload(case), status="draft"))
    editor_client.post(f"/admin/history/cases/{case.id}/{published.id}/restore")
    assert reload(case).status == Status.PUBLISHED


def test_curator_cannot_restore_a_revision_of_another_organisation(world, editor_client, curator_client):
    case = world.rows[("cases", "a")]
    editor_client.post(f"/admin/cases/{case.id}/edit", data=case_form(world, reload(case), organisation_id=world.org_b.id))
    elsewhere = revisions(case)[-1]
    editor_client.post(f"/admin/cases/{case.id}/edit", data=case_form(world, reload(case), organisation_id=world.org_a.id))
    assert reload(case).organisation_id == world.org_a.id
    response = curator_client.post(f"/admin/history/cases/{case.id}/{elsewhere.id}/restore", follow_redirects=True)
    assert "с которой вы не работаете" in response.get_data(as_text=True)
    assert reload(case).organisation_id == world.org_a.id
