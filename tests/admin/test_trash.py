"""«Корзина»: a deleted case, news item, event or page comes back with its address, tags and files for TRASH_DAYS
days; a curator sees only their organisations' rows; the nightly job purges what is older."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from portal import jobs, trash
from portal.extensions import db
from portal.models import Case, MediaFile, MediaKind, MediaRole, MediaUse, Person, Status, Tag, TrashItem
from portal.models.base import utcnow
from portal.publish import runs

pytestmark = __import__("pytest").mark.both_databases


def _cover(case: Case) -> MediaFile:
    media = MediaFile(title="Обложка", kind=MediaKind.IMAGE, file_format="png", content_type="image/png",
                      stored_name="ab" * 16 + ".png", original_name="cover.png", size=10, sha256="0" * 64,
                      alt_text="Двое у доски")
    db.session.add(media)
    db.session.flush()
    db.session.add(MediaUse(media=media, owner_kind="case", owner_id=case.id, role=MediaRole.COVER, position=1))
    return media


def test_a_deleted_case_waits_in_the_trash_and_comes_back_whole(world, editor_client):
    case = world.rows[("cases", "a")]
    case.status = Status.PUBLISHED
    case.tags = [Tag(name="ЕГЭ")]
    media = _cover(case)
    db.session.commit()
    case_id, slug, media_id, created = case.id, case.slug, media.id, case.created_at

    page = editor_client.get(f"/admin/cases/{case_id}/delete").get_data(as_text=True)
    assert "Корзину" in page and "30 дней" in page
    done = editor_client.post(f"/admin/cases/{case_id}/delete", follow_redirects=True).get_data(as_text=True)
    assert "можно восстановить из «Корзины» в течение 30 дней" in done
    db.session.expire_all()
    assert db.session.get(Case, case_id) is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MediaUse)) == 0  # the uses went with it

    listing = editor_client.get("/admin/trash").get_data(as_text=True)
    assert "Кейс A" in listing and "Кейс" in listing and "Восстановить" in listing
    item = db.session.scalar(sa.select(TrashItem))
    runs_before = runs.requested()
    response = editor_client.post(f"/admin/trash/{item.id}/restore")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/admin/cases/{case_id}/edit")
    db.session.expire_all()
    back = db.session.get(Case, case_id)
    assert back is not None and back.slug == slug and back.status == Status.PUBLISHED
    assert back.created_at == created  # its year in the catalogue stays
    assert back.body_html.strip() == "<p><strong>важно</strong></p>"  # rendered again on restore
    assert [t.name for t in back.tags] == ["ЕГЭ"]
    use = db.session.scalar(sa.select(MediaUse))
    assert (use.media_id, use.owner_id, use.role) == (media_id, case_id, MediaRole.COVER)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(TrashItem)) == 0
    assert runs.requested() or runs_before  # a published row back on the site asks for a publish


def test_a_curator_sees_and_restores_only_their_organisations_rows(world, curator_client, editor_client):
    own_id, other_id = world.rows[("cases", "a")].id, world.rows[("cases", "b")].id
    for case_id in (own_id, other_id):
        editor_client.post(f"/admin/cases/{case_id}/delete")
    listing = curator_client.get("/admin/trash").get_data(as_text=True)
    assert "Кейс A" in listing and "Кейс B" not in listing
    theirs = db.session.scalar(sa.select(TrashItem).where(TrashItem.object_id == other_id))
    assert curator_client.post(f"/admin/trash/{theirs.id}/restore").status_code == 404
    db.session.expire_all()
    assert db.session.get(Case, other_id) is None


def test_a_taken_address_or_a_missing_file_does_not_stop_a_restore(world, editor_client):
    case = world.rows[("cases", "a")]
    media = _cover(case)
    db.session.commit()
    slug, case_form = case.slug, case.mentoring_form
    editor_client.post(f"/admin/cases/{case.id}/delete")
    db.session.delete(db.session.get(MediaFile, media.id))  # the file left the library meanwhile
    db.session.add(Case(organisation=world.org_a, title="Другой кейс", slug=slug, mentoring_form=case_form))  # and its address is taken
    db.session.commit()
    item = db.session.scalar(sa.select(TrashItem))
    editor_client.post(f"/admin/trash/{item.id}/restore")
    db.session.expire_all()
    back = db.session.scalar(sa.select(Case).where(Case.title == "Кейс A"))
    assert back is not None and back.slug and back.slug != slug
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MediaUse)) == 0


def test_bulk_deletion_goes_to_the_trash_and_people_are_deleted_at_once(world, editor_client, admin_client):
    ids = [str(world.rows[("cases", tag)].id) for tag in "ab"]
    person_id = world.rows[("persons", "a")].id
    page = editor_client.post("/admin/cases/bulk", data={"ids": ids, "action": "delete"})
    assert "«Корзину»" in page.get_data(as_text=True)
    editor_client.post("/admin/cases/bulk", data={"ids": ids, "action": "delete", "confirm": "1"})
    assert db.session.scalar(sa.select(sa.func.count()).select_from(TrashItem)) == 2
    assert not trash.keeps(Person)
    person_page = admin_client.get(f"/admin/persons/{person_id}/delete").get_data(as_text=True)
    assert "Корзину" not in person_page


def test_the_nightly_job_purges_what_is_older_than_trash_days(app, world, editor_client):
    for case_id in [world.rows[("cases", tag)].id for tag in "ab"]:
        editor_client.post(f"/admin/cases/{case_id}/delete")
    old = db.session.scalar(sa.select(TrashItem).where(TrashItem.title == "Кейс A"))
    old.deleted_at = utcnow() - timedelta(days=app.config["TRASH_DAYS"] + 1)
    db.session.commit()
    assert jobs.queue(app).portal_tasks["purge_trash"].call_local() == 1
    db.session.expire_all()
    assert [i.title for i in db.session.scalars(sa.select(TrashItem))] == ["Кейс B"]
