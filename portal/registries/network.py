"""Network mentoring (сетевое наставничество): a pairing whose mentor and mentees come from different
organisations, within a program that spans them.

The curators of every side see the pairing and keep its journal; personal data is shown only of the people of
their own organisations: the other side's person appears as «Наставник из МБОУ «СОШ № 2»». The pairing itself
is changed by the curators of the organisation that recorded it (its order), and by editors.
"""
from __future__ import annotations

from portal import permissions
from portal.models import Pairing, Person, Role


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


def person_label(user, person: Person | None, role: Role) -> str:
    if person is None:
        return ""
    if shows_person(user, person):
        return person.full_name
    organisation = person.organisation.short_name if person.organisation is not None else "другой организации"
    return f"{role.label} из {organisation}"


def mentees_label(user, pairing: Pairing) -> str:
    return ", ".join(person_label(user, mentee, Role.MENTEE) for mentee in pairing.mentees)


def pairing_label(user, pairing: Pairing) -> str:
    """The pairing as the user may read it: «Соколова М. П. → Наставляемый из МАОУ «Гимназия № 4»»."""
    mentor = person_label(user, pairing.mentor, Role.MENTOR)
    mentees = mentees_label(user, pairing)
    return f"{mentor} → {mentees}" if mentor else mentees


def name_for(person: Person | None, organisation_ids: set[int] | None, role: Role) -> str:
    """The person's name for readers of these organisations (None: all of them), else «Наставник из …»."""
    if person is None:
        return ""
    if organisation_ids is None or person.organisation_id in organisation_ids:
        return person.full_name
    return f"{role.label} из {person.organisation.short_name if person.organisation else 'другой организации'}"


def label_for_organisation(pairing: Pairing, organisation_id: int | None) -> str:
    """The pairing as the curators of one organisation may read it (for texts stored once, like the search
    document of the pairing, which the curators of its own organisation find)."""
    only = {organisation_id}
    mentees = ", ".join(name_for(mentee, only, Role.MENTEE) for mentee in pairing.mentees)
    mentor = name_for(pairing.mentor, only, Role.MENTOR)
    return f"{mentor} → {mentees}" if mentor else mentees
