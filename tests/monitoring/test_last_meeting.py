"""Each pairing's last meeting (Pairing.last_meeting_on) follows its journal, which the dashboard's «давно не
встречались» reads instead of every meeting of the region; migration 0019 fills it and its downgrade loses nothing."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from portal.extensions import db
from portal.models import (Meeting, MentoringForm, Organisation, OrganisationKind, Pairing, Person, PersonCategory,
                           PlanGoal)
from portal.monitoring import journals

# The database matters here: run on PostgreSQL too (conftest's docstring).
pytestmark = pytest.mark.both_databases


def last_meeting(pairing_id: int) -> date | None:
    return db.session.execute(sa.select(Pairing.last_meeting_on).where(Pairing.id == pairing_id)).scalar_one()


def test_the_last_meeting_follows_the_journal(world):
    a, b = world.rows[("pairings", "a")], world.rows[("pairings", "b")]
    assert a.last_meeting_on is None
    edited = a.updated_at
    early, late = (Meeting(pairing=a, held_on=date(2025, 10, day), kind="regular") for day in (2, 16))
    db.session.add_all([early, late])
    db.session.commit()
    assert last_meeting(a.id) == date(2025, 10, 16)
    assert a.last_meeting_on == date(2025, 10, 16)  # a pairing already loaded reads it again
    assert a.updated_at == edited  # the pairing was not edited: nothing of the site changes with it

    late.held_on = date(2025, 9, 25)  # a date corrected to an earlier one: the other meeting is the last now
    db.session.commit()
    assert a.last_meeting_on == date(2025, 10, 2)

    early.pairing = b  # a meeting entered in the wrong journal, moved: both pairings change
    db.session.commit()
    assert (last_meeting(a.id), last_meeting(b.id)) == (date(2025, 9, 25), date(2025, 10, 2))

    db.session.delete(late)
    db.session.commit()
    assert last_meeting(a.id) is None and b.last_meeting_on == date(2025, 10, 2)

    db.session.add(Meeting(pairing=a, held_on=date(2025, 11, 1), kind="regular"))
    db.session.rollback()  # not saved after all: nothing changes
    assert last_meeting(a.id) is None


def test_statements_on_meetings_without_objects_set_it_too(world):
    a, b = world.rows[("pairings", "a")], world.rows[("pairings", "b")]
    db.session.execute(sa.insert(Meeting), [{"pairing_id": a.id, "held_on": date(2025, 10, 2), "kind": "regular"},
                                            {"pairing_id": b.id, "held_on": date(2025, 10, 9), "kind": "regular"}])
    assert (a.last_meeting_on, b.last_meeting_on) == (date(2025, 10, 2), date(2025, 10, 9))
    db.session.execute(sa.update(Meeting).where(Meeting.pairing_id == a.id).values(held_on=date(2025, 9, 1)))
    assert a.last_meeting_on == date(2025, 9, 1)
    db.session.execute(sa.delete(Meeting).where(Meeting.pairing_id == b.id))
    db.session.commit()
    assert (last_meeting(a.id), last_meeting(b.id)) == (date(2025, 9, 1), None)


def test_meetings_kept_from_the_admin_set_it(world, curator_client):
    pairing = world.rows[("pairings", "a")]
    assert curator_client.post(f"/admin/pairings/{pairing.id}/meetings/new",
                               data={"held_on": "2025-10-02", "kind": "regular"}).status_code == 302
    assert last_meeting(pairing.id) == date(2025, 10, 2)
    meeting = db.session.scalar(sa.select(Meeting))
    assert curator_client.post(f"/admin/meetings/{meeting.id}/delete").status_code == 302
    assert last_meeting(pairing.id) is None


def test_the_list_of_quiet_pairings_reads_no_meeting():
    # Its cost must not grow with the journals: 145 000 meetings of a region cost each dashboard view 21 ms.
    for restricted in (False, True):
        statement = journals._quiet_statement(restricted)
        assert "meeting" not in {table.name for table in statement.get_final_froms()}
        assert " meeting" not in str(statement)


def test_migration_fills_the_last_meeting_and_its_downgrade_keeps_the_journals(make_app):
    app = make_app(create_tables=False)
    with app.app_context():
        upgrade()
        _journal()
        downgrade(revision="0018_public_rows_index")
        # On SQLite a table copied and dropped by a batch would have taken every meeting and goal with it.
        counts = [db.session.scalar(sa.select(sa.func.count()).select_from(model)) for model in (Meeting, PlanGoal)]
        assert counts == [3, 1]
        db.session.remove()
        upgrade()
        assert db.session.scalars(sa.select(Pairing.last_meeting_on).order_by(Pairing.id)).all() == [
            date(2025, 10, 16), None]


def _journal() -> None:
    org = Organisation(name="Школа", short_name="Школа", kind=OrganisationKind.SCHOOL)
    mentor = Person(organisation=org, full_name="Наставник", category=PersonCategory.TEACHER)
    met, new = (Pairing(organisation=org, mentor=mentor, mentoring_form=MentoringForm.PUPIL_PUPIL) for _ in range(2))
    db.session.add_all([met, new, PlanGoal(pairing=met, title="Цель")]
                       + [Meeting(pairing=met, held_on=date(2025, 10, day), kind="regular") for day in (2, 16, 9)])
    db.session.commit()
    db.session.remove()
