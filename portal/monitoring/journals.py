"""Journals of pairings: meetings and development plans, and what the dashboard warns about —
pairings that have not met for too long, and plan goals past their deadline."""
from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
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
    # The very expression of the index ix_pairing_quiet: the pairings are walked in the list's order and the walk
    # stops at the 50th active one. Ids alone: sorting whole rows joined with the mentor cost six times as much.
    since = sa.func.coalesce(Pairing.last_meeting_on, Pairing.starts_on, Pairing.order_date,
                             sa.func.date(Pairing.created_at))
    query = (sa.select(Pairing.id, Pairing.last_meeting_on.label("held_on"), since.label("since"))
             .where(Pairing.status == PairingStatus.ACTIVE, since < sa.bindparam("border"))
             .order_by(since, Pairing.id).limit(LIMIT))
    return permissions.scope_by_parameter(query, Pairing) if restricted else query


# ---- each pairing's last meeting, kept as meetings change ----------------------------------------------------
_BEFORE = "portal.meetings_before"  # session.info: the pairings the flush's stored meetings belonged to before it
_CHANGED = "portal.meetings_changed"  # session.info: pairings whose last meeting was worked out again in a flush


def init_app(_app) -> None:
    """Keep Pairing.last_meeting_on with the journal (registered once per process: portal/save_effects.py)."""
    for name, listener in (("before_flush", _before_flush), ("after_flush", _after_flush),
                           ("after_flush_postexec", _expire_changed), ("do_orm_execute", _bulk_statement)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


def _before_flush(session: Session, _context, _instances) -> None:
    # Where the stored meetings about to change or go are now, read from the database: a meeting moved to another
    # pairing changes both, and the ORM keeps no history of the old pairing once the row was expired.
    ids = [state.identity[0] for state in map(sa.inspect, (*session.dirty, *session.deleted))
           if state.mapper.class_ is Meeting and state.identity]
    if ids:
        found = session.connection().execute(sa.select(Meeting.pairing_id).where(Meeting.id.in_(ids)))
        session.info.setdefault(_BEFORE, set()).update(found.scalars())


def _after_flush(session: Session, _context) -> None:
    pairings = session.info.pop(_BEFORE, set())
    # The pairing a meeting is in now, as the flush left it: not loaded again for a stored meeting whose pairing was
    # not touched (_before_flush read that one already).
    pairings.update(obj.__dict__.get("pairing_id") for obj in (*session.new, *session.dirty)
                    if isinstance(obj, Meeting))
    pairings.discard(None)
    if pairings:
        # Within the flush's own transaction, past the ORM (a session statement would flush again).
        session.connection().execute(_refresh(pairings))
        session.info.setdefault(_CHANGED, set()).update(pairings)


def _expire_changed(session: Session, _context) -> None:
    # Once the flush is over: a pairing already loaded reads its new date when asked.
    changed = session.info.pop(_CHANGED, None)
    if changed:
        _expire_dates(session, changed)


def _bulk_statement(state) -> Any:
    # An INSERT, UPDATE or DELETE of meetings run through the session (no objects, no flush): every pairing's date
    # is worked out again once it has run. Such statements are rare (tests, maintenance); a save goes by the flush.
    table = getattr(state.statement, "table", None)  # the ORM's statements name an annotated copy of the table
    if not (state.is_insert or state.is_update or state.is_delete) or getattr(table, "name", None) != "meeting":
        return None
    result = state.invoke_statement()
    refresh_last_meetings(state.session)
    return result


def refresh_last_meetings(session: Session) -> None:
    """Work out every pairing's last meeting again, after meetings were written without objects (a bulk load on a
    connection, a statement through the session)."""
    session.connection().execute(_refresh(None))
    _expire_dates(session, None)


def _expire_dates(session: Session, pairing_ids: set[int] | None) -> None:
    """Pairings already loaded (those of `pairing_ids`, or all) read their date again when asked."""
    for obj in list(session.identity_map.values()):
        if isinstance(obj, Pairing) and (pairing_ids is None or obj.id in pairing_ids):
            session.expire(obj, ["last_meeting_on"])


def _refresh(pairing_ids: set[int] | None) -> sa.Update:
    last = (sa.select(sa.func.max(Meeting.held_on)).where(Meeting.pairing_id == Pairing.id)
            .correlate(Pairing).scalar_subquery())
    # updated_at stays: the pairing itself was not edited, and a moved mark of the pairing table would have the
    # worker load and render the pages of pairings again for a journal entry (content_reuse.py).
    table = Pairing.__table__
    update = sa.update(table).values(last_meeting_on=last, updated_at=table.c.updated_at)
    return update if pairing_ids is None else update.where(Pairing.id.in_(sorted(pairing_ids)))


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
