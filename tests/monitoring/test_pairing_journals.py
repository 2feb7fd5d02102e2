"""A pairing's journal (meetings, development plan) on its page, and what the dashboard warns about."""
from __future__ import annotations

import pytest

from datetime import date, timedelta

import sqlalchemy as sa

from portal.extensions import db
from portal.models import Meeting, PlanGoal
from portal.monitoring import journals

# The database matters here: run on PostgreSQL too (conftest's docstring).
pytestmark = pytest.mark.both_databases


def test_meetings_and_goals_are_kept_from_the_pairings_page(world, curator_client):
    pairing = world.rows[("pairings", "a")]
    url = f"/admin/pairings/{pairing.id}"
    assert curator_client.post(f"{url}/meetings/new", data={"held_on": "2025-10-02", "kind": "organisational",
                                                            "notes": "Знакомство"}).status_code == 302
    assert curator_client.post(f"{url}/meetings/new", data={"held_on": "2025-31-02", "kind": "regular"}) \
        .status_code == 200  # a wrong date is an error at the field, nothing saved
    assert curator_client.post(f"{url}/goals/new", data={"title": "Подготовить проект", "deadline": "2025-12-20"}) \
        .status_code == 302
    page = curator_client.get(f"{url}/edit").get_data(as_text=True)
    assert "Организационная" in page and "Знакомство" in page and "Подготовить проект" in page

    goal = db.session.scalar(sa.select(PlanGoal))
    assert curator_client.post(f"/admin/goals/{goal.id}/done", data={"done": "1"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(PlanGoal, goal.id).done is True
    meeting = db.session.scalar(sa.select(Meeting))
    assert curator_client.post(f"/admin/meetings/{meeting.id}/edit", data={
        "held_on": "2025-10-03", "kind": "trial", "notes": "Перенесли"}).status_code == 302
    assert curator_client.post(f"/admin/meetings/{meeting.id}/delete").status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Meeting)) == 0

    other = world.rows[("pairings", "b")]
    assert curator_client.post(f"/admin/pairings/{other.id}/meetings/new",
                               data={"held_on": "2025-10-02", "kind": "regular"}).status_code == 404


def test_the_dashboard_lists_quiet_pairings_and_overdue_goals(world, curator_client):
    today = date.today()
    pairing_a, pairing_b = world.rows[("pairings", "a")], world.rows[("pairings", "b")]
    pairing_a.starts_on = pairing_b.starts_on = today - timedelta(weeks=20)
    db.session.add_all([
        Meeting(pairing=pairing_a, held_on=today - timedelta(weeks=6), kind="regular"),
        PlanGoal(pairing=pairing_a, title="Просроченная цель", deadline=today - timedelta(days=3)),
        PlanGoal(pairing=pairing_a, title="Выполненная цель", deadline=today - timedelta(days=3), done=True),
        PlanGoal(pairing=pairing_a, title="Будущая цель", deadline=today + timedelta(days=3)),
        PlanGoal(pairing=pairing_b, title="Чужая просроченная", deadline=today - timedelta(days=3)),
    ])
    db.session.commit()
    html = curator_client.get("/admin/").get_data(as_text=True)
    quiet = html.split("Давно не встречались", 1)[1].split("Просрочены цели", 1)[0]
    assert "Наставник A" in quiet and "последняя встреча" in quiet and "Наставник B" not in quiet
    goals = html.split("Просрочены цели", 1)[1]
    assert "Просроченная цель" in goals
    assert "Выполненная цель" not in goals and "Будущая цель" not in goals and "Чужая" not in goals

    # A recent meeting takes the pairing off the list; so does a pairing formed recently without meetings.
    db.session.add(Meeting(pairing=pairing_a, held_on=today - timedelta(days=2), kind="regular"))
    pairing_b.starts_on = today - timedelta(days=5)
    db.session.commit()
    assert journals.quiet_pairings(db.session, world.editor, 4, today) == []
