"""Recognition of mentors: the year's best (a public honour, so only with a consent to publish the name) and
the data of their letters of thanks."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal.models import MentorAward, Pairing, Person, Program, PublicField, Role
from portal.registries.consent import may_publish

from .letters import LetterData


def award_refusal(person: Person, now: datetime) -> str:
    """Why the person may not be named one of the year's best, in Russian; "" when they may."""
    if Role.MENTOR not in person.roles:
        return "Лучшим наставником можно отметить только участника с ролью «наставник»."
    if person.is_minor:
        return ("Несовершеннолетнего наставника нельзя отметить публично: его имя не публикуется на сайте. "
                "Поблагодарите его письмом.")
    if not may_publish(person, PublicField.FULL_NAME, now):
        return ("Нельзя: нет действующего согласия на распространение персональных данных, разрешающего "
                "публиковать ФИО. Звание «Лучший наставник» публикуется на сайте — сначала добавьте согласие.")
    return ""


def give_award(session: Session, person: Person, year: int, title: str, now: datetime) -> MentorAward:
    """Name the mentor one of the year's best; ValueError with the reason (in Russian) when not allowed."""
    reason = award_refusal(person, now)
    if reason:
        raise ValueError(reason)
    existing = session.scalar(sa.select(MentorAward).where(MentorAward.person_id == person.id,
                                                           MentorAward.year == year))
    if existing is not None:
        raise ValueError(f"{person.full_name} уже отмечен(а) как лучший наставник {year} года.")
    award = MentorAward(person_id=person.id, year=year, title=title.strip() or "Лучший наставник года")
    session.add(award)
    return award


def mentor_programs(session: Session, person: Person, year: int) -> tuple[str, ...]:
    """Titles of the programs the mentor's pairings of that calendar year belong to."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    started = sa.func.coalesce(Pairing.starts_on, Pairing.order_date)
    query = (sa.select(Program.title).join(Pairing, Pairing.program_id == Program.id)
             .where(Pairing.mentor_id == person.id, sa.or_(started.is_(None), started <= last),
                    sa.or_(Pairing.ends_on.is_(None), Pairing.ends_on >= first))
             .distinct().order_by(Program.title))
    return tuple(session.scalars(query))


def letter_data(session: Session, person: Person, year: int, signatory: str) -> LetterData:
    organisation = person.organisation.short_name if person.organisation else ""
    return LetterData(person.full_name, organisation, mentor_programs(session, person, year), year, signatory)
