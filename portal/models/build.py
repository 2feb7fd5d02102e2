"""Publishing as the whole portal sees it, whichever host asks or builds: the one build lock, the request
waiting for the next build (coalesced), and each build's run with its progress and report."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db

from .base import utcnow


class BuildState(db.Model):
    """One row (id 1): who builds now, and whether another build was asked for meanwhile.

    A conditional UPDATE of this row is the lock, so it holds across processes and hosts on one database; a
    lock whose heartbeat stopped (a worker killed mid-build) is taken over (portal/publish/runs.py).
    """

    __tablename__ = "build_state"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int | None] = mapped_column()  # the build that holds the lock
    heartbeat_at: Mapped[datetime | None] = mapped_column(sa.DateTime)  # UTC; moved on while it builds
    requested: Mapped[bool] = mapped_column(default=False)  # a build was asked for and has not started yet
    requested_reason: Mapped[str] = mapped_column(sa.String(40), default="")
    requested_full: Mapped[bool] = mapped_column(default=False)
    requested_by: Mapped[str] = mapped_column(sa.String(200), default="")
    checked_at: Mapped[datetime | None] = mapped_column(sa.DateTime)  # local time the schedule last looked


class BuildRun(db.Model):
    """One build: asked by whom and why, its progress while it runs, its report or failure after."""

    __tablename__ = "build_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    reason: Mapped[str] = mapped_column(sa.String(40), default="manual")  # manual, approval, scheduled, daily, retry
    full: Mapped[bool] = mapped_column(default=False)
    requested_by: Mapped[str] = mapped_column(sa.String(200), default="")  # a user's e-mail, or "" for the system
    status: Mapped[str] = mapped_column(sa.String(20), default="running", index=True)  # running, done, failed
    started_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow, index=True)  # UTC
    finished_at: Mapped[datetime | None] = mapped_column(sa.DateTime)
    host: Mapped[str] = mapped_column(sa.String(200), default="")
    pages_done: Mapped[int] = mapped_column(default=0)
    pages_total: Mapped[int] = mapped_column(default=0)
    summary: Mapped[str] = mapped_column(sa.Text, default="")  # Russian lines for a person
    details: Mapped[str] = mapped_column(sa.Text, default="")  # the traceback, for the administrator
    report: Mapped[str] = mapped_column(sa.Text, default="")  # BuildReport as JSON
