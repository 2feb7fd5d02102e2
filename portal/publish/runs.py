"""Builds as state the whole portal shares, in its database: ask for a build, hold the one build lock, record
progress and the result. No queue here: portal/jobs.py runs these steps in the worker.

- `request` asks for a build. Asks that come while one is already waiting are coalesced into it: ten clicks
  during a build give one more build after it, not ten. It says whether the caller must enqueue a job.
- `acquire` takes the lock with a conditional UPDATE of the one `build_state` row, so two processes or hosts on
  one database never build at once. A lock whose heartbeat stopped for `BUILD_STALE_SECONDS` (its worker was
  killed) is taken over, and that run is marked failed with the reason.
- the build moves the heartbeat on with its progress (`progress`); `finish` records the report, releases the
  lock and says whether another build was asked for meanwhile.
- `due` is the schedule: rows whose `publish_at` has come since the last look, and the change of day in
  TIME_ZONE (upcoming events, overdue activities), ask for a build with nobody clicking.
"""
from __future__ import annotations

import socket
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from portal.clock import local_now
from portal.extensions import db
from portal.models import BuildRun, BuildState, Case, Event, NewsItem, Page, Roadmap
from portal.models.base import utcnow

from .report import BuildReport

STATE_ID = 1
# Rows that may wait for their `publish_at`: the content types with a publication time (PublishableMixin).
SCHEDULED = (Case, NewsItem, Event, Roadmap, Page)
REASONS = {"manual": "по кнопке «Опубликовать»", "approval": "после одобрения", "edit": "после правки на сайте",
           "scheduled": "по расписанию",
           "daily": "ежедневное обновление", "retry": "повтор после сбоя", "command": "из командной строки",
           "fold": "объединение поискового индекса"}
# Builds that fold the search's delta bundle into the main bundles (search_delta.py): the schedule's own.
FOLD_REASONS = ("fold", "daily")
# Builds that load the content whole instead of bringing the kept snapshot up to date (content_reuse.py): the
# schedule's, whose reason is the time itself, and the retry after a failure.
FRESH_REASONS = ("scheduled", "daily", "retry")
INTERRUPTED = ("Публикация прервана: обработчик заданий остановился во время сборки (процесс завершён или сервер "
               "перезагружен). Опубликованный сайт не изменился; публикация запрошена снова.")


@dataclass(frozen=True)
class Held:
    """The lock, held for one run: what was asked for."""

    run_id: int
    full: bool
    reason: str
    requested_by: str


def _state() -> BuildState:
    state = db.session.get(BuildState, STATE_ID)
    if state is None:
        try:
            with db.session.begin_nested():
                db.session.add(BuildState(id=STATE_ID))
        except sa.exc.IntegrityError:  # another process made it at the same moment
            pass
        state = db.session.get(BuildState, STATE_ID)
    return state


def request(reason: str = "manual", *, full: bool = False, user=None) -> bool:
    """Ask for a build. True: this is a new ask and the caller enqueues the job; False: one is waiting already
    (a full build asked for meanwhile still makes the waiting one full)."""
    email = getattr(user, "email", "") or ""
    ask = (sa.update(BuildState).where(BuildState.id == STATE_ID, BuildState.requested.is_(False))
           .values(requested=True, requested_reason=reason, requested_full=full, requested_by=email)
           .execution_options(synchronize_session=False))
    asked = db.session.execute(ask).rowcount == 1
    if not asked and db.session.get(BuildState, STATE_ID) is None:  # the very first ask: the row is made first
        _state()
        db.session.commit()
        asked = db.session.execute(ask).rowcount == 1
    if not asked and full:
        db.session.execute(sa.update(BuildState).where(BuildState.id == STATE_ID).values(requested_full=True)
                           .execution_options(synchronize_session=False))
    db.session.commit()
    return asked


def acquire() -> Held | None:
    """Take the build lock and the waiting ask with it; None if another build holds the lock, or if nothing is
    asked for (a build that ran meanwhile took the ask: a job enqueued for it has nothing left to do)."""
    state = _state()
    db.session.commit()
    stale = utcnow() - timedelta(seconds=current_app.config["BUILD_STALE_SECONDS"])
    before = db.session.execute(sa.select(BuildState.run_id, BuildState.heartbeat_at, BuildState.requested_reason,
                                          BuildState.requested_full, BuildState.requested_by)
                                .where(BuildState.id == state.id)).one()
    run = BuildRun(reason=before.requested_reason or "manual", full=before.requested_full,
                   requested_by=before.requested_by, host=socket.gethostname()[:200])
    db.session.add(run)
    db.session.flush()
    taken = db.session.execute(
        sa.update(BuildState)
        .where(BuildState.id == STATE_ID, BuildState.requested.is_(True),
               sa.or_(BuildState.run_id.is_(None), BuildState.heartbeat_at.is_(None), BuildState.heartbeat_at < stale))
        .values(run_id=run.id, heartbeat_at=utcnow(), requested=False, requested_reason="", requested_full=False,
                requested_by="", checked_at=local_now())
        .execution_options(synchronize_session=False)).rowcount == 1
    if not taken:
        db.session.rollback()
        return None
    if before.run_id is not None:  # taken over from a dead build
        _fail(before.run_id, INTERRUPTED)
    db.session.commit()
    return Held(run.id, run.full, run.reason, run.requested_by)


