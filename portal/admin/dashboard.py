"""The admin's home page: what there is, and what waits for review, within the user's organisations."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, lazyload, load_only
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


@bp.get("/")
def dashboard():
    now = local_now()
    visible = [crud for crud in CRUDS.values() if crud.visible_to(current_user)]
    counts = []
    for crud in visible:
        query = sa.select(sa.func.count()).select_from(crud.model)
        if crud.owned:
            query = permissions.scope(query, crud.model, current_user)
        counts.append(query.scalar_subquery())
    # Every area's count in one statement: one round trip instead of one per area.
    areas = list(zip(visible, db.session.execute(sa.select(*counts)).one())) if counts else []
    waiting, scheduled = _waiting_and_scheduled([crud for crud in visible if crud.publishable], now)
    days = current_app.config["UNPAIRED_MENTEE_DAYS"]
    weeks, today = current_app.config["MEETING_GAP_WEEKS"], now.date()
    return render_template("admin/dashboard.html", areas=areas, waiting=waiting, scheduled=scheduled, days=days,
                           unpaired=unpaired_mentees(current_user, today - timedelta(days=days)),
                           weeks=weeks, quiet=journals.quiet_pairings(db.session, current_user, weeks, today),
                           overdue_goals=journals.overdue_goals(db.session, current_user, today),
                           pairing_label=lambda pairing: network.pairing_label(current_user, pairing),
                           next_build=runs.next_scheduled(now))


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
    parts = []
    for number, crud in enumerate(cruds):
        model = crud.model
        for waits, condition in ((True, model.status == Status.REVIEW),
                                 (False, sa.and_(model.status == Status.PUBLISHED, model.publish_at > now))):
            part = sa.select(sa.literal(number).label("kind"), sa.literal(waits).label("waits"), model.id,
                             model.title.label("title"), model.publish_at.label("publish_at")).where(condition)
            if crud.owned:
                part = permissions.scope(part, model, current_user)
            # The first 20 by id on review; the next 20 to come when scheduled, in the order of the index on
            # (status, publish_at): ordered by id, the database walked every published row to find them.
            order = (model.id,) if waits else (model.publish_at, model.id)
            # Wrapped: SQLite takes no LIMIT inside a compound statement's own parts.
            parts.append(sa.select(part.order_by(*order).limit(20).subquery()))
    waiting, scheduled = [], []
    for row in db.session.execute(sa.union_all(*parts)):
        (waiting if row.waits else scheduled).append((row.kind, Listed(row.id, row.title, row.publish_at)))
    waiting.sort(key=lambda pair: (pair[0], pair[1].id))  # by area in the dashboard's order
    scheduled.sort(key=lambda pair: pair[1].publish_at)
    return [(cruds[kind], row) for kind, row in waiting], [(cruds[kind], row) for kind, row in scheduled]


def unpaired_mentees(user, joined_before: date) -> list[Person]:
    """Mentees in the registry since before the date who are in no active pairing («не сформировали пару»)."""
    in_pairing = (sa.select(pairing_mentee.c.person_id).join(Pairing, Pairing.id == pairing_mentee.c.pairing_id)
                  .where(pairing_mentee.c.person_id == Person.id, Pairing.status == PairingStatus.ACTIVE))
    is_mentee = sa.select(PersonRole.person_id).where(PersonRole.person_id == Person.id, PersonRole.role == Role.MENTEE)
    # The very expression of the index ix_person_since: the persons are walked in the list's order and the walk
    # stops at the 50th mentee without a pairing (a join with the roles made the database sort all of them).
    since = sa.func.coalesce(Person.joined_on, sa.func.date(Person.created_at))
    query = (sa.select(Person).where(is_mentee.exists(), ~in_pairing.exists(), since < joined_before)
             .order_by(since, Person.full_name).limit(50)
             # The list shows the name and the organisation's short name: not the roles and consents a Person
             # loads eagerly, nor the organisation's long texts.
             .options(lazyload(Person.role_rows), lazyload(Person.consents),
                      load_only(Person.id, Person.organisation_id, Person.full_name, Person.joined_on),
                      joinedload(Person.organisation).load_only(Organisation.id, Organisation.short_name)))
    return list(db.session.scalars(permissions.scope(query, Person, user)))
