"""Actions on several rows of a list at once: each row passes the checks it would pass alone."""
from __future__ import annotations

import sqlalchemy as sa

from portal.extensions import db
from portal.models import AuditEntry, Case, Organisation, Status
from portal.publish import runs


def bulk(client, kind: str, ids, action: str, follow_redirects: bool = False, **extra):
    return client.post(f"/admin/{kind}/bulk", data={"ids": [str(id) for id in ids], "action": action, **extra},
                       follow_redirects=follow_redirects)


def test_an_editor_approves_several_cases_at_once_and_the_site_follows(world, editor_client):
    cases = [world.rows[("cases", "a")], world.rows[("cases", "b")]]
    for case in cases:
        case.status = Status.REVIEW
    db.session.commit()
    listing = editor_client.get("/admin/cases/").get_data(as_text=True)
    assert 'name="ids"' in listing and "Одобрить и опубликовать" in listing
    response = bulk(editor_client, "cases", [c.id for c in cases], "publish", next="/admin/cases/?status=review")
    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/cases/?status=review")
    db.session.expire_all()
    assert [db.session.get(Case, c.id).status for c in cases] == [Status.PUBLISHED, Status.PUBLISHED]
    assert runs.requested()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == "publish")) == 2


def test_returning_needs_a_comment_and_unpublishing_takes_cases_off_the_site(world, editor_client):
    case = world.rows[("cases", "a")]
    case.status = Status.PUBLISHED
    db.session.commit()
    html = bulk(editor_client, "cases", [case.id], "return").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Case, case.id).status == Status.PUBLISHED
    bulk(editor_client, "cases", [case.id], "return", comment="Добавьте итоги года")
    db.session.expire_all()
    returned = db.session.get(Case, case.id)
    assert returned.status == Status.DRAFT and returned.review_comment == "Добавьте итоги года"
    returned.status = Status.PUBLISHED
    db.session.commit()
    bulk(editor_client, "cases", [case.id], "unpublish")
    db.session.expire_all()
    assert db.session.get(Case, case.id).status == Status.DRAFT


def test_a_curator_acts_only_on_their_rows_and_cannot_approve(world, curator_client):
    own, other = world.rows[("cases", "a")], world.rows[("cases", "b")]
    assert bulk(curator_client, "cases", [own.id, other.id], "delete").status_code == 404
    assert bulk(curator_client, "cases", [own.id], "publish").status_code == 403
    assert "Одобрить и опубликовать" not in curator_client.get("/admin/cases/").get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Case, other.id) is not None and db.session.get(Case, own.id).status == Status.DRAFT


def test_deleting_asks_first_and_keeps_what_other_rows_need(world, admin_client):
    empty = Organisation(name="Пустая школа", short_name="Пустая", kind=world.org_a.kind)
    db.session.add(empty)
    db.session.commit()
    empty_id, ids = empty.id, [empty.id, world.org_a.id]  # school A has cases, people, a roadmap: it blocks
    page = bulk(admin_client, "organisations", ids, "delete").get_data(as_text=True)
    assert "Удалить отмеченные записи?" in page and "Пустая" in page and "Не будут удалены" in page
    db.session.expire_all()
    assert db.session.get(Organisation, empty_id) is not None  # nothing gone before the confirmation
    response = bulk(admin_client, "organisations", ids, "delete", confirm="1", follow_redirects=True)
    assert "Удалено: 1." in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Organisation, empty_id) is None and db.session.get(Organisation, ids[1]) is not None


def test_the_chosen_rows_export_as_the_list_shows_them(world, editor_client):
    case = world.rows[("cases", "a")]
    case.title = "=HYPERLINK(\"http://evil\")"
    db.session.commit()
    response = bulk(editor_client, "cases", [case.id, world.rows[("cases", "b")].id], "export")
    text = response.get_data(as_text=True)
    assert response.headers["Content-Type"].startswith("text/csv")
    lines = text.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("Название;") and len(lines) == 3
    assert "'=HYPERLINK" in text and "Ученик – ученик" in text and "Черновик" in text
