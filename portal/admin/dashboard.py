"""The admin's home page: what there is, and what waits for review, within the user's organisations."""
from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, lazyload
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
    waiting = []
    scheduled = []
    now = local_now()
    counts = []
    visible = [crud for crud in CRUDS.values() if crud.visible_to(current_user)]
    for crud in visible:
        query = sa.select(sa.func.count()).select_from(crud.model)
        if crud.owned:
            query = permissions.scope(query, crud.model, current_user)
        counts.append(query.scalar_subquery())
        if crud.publishable:
            # Rows shown by their name only: none of their eagerly loaded collections (a case's tags…).
            review = sa.select(crud.model).where(crud.model.status == Status.REVIEW).options(lazyload("*"))
            if crud.owned:
                review = permissions.scope(review, crud.model, current_user)
            waiting += [(crud, obj) for obj in db.session.scalars(review.limit(20))]
            later = (sa.select(crud.model).where(crud.model.status == Status.PUBLISHED, crud.model.publish_at > now)
                     .options(lazyload("*")))
            if crud.owned:
                later = permissions.scope(later, crud.model, current_user)
            scheduled += [(crud, obj) for obj in db.session.scalars(later.limit(20))]
    # Every area's count in one statement: one round trip instead of one per area.
    areas = list(zip(visible, db.session.execute(sa.select(*counts)).one())) if counts else []
    days = current_app.config["UNPAIRED_MENTEE_DAYS"]
    scheduled.sort(key=lambda pair: pair[1].publish_at)
    weeks, today = current_app.config["MEETING_GAP_WEEKS"], now.date()
    return render_template("admin/dashboard.html", areas=areas, waiting=waiting, scheduled=scheduled, days=days,
                           unpaired=unpaired_mentees(current_user, local_now().date() - timedelta(days=days)),
                           weeks=weeks, quiet=journals.quiet_pairings(db.session, current_user, weeks, today),
                           overdue_goals=journals.overdue_goals(db.session, current_user, today),
                           pairing_label=lambda pairing: network.pairing_label(current_user, pairing),
                           next_build=runs.next_scheduled(now))


def unpaired_mentees(user, joined_before: date) -> list[Person]:
    """Mentees in the registry since before the date who are in no active pairing («не сформировали пару»)."""
    in_pairing = (sa.select(pairing_mentee.c.person_id).join(Pairing, Pairing.id == pairing_mentee.c.pairing_id)
                  .where(Pairing.status == PairingStatus.ACTIVE))
    since = sa.func.coalesce(Person.joined_on, sa.func.date(Person.created_at))  # date(): SQLite and PostgreSQL
    query = (sa.select(Person).join(PersonRole, PersonRole.person_id == Person.id)
             .where(PersonRole.role == Role.MENTEE, Person.id.not_in(in_pairing), since < joined_before)
             .order_by(since, Person.full_name).limit(50)
             # The list shows the name and the organisation's short name: not the roles and consents a Person
             # loads eagerly, nor the organisation's long texts.
             .options(lazyload(Person.role_rows), lazyload(Person.consents),
                      joinedload(Person.organisation).load_only(Organisation.id, Organisation.short_name)))
    return list(db.session.scalars(permissions.scope(query, Person, user)))
