"""Network mentoring (сетевое наставничество): a pairing whose mentor and mentees come from different
organisations, within a program that spans them.

The curators of every side see the pairing and keep its journal; personal data is shown only of the people of
their own organisations: the other side's person appears as «Наставник из МБОУ «СОШ № 2»». The pairing itself
is changed by the curators of the organisation that recorded it (its order), and by editors.
"""
from __future__ import annotations

import functools
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from portal import permissions
from portal.models import Organisation, Pairing, Person, Role
from portal.models.registry import pairing_mentee


def sides(pairing: Pairing) -> set[int]:
    """The organisations a pairing involves: its own, its mentor's and its mentees'."""
    found = {pairing.organisation_id}
    if pairing.mentor is not None:
        found.add(pairing.mentor.organisation_id)
    found |= {mentee.organisation_id for mentee in pairing.mentees}
    return {org for org in found if org is not None}


def is_network(pairing: Pairing) -> bool:
    return len(sides(pairing)) > 1


def may_see(user, pairing: Pairing) -> bool:
    return permissions.may_see(user, pairing)


def shows_person(user, person: Person) -> bool:
    """May the user read this person's name and data? Staff always; a curator for their organisations."""
    return permissions.may_use_organisation(user, person.organisation_id)


# How a label reads, from plain values: the functions below, on ORM rows or on the rows of one query
# (`pairing_labels`), all end here, so a person and a pairing read the same on every page.

def named(shown: bool, full_name: str, organisation: str | None, role: Role) -> str:
    """The person's name if the reader may see it, else «Наставник из МБОУ «СОШ № 2»» (`organisation`: the
    person's organisation's short name, None if they have none)."""
    if shown:
        return full_name
    return f"{role.label} из {organisation if organisation is not None else 'другой организации'}"


def joined(mentor: str, mentees: Iterable[str]) -> str:
    """«Наставник → наставляемый, наставляемый»; the mentees alone for a pairing without a mentor."""
    listed = ", ".join(mentees)
    return f"{mentor} → {listed}" if mentor else listed


def _short_name(person: Person) -> str | None:
    return person.organisation.short_name if person.organisation is not None else None


def person_label(user, person: Person | None, role: Role) -> str:
    if person is None:
        return ""
    return named(shows_person(user, person), person.full_name, _short_name(person), role)


def mentees_label(user, pairing: Pairing) -> str:
    return ", ".join(person_label(user, mentee, Role.MENTEE) for mentee in pairing.mentees)


def pairing_label(user, pairing: Pairing) -> str:
    """The pairing as the user may read it: «Соколова М. П. → Наставляемый из МАОУ «Гимназия № 4»»."""
    return joined(person_label(user, pairing.mentor, Role.MENTOR), [
        person_label(user, mentee, Role.MENTEE) for mentee in pairing.mentees])


def pairing_labels(session: Session, user, pairing_ids: Iterable[int]) -> dict[int, str]:
    """`pairing_label` of many pairings from one query of plain rows (name, organisation, short name of each
    mentor and mentee), not from Pairing and Person objects: loading those with their loaders was a third of
    the dashboard's time for its 50 pairings. The mentees in the order of `Pairing.mentees` (by name)."""
    ids = sorted(set(pairing_ids))
    if not ids:
        return {}
    allowed = permissions.organisation_ids(user)  # once: not once per person, as `person_label` asks
    mentor_of: dict[int, str] = {}
    mentees_of: dict[int, list[str]] = {pairing_id: [] for pairing_id in ids}
    for row in session.execute(_people_of_pairings(session.get_bind().dialect.name), {"ids": ids}):
        shown = permissions.within(allowed, row.organisation_id)
        if row.is_mentor:
            mentor_of[row.pairing_id] = named(shown, row.full_name, row.short_name, Role.MENTOR)
        else:
            mentees_of[row.pairing_id].append(named(shown, row.full_name, row.short_name, Role.MENTEE))
    return {pairing_id: joined(mentor_of.get(pairing_id, ""), mentees_of[pairing_id]) for pairing_id in ids}


@functools.cache  # built once, run with the ids as a bind parameter: building it cost more than running it
def _people_of_pairings(dialect: str) -> sa.Select:
    person = (Person.full_name, Person.organisation_id, Organisation.short_name)
    mentors = (sa.select(Pairing.id.label("pairing_id"), sa.literal(True).label("is_mentor"), *person)
               .join(Person, Person.id == Pairing.mentor_id)
               .outerjoin(Organisation, Organisation.id == Person.organisation_id).where(_among(Pairing.id, dialect)))
    mentees = (sa.select(pairing_mentee.c.pairing_id, sa.literal(False).label("is_mentor"), *person)
               .join(Person, Person.id == pairing_mentee.c.person_id)
               .outerjoin(Organisation, Organisation.id == Person.organisation_id)
               .where(_among(pairing_mentee.c.pairing_id, dialect)))
    rows = sa.union_all(mentors, mentees).subquery()
    return sa.select(rows).order_by(rows.c.full_name)


def _among(column: sa.ColumnElement, dialect: str) -> sa.ColumnElement[bool]:
    """The column is one of the `ids`. On PostgreSQL one array parameter (`= ANY`): a list of 100 ids expanded
    twice into 200 parameters took 1.2 ms to plan, against 0.4 ms, and a new statement for each length."""
    if dialect == "postgresql":
        return column == sa.any_(sa.bindparam("ids", type_=ARRAY(sa.Integer)))
    return column.in_(sa.bindparam("ids", expanding=True))


def name_for(person: Person | None, organisation_ids: set[int] | None, role: Role) -> str:
    """The person's name for readers of these organisations (None: all of them), else «Наставник из …»."""
    if person is None:
        return ""
    return named(permissions.within(organisation_ids, person.organisation_id), person.full_name, _short_name(person),
                 role)


def label_for_organisation(pairing: Pairing, organisation_id: int | None) -> str:
    """The pairing as the curators of one organisation may read it (for texts stored once, like the search
    document of the pairing, which the curators of its own organisation find)."""
    only = {organisation_id}
    return joined(name_for(pairing.mentor, only, Role.MENTOR),
                  [name_for(mentee, only, Role.MENTEE) for mentee in pairing.mentees])
