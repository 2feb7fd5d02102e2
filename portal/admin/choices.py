"""Options of the admin's select fields, limited to what the logged-in user may see."""
from __future__ import annotations

import sqlalchemy as sa

from portal import permissions
from portal.extensions import db
from portal.models import Case, NewsItem, Organisation, OrganisationKind, Person, PersonRole, Program, Role
from portal.models.registry import program_organisation


def organisations(user) -> list[tuple[int, str]]:
    query = permissions.scope(sa.select(Organisation.id, Organisation.short_name), Organisation, user)
    return [(row.id, row.short_name) for row in db.session.execute(query.order_by(Organisation.short_name))]


def may_leave_organisation_empty(user) -> bool:
    """Municipal rows (no organisation) are for editors and admins only."""
    return permissions.is_staff(user)


def all_organisations() -> list[tuple[int, str]]:
    """Every organisation: names of organisations are public (the partners of a network program)."""
    query = sa.select(Organisation.id, Organisation.short_name).order_by(Organisation.short_name)
    return [(row.id, row.short_name) for row in db.session.execute(query)]


def programs(user) -> list[tuple[int, str]]:
    """The user's programs, and the network programs their organisations take part in."""
    query = sa.select(Program.id, Program.title).order_by(Program.title)
    allowed = permissions.organisation_ids(user)
    if allowed is not None:
        partner_of = sa.select(program_organisation.c.program_id).where(
            program_organisation.c.organisation_id.in_(allowed or {-1}))
        query = query.where(sa.or_(Program.organisation_id.in_(allowed or {-1}), Program.id.in_(partner_of)))
    return [(row.id, row.title) for row in db.session.execute(query)]


def persons(user, role: Role) -> list[tuple[int, str]]:
    query = (
        sa.select(Person.id, Person.full_name, Organisation.short_name)
        .join(Organisation, Person.organisation_id == Organisation.id)
        .join(PersonRole, PersonRole.person_id == Person.id)
        .where(PersonRole.role == role)
        .order_by(Person.full_name)
    )
    query = permissions.scope(query, Person, user)
    return [(row.id, f"{row.full_name} ({row.short_name})") for row in db.session.execute(query)]


def pairing_organisations(organisation_id: int | None, program_id: int | None) -> set[int]:
    """Whose people a pairing may join: its organisation's, and every organisation of its network program."""
    found = {organisation_id} if organisation_id is not None else set()
    program = db.session.get(Program, program_id) if program_id else None
    if program is not None and organisation_id in program.organisation_ids:
        found |= program.organisation_ids
    return found


def persons_belong_to(person_ids: list[int], organisation_ids: int | set[int] | None) -> bool:
    if not person_ids:
        return True
    if not isinstance(organisation_ids, set):
        organisation_ids = {organisation_ids}
    found = db.session.scalars(sa.select(Person.organisation_id).where(Person.id.in_(person_ids))).all()
    return len(found) == len(set(person_ids)) and all(org in organisation_ids for org in found)


def mentor_may_serve(person_id: int, organisation_ids: int | set[int] | None) -> bool:
    """A mentor of the pairing's organisations (its own or its network program's), or an employer's person from a
    partner organisation."""
    if not isinstance(organisation_ids, set):
        organisation_ids = {organisation_ids}
    row = db.session.execute(
        sa.select(Person.organisation_id, Organisation.kind).join(Organisation, Person.organisation_id == Organisation.id)
        .where(Person.id == person_id)
    ).first()
    return row is not None and (row.organisation_id in organisation_ids or row.kind == OrganisationKind.PARTNER)


def program_belongs_to(program_id: int, organisation_id: int | None) -> bool:
    """The program is the organisation's own, or a network program it takes part in."""
    program = db.session.get(Program, program_id)
    return program is not None and organisation_id in program.organisation_ids


def news_of(organisation_id: int) -> list[tuple[int, str]]:
    """News of the organisation and of the municipality, newest first: evidence for an activity."""
    query = (sa.select(NewsItem.id, NewsItem.title)
             .where(sa.or_(NewsItem.organisation_id == organisation_id, NewsItem.organisation_id.is_(None)))
             .order_by(NewsItem.published_on.desc()).limit(200))
    return [(row.id, row.title) for row in db.session.execute(query)]


def cases_of(organisation_id: int) -> list[tuple[int, str]]:
    query = sa.select(Case.id, Case.title).where(Case.organisation_id == organisation_id).order_by(Case.title)
    return [(row.id, row.title) for row in db.session.execute(query)]


def cases_for(user) -> list[tuple[int, str]]:
    query = permissions.scope(sa.select(Case.id, Case.title), Case, user).order_by(Case.title)
    return [(row.id, row.title) for row in db.session.execute(query)]
