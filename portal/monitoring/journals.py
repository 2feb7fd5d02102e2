"""Journals of pairings: meetings and development plans, and what the dashboard warns about —
pairings that have not met for too long, and plan goals past their deadline."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload, lazyload, load_only, selectinload

from portal import permissions
from portal.models import Meeting, Organisation, Pairing, PairingStatus, Person, PlanGoal

LIMIT = 50  # a dashboard list longer than this is a list to open elsewhere


def meetings_of(session: Session, pairing_id: int) -> list[Meeting]:
    return list(session.scalars(sa.select(Meeting).where(Meeting.pairing_id == pairing_id)
                                .order_by(Meeting.held_on.desc(), Meeting.id.desc())))


def goals_of(session: Session, pairing_id: int) -> list[PlanGoal]:
    return list(session.scalars(sa.select(PlanGoal).where(PlanGoal.pairing_id == pairing_id)
                                .order_by(PlanGoal.position, PlanGoal.id)))


def next_goal_position(session: Session, pairing_id: int) -> int:
    top = session.scalar(sa.select(sa.func.max(PlanGoal.position)).where(PlanGoal.pairing_id == pairing_id))
    return (top or 0) + 10


def is_overdue(goal: PlanGoal, today: date) -> bool:
    return not goal.done and goal.deadline is not None and goal.deadline < today


def _labelled():
    """Loader options for pairings listed by their label (network.pairing_label: the names of the mentor and the
    mentees): the people in the same queries, without the roles and consents a Person otherwise loads eagerly
    (two more queries per list, read by nothing here; they still load if something reads them later)."""
    people = (lazyload(Person.role_rows), lazyload(Person.consents),
              # A label reads the name, and the organisation's short name for a person of the other side of a
              # network pairing (network.person_label): not the competencies, achievements and contacts.
              load_only(Person.id, Person.organisation_id, Person.full_name),
              joinedload(Person.organisation).load_only(Organisation.id, Organisation.short_name))
    return joinedload(Pairing.mentor).options(*people), selectinload(Pairing.mentees).options(*people)


@dataclass(frozen=True)
class QuietPairing:
    pairing: Pairing
    last_meeting: date | None  # None: no meeting recorded at all
    since: date  # the last meeting, or the pairing's start when there is none


def quiet_pairings(session: Session, user, weeks: int, today: date) -> list[QuietPairing]:
    """Active pairings of the user's organisations with no meeting in the last `weeks` weeks. A pairing
    without any meeting counts from its start (start date, else order date, else when it was recorded), so a
    pairing formed yesterday is not listed."""
    border = today - timedelta(weeks=weeks)
    last = (sa.select(Meeting.pairing_id, sa.func.max(Meeting.held_on).label("held_on"))
            .group_by(Meeting.pairing_id).subquery())
    since = sa.func.coalesce(last.c.held_on, Pairing.starts_on, Pairing.order_date, sa.func.date(Pairing.created_at))
    # The first LIMIT by ids alone, then those pairings with their people: sorting whole rows joined with the
    # mentor cost six times as much on a region's 6 000 pairings.
    first = (sa.select(Pairing.id, last.c.held_on, since.label("since"))
             .outerjoin(last, last.c.pairing_id == Pairing.id)
             .where(Pairing.status == PairingStatus.ACTIVE, since < border)
             .order_by(since, Pairing.id).limit(LIMIT))
    found = session.execute(permissions.scope(first, Pairing, user)).all()
    pairings = {pairing.id: pairing for pairing in session.scalars(
        sa.select(Pairing).where(Pairing.id.in_([row.id for row in found]))
        .options(load_only(Pairing.id, Pairing.organisation_id, Pairing.mentor_id), *_labelled()))}
    return [QuietPairing(pairings[row.id], row.held_on, _as_date(row.since)) for row in found]


def _as_date(value) -> date:
    """SQLite's date() gives text; PostgreSQL gives a date."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def overdue_goals(session: Session, user, today: date) -> list[PlanGoal]:
    """Goals not done whose deadline has passed, in active pairings of the user's organisations."""
    query = (sa.select(PlanGoal).join(Pairing, Pairing.id == PlanGoal.pairing_id)
             .where(PlanGoal.done.is_(False), PlanGoal.deadline < today, Pairing.status == PairingStatus.ACTIVE)
             .options(joinedload(PlanGoal.pairing).options(*_labelled()))
             .order_by(PlanGoal.deadline, PlanGoal.id).limit(LIMIT))
    return list(session.scalars(permissions.scope(query, Pairing, user)).unique())
