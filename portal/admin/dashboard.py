"""The admin's home page: what there is, and what waits for review, within the user's organisations."""
from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app, render_template
from flask_login import current_user

from portal import permissions
from portal.extensions import db
from portal.publish import runs
from portal.clock import local_now
from portal.models import Organisation, Pairing, PairingStatus, Person, PersonRole, Role, Status
from portal.models.registry import pairing_mentee
from portal.monitoring import journals
from portal.registries import network

from . import bp
from .crud import CRUDS
from .links import RowLinks


@bp.get("/")
def dashboard():
    now = local_now()
    visible = [crud for crud in CRUDS.values() if crud.visible_to(current_user)]
    kinds = tuple((crud.model, crud.owned) for crud in visible)
    # Every area's count in one statement: one round trip instead of one per area.
    counts = (permissions.execute_scoped(db.session, functools.partial(_counts, kinds), current_user, {}).one()
              if visible else ())
    areas = list(zip(visible, counts))
    waiting, scheduled = _waiting_and_scheduled([crud for crud in visible if crud.publishable], now)
    days = current_app.config["UNPAIRED_MENTEE_DAYS"]
    weeks, today = current_app.config["MEETING_GAP_WEEKS"], now.date()
    quiet = journals.quiet_pairings(db.session, current_user, weeks, today)
    goals = journals.overdue_goals(db.session, current_user, today)
    # The pairings of both lists named in one query, as the user may read them (network: the other side's
    # people by their organisation).
    labels = network.pairing_labels(db.session, current_user, [row.pairing_id for row in (*quiet, *goals)])
    return render_template("admin/dashboard.html", areas=areas, waiting=waiting, scheduled=scheduled, days=days,
                           unpaired=unpaired_mentees(current_user, today - timedelta(days=days)),
                           weeks=weeks, quiet=quiet, overdue_goals=goals, labels=labels, link=RowLinks(),
                           next_build=runs.next_scheduled(now))


# The dashboard's statements are built once per set of areas and kind of user, then run with this request's
# values as bind parameters (permissions.execute_scoped): building a statement and working out its cache
# key cost SQLAlchemy several times what running it costs, about half of the page's time.

@functools.cache
def _counts(kinds: tuple[tuple[type, bool], ...], restricted: bool) -> sa.Select:
    counts = []
    for model, owned in kinds:
        query = sa.select(sa.func.count()).select_from(model)
        if owned and restricted:
            query = permissions.scope_by_parameter(query, model)
        counts.append(query.scalar_subquery())
    return sa.select(*counts)


@dataclass(frozen=True)
class Listed:
    """A row of the dashboard's lists: only what they show (not the row with its bodies and collections)."""
    id: int
    title: str
    publish_at: datetime | None

    def __str__(self) -> str:
        return self.title


def _waiting_and_scheduled(cruds: list, now: datetime) -> tuple[list, list]:
    """Rows on review and rows published ahead of time, up to 20 of each per kind, in one statement."""
    if not cruds:
        return [], []
    statement = functools.partial(_waiting_statement, tuple((crud.model, crud.owned) for crud in cruds))
    waiting, scheduled = [], []
    for row in permissions.execute_scoped(db.session, statement, current_user, {"now": now}):
        (waiting if row.waits else scheduled).append((row.kind, Listed(row.id, row.title, row.publish_at)))
    waiting.sort(key=lambda pair: (pair[0], pair[1].id))  # by area in the dashboard's order
    scheduled.sort(key=lambda pair: pair[1].publish_at)
    return [(cruds[kind], row) for kind, row in waiting], [(cruds[kind], row) for kind, row in scheduled]


@functools.cache
def _waiting_statement(kinds: tuple[tuple[type, bool], ...], restricted: bool) -> sa.CompoundSelect:
    parts = []
    for number, (model, owned) in enumerate(kinds):
        for waits, condition in ((True, model.status == Status.REVIEW),
                                 (False, sa.and_(model.status == Status.PUBLISHED,
                                                 model.publish_at > sa.bindparam("now")))):
            part = sa.select(sa.literal(number).label("kind"), sa.literal(waits).label("waits"), model.id,
                             model.title.label("title"), model.publish_at.label("publish_at")).where(condition)
            if owned and restricted:
                part = permissions.scope_by_parameter(part, model)
            # The first 20 by id on review; the next 20 to come when scheduled, in the order of the index on
            # (status, publish_at): ordered by id, the database walked every published row to find them.
            order = (model.id,) if waits else (model.publish_at, model.id)
            # Wrapped: SQLite takes no LIMIT inside a compound statement's own parts.
            parts.append(sa.select(part.order_by(*order).limit(20).subquery()))
    return sa.union_all(*parts)


@dataclass(frozen=True)
class Unpaired:
    """A mentee as the list shows them: the name, the organisation's short name, since when."""
    id: int
    full_name: str
    joined_on: date | None
    organisation: str


def unpaired_mentees(user, joined_before: date) -> list[Unpaired]:
    """Mentees in the registry since before the date who are in no active pairing («не сформировали пару»)."""
    rows = permissions.execute_scoped(db.session, _unpaired_statement, user, {"before": joined_before})
    return [Unpaired(*row) for row in rows]


@functools.cache
def _unpaired_statement(restricted: bool) -> sa.Select:
    in_pairing = (sa.select(pairing_mentee.c.person_id).join(Pairing, Pairing.id == pairing_mentee.c.pairing_id)
                  .where(pairing_mentee.c.person_id == Person.id, Pairing.status == PairingStatus.ACTIVE))
    is_mentee = sa.select(PersonRole.person_id).where(PersonRole.person_id == Person.id, PersonRole.role == Role.MENTEE)
    # The very expression of the index ix_person_since: the persons are walked in the list's order and the walk
    # stops at the 50th mentee without a pairing (a join with the roles made the database sort all of them).
    since = sa.func.coalesce(Person.joined_on, sa.func.date(Person.created_at))
    # The columns the list shows, as plain rows: Person objects (with the loader options that kept their roles,
    # consents and long texts out) cost several times as much to build.
    query = (sa.select(Person.id, Person.full_name, Person.joined_on, Organisation.short_name)
             .join(Organisation, Organisation.id == Person.organisation_id)
             .where(is_mentee.exists(), ~in_pairing.exists(), since < sa.bindparam("before"))
             .order_by(since, Person.full_name).limit(50))
    return permissions.scope_by_parameter(query, Person) if restricted else query
