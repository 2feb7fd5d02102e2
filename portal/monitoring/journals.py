"""Journals of pairings: meetings and development plans, and what the dashboard warns about —
pairings that have not met for too long, and plan goals past their deadline."""
from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal import permissions
from portal.models import Meeting, Pairing, PairingStatus, PlanGoal

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


@dataclass(frozen=True)
class QuietPairing:
    pairing_id: int
    last_meeting: date | None  # None: no meeting recorded at all
    since: date  # the last meeting, or the pairing's start when there is none


def quiet_pairings(session: Session, user, weeks: int, today: date) -> list[QuietPairing]:
    """Active pairings of the user's organisations with no meeting in the last `weeks` weeks. A pairing
    without any meeting counts from its start (start date, else order date, else when it was recorded), so a
    pairing formed yesterday is not listed. Plain rows: the dashboard names them with network.pairing_labels."""
    found = permissions.execute_scoped(session, _quiet_statement, user, {"border": today - timedelta(weeks=weeks)})
    return [QuietPairing(row.id, row.held_on, _as_date(row.since)) for row in found]


# Built once and run with bind parameters (permissions.execute_scoped): the dashboard runs them on
# every visit, and building a statement cost more than running it.

@functools.cache
def _quiet_statement(restricted: bool) -> sa.Select:
    last = (sa.select(Meeting.pairing_id, sa.func.max(Meeting.held_on).label("held_on"))
            .group_by(Meeting.pairing_id).subquery())
    since = sa.func.coalesce(last.c.held_on, Pairing.starts_on, Pairing.order_date, sa.func.date(Pairing.created_at))
    # Ids alone, sorted and limited: sorting whole rows joined with the mentor cost six times as much on a
    # region's 6 000 pairings.
    query = (sa.select(Pairing.id, last.c.held_on, since.label("since"))
             .outerjoin(last, last.c.pairing_id == Pairing.id)
             .where(Pairing.status == PairingStatus.ACTIVE, since < sa.bindparam("border"))
             .order_by(since, Pairing.id).limit(LIMIT))
    return permissions.scope_by_parameter(query, Pairing) if restricted else query


def _as_date(value) -> date:
    """SQLite's date() gives text; PostgreSQL gives a date."""
    return date.fromisoformat(value) if isinstance(value, str) else value


@dataclass(frozen=True)
class OverdueGoal:
    """A goal as the dashboard lists it: not the PlanGoal with its pairing (the pairing by its label)."""
    id: int
    pairing_id: int
    title: str
    deadline: date


def overdue_goals(session: Session, user, today: date) -> list[OverdueGoal]:
    """Goals not done whose deadline has passed, in active pairings of the user's organisations."""
    rows = permissions.execute_scoped(session, _overdue_statement, user, {"today": today})
    return [OverdueGoal(*row) for row in rows]


@functools.cache
def _overdue_statement(restricted: bool) -> sa.Select:
    query = (sa.select(PlanGoal.id, PlanGoal.pairing_id, PlanGoal.title, PlanGoal.deadline)
             .join(Pairing, Pairing.id == PlanGoal.pairing_id)
             .where(PlanGoal.done.is_(False), PlanGoal.deadline < sa.bindparam("today"),
                    Pairing.status == PairingStatus.ACTIVE)
             .order_by(PlanGoal.deadline, PlanGoal.id).limit(LIMIT))
    return permissions.scope_by_parameter(query, Pairing) if restricted else query
