"""A running worker's snapshot kept from publish to publish and brought up to date: only the parts whose tables
changed are loaded again (issue #22: loading a region's whole snapshot took 1.3–3 s of every one-edit publish).

What changed is read off the database itself, not off the admin's saves, so that imports, the command line and
bulk statements count too: each table's marks (row count, the latest `updated_at`, sums over the other columns)
in one statement. A table the site never reads changes nothing; a table the parts do not name reloads everything,
so a table added later is never missed. A snapshot is kept only within one day (what is public or upcoming
depends on the date); scheduled, daily and full builds load everything afresh (build_site's `fresh`).
"""
from __future__ import annotations

import functools
import gc
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal.extensions import db
from portal.models import Case

from . import content

# Tables the public site never reads: their changes never reload anything.
NOT_SITE = frozenset({"audit_entry", "build_run", "build_state", "revision", "search_entry", "trash_item", "user",
                      "user_organisation", "mail_message", "mail_opt_out", "application", "document_template"})
# What monitoring (indicators, questionnaire results, best mentors) does not read; of cases it reads only which are
# public and when they appeared, compared on their own (`_public_cases`).
NOT_MONITORING = frozenset({"case", "case_tag", "tag", "news_item", "event", "page", "old_slug", "media_use",
                            "media_file"})
MONITORING = "monitoring"  # a pseudo-part: Snapshot.monitoring
PUBLIC_CASES = "case:public"  # a mark of its own: see `_public_cases`
KEPT_KEY = "portal.site.kept_snapshot"  # on the site app: the last build's snapshot and its marks
GATE_KEY = "portal.site.kept_gate"  # on the site app: who puts the first snapshot there (`take`, `keep_first`)


@dataclass
class Kept:
    snapshot: content.Snapshot
    marks: dict[str, str]
    # Part → the sessions its objects belong to: kept open (never closed, only committed) so that an object can
    # still load what it did not load eagerly.
    sessions: dict[str, set[Session]] = field(default_factory=dict)
    replaced: bool = True  # a part with many objects (or all) was loaded whole: the old ones are garbage (`settle`)


class _Gate:
    """A worker's warm-up and its builds taking turns at the kept snapshot: one snapshot loaded at a time."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.taken = False  # by a build: from then on the builds keep it up to date, a warm-up keeps nothing


def _gate(site_app) -> _Gate:
    return site_app.extensions.setdefault(GATE_KEY, _Gate())  # one dict step: two threads get the same gate


def take(site_app) -> Kept | None:
    """The kept snapshot, for a build that brings it up to date (None: the build loads one whole). A warm-up that
    is loading one meanwhile is waited for: its snapshot is what this build would load, and two loaded side by
    side would cost the memory of two."""
    gate = _gate(site_app)
    with gate.lock:
        gate.taken = True
        return site_app.extensions.pop(KEPT_KEY, None)


def keep_first(site_app, make: Callable[[], Kept]) -> bool:
    """A worker's warm-up (portal/publish/warm.py): keep `make()`'s snapshot unless a build has taken the kept
    one already; whether it was made. A build that starts meanwhile waits in `take`."""
    gate = _gate(site_app)
    with gate.lock:
        if gate.taken or KEPT_KEY in site_app.extensions:
            return False
        site_app.extensions[KEPT_KEY] = make()
        return True


def _mark_columns(table: sa.Table, now: sa.ColumnElement) -> list:
    """Aggregates that change when a row is added, removed or edited, or its `publish_at` comes. With
    `updated_at`, an edit moves it on (and an insert, even with a delete beside it; a delete lowers the count);
    without it, sums over every column stand in for the rows' contents."""
    columns = [sa.func.count()]
    if "publish_at" in table.c:  # the schedule asks for a build only for times after the last build began
        columns.append(sa.func.sum(sa.case((table.c.publish_at <= now, 1), else_=0)))
    if "updated_at" in table.c:
        return [*columns, sa.func.max(table.c.updated_at)]
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


