"""A running worker's snapshot kept from publish to publish and brought up to date: only the parts whose tables
changed are loaded again (issue #22: loading a region's whole snapshot took 1.3–3 s of every one-edit publish).

What changed is read off the database itself, not off the admin's saves, so that imports, the command line and
bulk statements count too: each table's marks (row count, the latest `updated_at`, sums over the other columns)
in one statement. A table the site never reads changes nothing; a table the parts do not name reloads everything,
so a table added later is never missed. A snapshot is kept only within one day (what is public or upcoming
depends on the date); scheduled, daily and full builds load everything afresh (build_site's `fresh`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal.extensions import db

from . import content

# Tables the public site never reads: their changes never reload anything.
NOT_SITE = frozenset({"audit_entry", "build_run", "build_state", "revision", "search_entry", "trash_item", "user",
                      "user_organisation", "mail_message", "mail_opt_out", "application", "document_template"})
# What monitoring (indicators, questionnaire results, best mentors) does not read; of cases it reads only which are
# public and when they appeared, compared on their own (`_cases_seen`).
NOT_MONITORING = frozenset({"case", "case_tag", "tag", "news_item", "event", "page", "old_slug", "media_use",
                            "media_file"})
MONITORING = "monitoring"  # a pseudo-part: Snapshot.monitoring
KEPT_KEY = "portal.site.kept_snapshot"  # on the site app: the last build's snapshot and its marks


@dataclass
class Kept:
    snapshot: content.Snapshot
    marks: dict[str, tuple]
    sessions: dict[str, Session] = field(default_factory=dict)  # part → the session its objects belong to


def _mark_columns(table: sa.Table, now: datetime) -> list:
    """Aggregates that change when a row is added, removed or edited, or its `publish_at` comes. With
    `updated_at`, an edit moves it on; without it, sums over every column stand in for the rows' contents."""
    columns = [sa.func.count()]
    if "publish_at" in table.c:  # the schedule asks for a build only for times after the last build began
        columns.append(sa.func.sum(sa.case((table.c.publish_at <= now, 1), else_=0)))
    if "updated_at" in table.c:
        columns.append(sa.func.max(table.c.updated_at))
        columns += [sa.func.sum(column) for column in table.primary_key.columns if isinstance(column.type, sa.Integer)]
        return columns
    for column in table.c:
        if isinstance(column.type, sa.Boolean):
            columns.append(sa.func.sum(sa.cast(column, sa.Integer)))
        elif isinstance(column.type, sa.Integer):
            columns.append(sa.func.sum(column))
        elif isinstance(column.type, (sa.String, sa.Text)):
            columns.append(sa.func.sum(sa.func.length(column)))
        elif isinstance(column.type, (sa.Date, sa.DateTime)):
            columns += [sa.func.max(column), sa.func.count(column)]
    return columns


def marks(session: Session, now: datetime) -> dict[str, tuple]:
    """Every site table's marks at `now`, in one statement."""
    tables = [table for table in db.metadata.sorted_tables if table.name not in NOT_SITE]
    layout = [(table.name, _mark_columns(table, now)) for table in tables]
    statement = sa.select(*(sa.select(column).select_from(table).scalar_subquery()
                            for table, (_, columns) in zip(tables, layout) for column in columns))
    values = iter(session.execute(statement).one())
    return {name: tuple(next(values) for _ in columns) for name, columns in layout}


def _cases_seen(snapshot: content.Snapshot) -> list[tuple]:
    return [(case.id, case.organisation_id, case.publish_at, case.created_at) for case in snapshot.cases]


def load(kept: Kept | None, *, fresh: bool, now: datetime | None = None) -> tuple[Kept, set[str] | None]:
    """The build's snapshot: the kept one brought up to date, or a whole new one (`fresh`, no kept one, another
    day, or a table no part names changed). Also the parts loaded again (None: all)."""
    now = now or content.local_now()  # the site's one clock (tests set it there)
    session = Session(bind=db.engine, expire_on_commit=False, autoflush=False)
    found = marks(session, now)
    changed_tables = {name for name, value in found.items() if kept is None or kept.marks.get(name) != value}
    named = set().union(*(part.tables for part in content.PARTS)) | (set(found) - NOT_MONITORING)
    if fresh or kept is None or kept.snapshot.now.date() != now.date() or changed_tables - named:
        snapshot = content.load(now, session)
        session.commit()  # the connection goes back; the objects stay loaded (expire_on_commit=False)
        return Kept(snapshot, found, {part.name: session for part in content.PARTS}), None
    old = kept.snapshot
    fields = {name: getattr(old, name) for name in content.Snapshot.__dataclass_fields__ if name != "now"}
    sessions = dict(kept.sessions)
    reloaded: set[str] = set()
    for part in content.PARTS:
        if part.tables & changed_tables or reloaded & set(part.after):
            fields.update(part.load(session, now, fields))
            sessions[part.name] = session
            reloaded.add(part.name)
    session.commit()
    snapshot = content.Snapshot(now, **fields)
    _carry(old, snapshot, reloaded)
    if "monitoring" in old.__dict__ and not (changed_tables - NOT_MONITORING) \
            and _cases_seen(old) == _cases_seen(snapshot):
        snapshot.__dict__["monitoring"] = old.__dict__["monitoring"]
    else:
        reloaded.add(MONITORING)
    return Kept(snapshot, found, sessions), reloaded


def _carry(old: content.Snapshot, new: content.Snapshot, reloaded: set[str]) -> None:
    """What the old snapshot worked out from parts that did not change (same day: see `load`)."""
    derived = {"catalogue": "cases", "_cases_by_form": "cases", "events_by_month": "events",
               "calendar_months": "events"}
    for name, part in derived.items():
        if name in old.__dict__ and part not in reloaded:
            new.__dict__[name] = old.__dict__[name]


def release(kept: Kept) -> None:
    """Give the sessions' connections back (before a fork, and after the build): a lazy load takes one again."""
    for session in set(kept.sessions.values()):
        session.commit()
