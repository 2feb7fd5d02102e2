"""The registry as matching sees it: a mentee's need, the mentors a user may pair them with, and the pairing made
by one click. Ranking itself is in matching.py (pure)."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from portal import audit, permissions
from portal.extensions import db
from portal.models import Pairing, PairingStatus, Person, PersonRole, Program, Role, User
from portal.models.registry import pairing_mentee, program_organisation

from .matching import Candidate, Need, Suggestion, rank
from .tags import parse_tags


def person_tags(person: Person) -> tuple[str, ...]:
    """Tags, or for people recorded before tags existed, their free-text competences cut at commas."""
    return tuple(parse_tags(person.tags or person.competencies))


def partners_of(organisation_id: int) -> set[int]:
    """Organisations that share a program with this one (network mentoring), either as lead or partner."""
    programs = sa.select(Program.id).where(sa.or_(
        Program.organisation_id == organisation_id,
        Program.id.in_(sa.select(program_organisation.c.program_id)
                       .where(program_organisation.c.organisation_id == organisation_id))))
    leads = set(db.session.scalars(sa.select(Program.organisation_id).where(Program.id.in_(programs))))
    others = set(db.session.scalars(sa.select(program_organisation.c.organisation_id)
                                    .where(program_organisation.c.program_id.in_(programs))))
    return (leads | others) - {organisation_id}


def need_of(mentee: Person) -> Need:
    return Need(form=mentee.mentoring_form, tags=person_tags(mentee), organisation_id=mentee.organisation_id,
                partner_ids=frozenset(partners_of(mentee.organisation_id)))


def loads(mentor_ids: list[int]) -> dict[int, int]:
    """Mentees in each mentor's active pairings."""
    if not mentor_ids:
        return {}
    rows = db.session.execute(
        sa.select(Pairing.mentor_id, sa.func.count(pairing_mentee.c.person_id))
        .join(pairing_mentee, pairing_mentee.c.pairing_id == Pairing.id)
        .where(Pairing.mentor_id.in_(mentor_ids), Pairing.status == PairingStatus.ACTIVE)
        .group_by(Pairing.mentor_id))
    return {mentor_id: count for mentor_id, count in rows}


def candidates(user: User, need: Need, exclude: int | None = None) -> list[Candidate]:
    """Mentors of the mentee's organisation and its partners that the user may work with."""
    wanted = {need.organisation_id, *need.partner_ids}
    allowed = permissions.organisation_ids(user)
    if allowed is not None:
        wanted &= allowed
    mentors = list(db.session.scalars(
        sa.select(Person).join(PersonRole, PersonRole.person_id == Person.id)
        .where(PersonRole.role == Role.MENTOR, Person.organisation_id.in_(wanted or {-1}))
        .where(Person.id != (exclude or -1))))
    load = loads([m.id for m in mentors])
    return [Candidate(mentor_id=m.id, name=m.full_name, organisation_id=m.organisation_id,
                      organisation=m.organisation.short_name, form=m.mentoring_form, tags=person_tags(m),
                      capacity=max(1, m.capacity or 1), load=load.get(m.id, 0)) for m in mentors]


def suggestions_for(user: User, mentee: Person, limit: int | None = 10) -> list[Suggestion]:
    need = need_of(mentee)
    return rank(need, candidates(user, need, exclude=mentee.id), limit)


def is_paired(mentee: Person) -> bool:
    return bool(db.session.scalar(
        sa.select(sa.func.count()).select_from(pairing_mentee).join(Pairing, Pairing.id == pairing_mentee.c.pairing_id)
        .where(pairing_mentee.c.person_id == mentee.id, Pairing.status == PairingStatus.ACTIVE)))


def unpaired_mentees(program: Program) -> list[Person]:
    """Mentees of the program's organisations (its form, or none stated) without an active pairing."""
    paired = (sa.select(pairing_mentee.c.person_id).join(Pairing, Pairing.id == pairing_mentee.c.pairing_id)
              .where(Pairing.status == PairingStatus.ACTIVE))
    return list(db.session.scalars(
        sa.select(Person).join(PersonRole, PersonRole.person_id == Person.id)
        .where(PersonRole.role == Role.MENTEE, Person.organisation_id.in_(program.organisation_ids))
        .where(sa.or_(Person.mentoring_form == program.mentoring_form, Person.mentoring_form.is_(None)))
        .where(Person.id.not_in(paired)).order_by(Person.full_name)))


def pair(mentee: Person, mentor: Person, program: Program | None, user: User, now: datetime) -> Pairing:
    """The pairing of one click: active from today; its order number and date are filled in on its page."""
    form = mentee.mentoring_form or mentor.mentoring_form or (program.mentoring_form if program else None)
    pairing = Pairing(organisation_id=program.organisation_id if program else mentee.organisation_id,
                      program=program, mentor=mentor, mentees=[mentee], mentoring_form=form,
                      status=PairingStatus.ACTIVE, starts_on=now.date())
    db.session.add(pairing)
    db.session.flush()
    audit.record("create", pairing, user=user, details="по подбору наставника")
    return pairing