def _public_cases(now: sa.ColumnElement) -> tuple[sa.Table, list, sa.ColumnElement]:
    """What monitoring reads of cases: which are public, of which organisation, since when (indicators.py)."""
    since = sa.func.coalesce(Case.publish_at, Case.created_at)
    return (Case.__table__, [sa.func.count(), sa.func.sum(Case.id), sa.func.sum(Case.organisation_id),
                             sa.func.sum(sa.extract("epoch", since))], Case.public_filter(now))


def _joined(columns: list) -> sa.ColumnElement:
    """The aggregates as one text: one scalar subquery, so one pass over the table, for all of them."""
    parts = [sa.func.coalesce(sa.cast(column, sa.String), "") for column in columns]
    joined = parts[0]
    for part in parts[1:]:
        joined = joined + "|" + part
    return joined


def marks(session: Session, now: datetime) -> dict[str, str]:
    """Every site table's marks at `now`, and the public cases as monitoring sees them, in one statement."""
    names, statement = _marks_statement(tuple(db.metadata.tables))  # a table added later: another statement
    values = session.execute(statement, {"now": now}).one()
    return dict(zip(names, values))


@functools.lru_cache(maxsize=4)
def _marks_statement(_tables: tuple[str, ...]) -> tuple[list[str], sa.Select]:
    """The statement of `marks`, built once for the tables there are: building it took a third of its 30 ms."""
    now = sa.bindparam("now", type_=sa.DateTime)
    layout = [(table.name, sa.select(_joined(_mark_columns(table, now))).select_from(table))
              for table in db.metadata.sorted_tables if table.name not in NOT_SITE]
    table, columns, where = _public_cases(now)
    layout.append((PUBLIC_CASES, sa.select(_joined(columns)).select_from(table).where(where)))
    return [name for name, _ in layout], sa.select(*(query.scalar_subquery() for _, query in layout))


def load(kept: Kept | None, *, fresh: bool, now: datetime | None = None) -> tuple[Kept, set[str] | None]:
    """The build's snapshot: the kept one brought up to date, or a whole new one (`fresh`, no kept one, another
    day, or a table no part names changed). Also the parts loaded again (None: all)."""
    now = now or content.local_now()  # the site's one clock (tests set it there)
    session = Session(bind=db.engine, expire_on_commit=False, autoflush=False)
    try:
        return _load(session, kept, fresh, now)
    except BaseException:
        session.close()  # a database without the tables, or gone: its connection back now, not when collected
        raise


def _load(session: Session, kept: Kept | None, fresh: bool, now: datetime) -> tuple[Kept, set[str] | None]:
    found = marks(session, now)
    changed_tables = {name for name, value in found.items() if kept is None or kept.marks.get(name) != value}
    named = set().union(*(part.tables for part in content.PARTS)) | (set(found) - NOT_MONITORING) | {PUBLIC_CASES}
    if fresh or kept is None or kept.snapshot.now.date() != now.date() or changed_tables - named:
        snapshot = content.load(now, session)
        session.commit()  # the connection goes back; the objects stay loaded (expire_on_commit=False)
        return Kept(snapshot, found, {part.name: {session} for part in content.PARTS}), None
    old = kept.snapshot
    fields = {name: getattr(old, name) for name in content.Snapshot.__dataclass_fields__ if name != "now"}
    sessions = dict(kept.sessions)
    reloaded: set[str] = set()
    replaced = False
    for part in content.PARTS:
        if part.tables & changed_tables or reloaded & set(part.after):
            rows = _changed_rows(session, part, changed_tables, kept, fields[part.name], now) \
                if part.rows and len(kept.sessions.get(part.name, ())) < MAX_SESSIONS else None
            fields.update({part.name: rows} if rows is not None else part.load(session, now, fields))
            sessions[part.name] = {session} | (kept.sessions.get(part.name, set()) if rows is not None else set())
            reloaded.add(part.name)
            replaced = replaced or (rows is None and part.name not in FEW_OBJECTS)
    session.commit()
    snapshot = content.Snapshot(now, **fields)
    _carry(old, snapshot, reloaded)
    if "monitoring" in old.__dict__ and not (changed_tables - NOT_MONITORING - {PUBLIC_CASES}) \
            and kept.marks.get(PUBLIC_CASES) == found[PUBLIC_CASES]:
        snapshot.__dict__["monitoring"] = old.__dict__["monitoring"]
    else:
        reloaded.add(MONITORING)
    return Kept(snapshot, found, sessions, replaced), reloaded