def _fail(run_id: int, message: str) -> None:
    db.session.execute(sa.update(BuildRun).where(BuildRun.id == run_id, BuildRun.status == "running")
                       .values(status="failed", finished_at=utcnow(), summary=message)
                       .execution_options(synchronize_session=False))


def progress(engine: sa.Engine, run_id: int, done: int, total: int) -> None:
    """The build is alive and this far: its own connection, as the build may run under another app."""
    with engine.begin() as connection:
        connection.execute(sa.update(BuildState).where(BuildState.run_id == run_id).values(heartbeat_at=utcnow()))
        connection.execute(sa.update(BuildRun).where(BuildRun.id == run_id)
                           .values(pages_done=done, pages_total=total))


def finish(run_id: int, report: BuildReport) -> bool:
    """Record the result and release the lock; True if another build was asked for meanwhile."""
    db.session.execute(
        sa.update(BuildRun).where(BuildRun.id == run_id)
        .values(status="done" if report.ok else "failed", finished_at=utcnow(), summary=report.summary(),
                details=report.details or "", report=report.to_json(),
                pages_done=report.pages_total, pages_total=report.pages_total)
        .execution_options(synchronize_session=False))
    db.session.execute(sa.update(BuildState).where(BuildState.run_id == run_id)
                       .values(run_id=None, heartbeat_at=None).execution_options(synchronize_session=False))
    db.session.commit()
    return requested()


def abandon_stale() -> bool:
    """Mark a build whose heartbeat stopped as failed and release its lock; True if one was found (the caller
    asks for the build again)."""
    stale = utcnow() - timedelta(seconds=current_app.config["BUILD_STALE_SECONDS"])
    state = db.session.execute(sa.select(BuildState.run_id).where(
        BuildState.id == STATE_ID, BuildState.run_id.is_not(None), BuildState.heartbeat_at < stale)).first()
    if state is None:
        return False
    released = db.session.execute(
        sa.update(BuildState).where(BuildState.id == STATE_ID, BuildState.run_id == state.run_id,
                                    BuildState.heartbeat_at < stale)
        .values(run_id=None, heartbeat_at=None).execution_options(synchronize_session=False)).rowcount == 1
    if released:
        _fail(state.run_id, INTERRUPTED)
    db.session.commit()
    return released


def waiting() -> bool:
    """A build was asked for and no build runs: the job that would run it is missing (lost with a worker)."""
    return db.session.execute(sa.select(BuildState.id).where(
        BuildState.id == STATE_ID, BuildState.requested.is_(True), BuildState.run_id.is_(None))).first() is not None


def due(now: datetime | None = None) -> str | None:
    """What the schedule asks for now: "scheduled" (a row's `publish_at` has come since the last look), "daily"
    (a new day in TIME_ZONE since the last look) or None. Moves the last look on to `now`."""
    now = now or local_now()
    state = _state()
    last = state.checked_at
    state.checked_at = now
    db.session.commit()
    if last is None:
        return None  # never built or looked: the first publication is a person's
    for model in SCHEDULED:
        if db.session.execute(sa.select(model.id).where(
                model.publish_at.is_not(None), model.publish_at > last, model.publish_at <= now).limit(1)).first():
            return "scheduled"
    return "daily" if now.date() > last.date() else None


def fold_due() -> bool:
    """Has the published search a delta bundle old enough to fold into the main bundles?"""
    from .search_delta import fold_due as due_now
    from .work_folder import SEARCH_STATE_FILE, read_state

    return due_now(read_state(Path(current_app.config["INSTANCE_PATH"]) / SEARCH_STATE_FILE))


def next_scheduled(now: datetime | None = None) -> datetime:
    """When the schedule will publish next (local time): the nearest `publish_at` ahead, or the next midnight."""
    now = now or local_now()
    midnight = datetime.combine(now.date() + timedelta(days=1), datetime.min.time())
    ahead = db.session.execute(sa.select(*(  # one statement: the dashboard shows it on every visit
        sa.select(sa.func.min(model.publish_at)).where(model.publish_at > now).scalar_subquery()
        for model in SCHEDULED))).one()
    return min([moment for moment in ahead if moment is not None] + [midnight])


def current() -> BuildRun | None:
    """The build that runs now, if any."""
    return now()[0]


def now() -> tuple[BuildRun | None, bool]:
    """The build that runs now and whether another is asked for, in one read: `acquire` turns an ask into a run in
    one statement, so two reads could see neither (the publish page then stopped refreshing before the result)."""
    state = db.session.execute(sa.select(BuildState.run_id, BuildState.requested)
                               .where(BuildState.id == STATE_ID)).first()
    if state is None:
        return None, False
    return (db.session.get(BuildRun, state.run_id) if state.run_id is not None else None), bool(state.requested)


def requested() -> bool:
    return bool(db.session.scalar(sa.select(BuildState.requested).where(BuildState.id == STATE_ID)))


def recent(limit: int = 20) -> list[BuildRun]:
    return list(db.session.scalars(sa.select(BuildRun).order_by(BuildRun.id.desc()).limit(limit)))