# Parts whose objects are few (a region's files, pages, old addresses) or plain counts: loading them whole leaves
# little garbage, collected with the rest every COLLECT_EVERY publishes.
FEW_OBJECTS = frozenset({"media", "pages", "old_slugs", "registry_counts"})
COLLECT_EVERY = 20
_settled = {"since_collect": 0}


def settle(kept: Kept | None) -> None:
    """After a build: the kept snapshot's hundreds of thousands of objects out of the cyclic garbage collector's
    sight (`gc.freeze`). Its full collections scanned them all: 0.35 s of a 1.3 s one-edit publish at regional
    scale. Frozen objects dropped later (edited rows, a reloaded file list) wait for the next build that loads a
    large part whole, or for every COLLECT_EVERY-th publish, which unfreezes and collects: the leak is bounded."""
    _settled["since_collect"] += 1
    if kept is None or kept.replaced or _settled["since_collect"] >= COLLECT_EVERY:
        gc.unfreeze()
        gc.collect()
        _settled["since_collect"] = 0
    gc.freeze()


# More rows than this new to a part, or its objects spread over this many sessions (one per publish that brought
# it up to date row by row): it is loaded whole.
MAX_NEW_ROWS = 200
MAX_SESSIONS = 50


def _changed_rows(session: Session, part: content.Part, changed_tables: set[str], kept: Kept, old: list,
                  now: datetime) -> list | None:
    """The part's list with only its added, edited and newly public rows loaded, when its own table is the only one
    of its tables that changed (an edit moves `updated_at` on); None: load the part whole."""
    rows = part.rows
    table = rows.model.__table__
    if part.tables & changed_tables != {table.name}:
        return None
    public = set(session.scalars(sa.select(rows.model.id).where(rows.model.public_filter(now))))
    known = {item.id for item in old}
    added = public - known
    if len(added) > MAX_NEW_ROWS:
        return None
    # The latest `updated_at` of the kept marks: their last value (`_mark_columns`).
    latest = kept.marks[table.name].rsplit("|", 1)[-1]
    if not latest:
        return None  # the table was empty
    edited_since = datetime.fromisoformat(latest)
    loaded = list(session.scalars(rows.query(now, sa.or_(rows.model.updated_at >= edited_since,
                                                         rows.model.id.in_(sorted(added))))))
    fresh = {item.id for item in loaded}
    items = [item for item in old if item.id in public and item.id not in fresh] + loaded
    return sorted(items, key=rows.key, reverse=rows.reverse)


def _carry(old: content.Snapshot, new: content.Snapshot, reloaded: set[str]) -> None:
    """What the old snapshot worked out from parts that did not change (same day: see `load`)."""
    derived = {"catalogue": "cases", "_cases_by_form": "cases", "events_by_month": "events",
               "calendar_months": "events"}
    for name, part in derived.items():
        if name in old.__dict__ and part not in reloaded:
            new.__dict__[name] = old.__dict__[name]
    if content.CATALOGUE_ROWS in old.__dict__:  # by the case objects themselves: right whatever was reloaded
        new.__dict__[content.CATALOGUE_ROWS] = old.__dict__[content.CATALOGUE_ROWS]


def let_go(kept: Kept) -> None:
    """A kept snapshot that a build replaces with one loaded whole: closed, emptied and collected before the new one
    loads, not after the build (its objects are out of the collector's sight: `settle`). A worker's full build held
    both at once. The caller's `kept` holds nothing afterwards."""
    for session in set().union(*kept.sessions.values()):
        session.close()
    kept.sessions.clear()
    kept.snapshot = None  # type: ignore[assignment]
    gc.unfreeze()
    gc.collect()


def release(kept: Kept) -> None:
    """Give the sessions' connections back (before a fork, and after the build): a lazy load takes one again."""
    for session in set().union(*kept.sessions.values()):
        session.commit()
