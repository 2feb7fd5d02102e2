"""Contexts of the documents made from the registry: orders, plans, journals, consents. Each builder returns
(file name, context) pairs, or raises MissingData with what to fill in.

Minors' data: names appear where the minor is a party (the order fixing the pair, the plan, the journal, the
consent); the birth date only on the consent form of a minor, which needs it.
"""
from __future__ import annotations

import re
from itertools import groupby
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal.models import (
    Meeting, MeetingKind, Organisation, Pairing, Person, Program, PublicField, Roadmap, Role, Signatory,
)
from portal.monitoring import journals
from portal.registries import network
from portal.registries.consent import has_processing_consent

from .context import Missing, MissingData, check, long_date, name, need_head, person, requisites, ru_date

if TYPE_CHECKING:
    from .options import Options


def safe(text: str) -> str:
    return re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "-", text).strip() or "документ"


def common(organisation: Organisation, options: Options) -> dict:
    return {"организация": requisites(organisation), "сегодня": ru_date(options.today)}


def program_context(program: Program | None) -> dict:
    if program is None:
        return {"название": "", "форма": "", "начало": "", "окончание": "", "описание": ""}
    return {"название": program.title, "форма": program.mentoring_form.label, "начало": ru_date(program.starts_on),
            "окончание": ru_date(program.ends_on), "описание": program.description_md.strip()}


def pairing_label(pairing: Pairing, options: Options) -> str:
    mentees = ", ".join(name(m, options.reader, Role.MENTEE) for m in pairing.mentees)
    return f"{name(pairing.mentor, options.reader, Role.MENTOR)} → {mentees}"


def _readable(pairing: Pairing, options: Options) -> bool:
    return options.reader is None or bool(network.sides(pairing) & options.reader)


# ---- pairing_order ---------------------------------------------------------------------------------------
def pairing_order(session: Session, obj: Program | Pairing, options: Options) -> list[tuple[str, dict]]:
    """From a pairing: the order it was fixed by, with every pairing of that order. From a program: its
    pairings (or the chosen ones), one document per order."""
    if isinstance(obj, Pairing):
        pairings = [obj]
        if obj.order_number and obj.order_date:
            pairings = list(session.scalars(sa.select(Pairing).where(
                Pairing.organisation_id == obj.organisation_id, Pairing.order_number == obj.order_number,
                Pairing.order_date == obj.order_date).order_by(Pairing.id)))
        organisation = obj.organisation
    else:
        query = sa.select(Pairing).where(Pairing.program_id == obj.id)
        if options.pairings is not None:
            query = query.where(Pairing.id.in_(options.pairings or {-1}))
        pairings = list(session.scalars(query.order_by(Pairing.order_date, Pairing.order_number, Pairing.id)))
        organisation = obj.organisation
        if not pairings:
            raise MissingData([Missing(f"В программе «{obj.title}» нет наставнических пар", "admin.pairings_new")])
    pairings = [p for p in pairings if _readable(p, options)]
    if not pairings:
        raise MissingData([Missing("Нет наставнических пар для приказа", "admin.pairings_new")])
    missing = need_head(organisation)
    for pairing in pairings:
        if not pairing.order_number.strip() or pairing.order_date is None:
            what = "номера и даты" if not pairing.order_number.strip() and pairing.order_date is None else \
                "номера" if not pairing.order_number.strip() else "даты"
            missing.append(Missing(f"Пара «{pairing_label(pairing, options)}»: нет {what} приказа о закреплении",
                                   "admin.pairings_edit", {"id": pairing.id}))
    check(missing)
    made = []
    key = lambda p: (p.order_date, p.order_number)  # noqa: E731
    for (order_date, number), group in groupby(sorted(pairings, key=key), key=key):
        rows = list(group)
        programs = {p.program_id for p in rows}
        program = rows[0].program if len(programs) == 1 else None
        context = {
            **common(organisation, options),
            "приказ": {"номер": number, "дата": ru_date(order_date), "дата_прописью": long_date(order_date)},
            "программа": program_context(program),
            "пары": [{
                "номер": str(index),
                "наставник": name(p.mentor, options.reader, Role.MENTOR),
                "должность_наставника": person(p.mentor, options.reader, Role.MENTOR)["должность"],
                "наставляемые": ", ".join(name(m, options.reader, Role.MENTEE) for m in p.mentees),
                "форма": p.mentoring_form.label,
                "программа": p.program.title if p.program else "",
                "начало": ru_date(p.starts_on), "окончание": ru_date(p.ends_on),
            } for index, p in enumerate(rows, start=1)],
            "куратор": "",
        }
        made.append((safe(f"Приказ о закреплении пар № {number} от {ru_date(order_date)}"), context))
    return made


# ---- program_order ---------------------------------------------------------------------------------------
def roadmap_of(session: Session, program: Program) -> Roadmap | None:
    """The organisation's roadmap of the program's year, else its newest."""
    roadmaps = list(session.scalars(sa.select(Roadmap).where(Roadmap.organisation_id == program.organisation_id)))
    year = program.starts_on.year if program.starts_on else None
    roadmaps.sort(key=lambda r: (r.year == year, r.year or 0, r.id), reverse=True)
    return roadmaps[0] if roadmaps else None


def program_order(session: Session, program: Program, options: Options) -> list[tuple[str, dict]]:
    roadmap = roadmap_of(session, program)
    missing = need_head(program.organisation)
    if roadmap is None:
        missing.append(Missing(f"У организации {program.organisation.short_name} нет дорожной карты",
                               "admin.roadmaps_new"))
    if program.starts_on is None:
        missing.append(Missing(f"Программа «{program.title}»: не указана дата начала", "admin.programs_edit",
                               {"id": program.id}))
    check(missing)
    activities = [{"этап": f"{stage.number} {stage.title}".strip(), "номер": activity.number,
                   "название": activity.title, "сроки": activity.deadline_text,
                   "ответственные": activity.responsible, "результат": activity.expected_result}
                  for stage in roadmap.stages for activity in stage.activities]
    context = {**common(program.organisation, options), "программа": program_context(program),
               "дорожная_карта": {"название": roadmap.title, "период": roadmap.period}, "мероприятия": activities}
    return [(safe(f"Приказ об утверждении программы «{program.title}»"), context)]


# ---- development_plan and mentor_journal -----------------------------------------------------------------
def pair_header(pairing: Pairing, options: Options) -> dict:
    mentees = [person(m, options.reader, Role.MENTEE) for m in pairing.mentees]
    return {
        **common(pairing.organisation, options),
        "программа": program_context(pairing.program),
        "пара": {"форма": pairing.mentoring_form.label, "начало": ru_date(pairing.starts_on),
                 "окончание": ru_date(pairing.ends_on), "приказ_номер": pairing.order_number,
                 "приказ_дата": ru_date(pairing.order_date)},
        "наставник": person(pairing.mentor, options.reader, Role.MENTOR),
        "наставляемые": mentees,
        "наставляемые_фио": ", ".join(m["фио"] for m in mentees),
    }


def development_plan(session: Session, pairing: Pairing, options: Options) -> list[tuple[str, dict]]:
    goals = journals.goals_of(session, pairing.id)
    if not goals:
        raise MissingData([Missing(f"Пара «{pairing_label(pairing, options)}»: в плане развития нет ни одной цели",
                                   "admin.goal_new", {"pairing_id": pairing.id})])
    context = {**pair_header(pairing, options),
               "цели": [{"номер": str(index), "цель": goal.title, "срок": ru_date(goal.deadline),
                         "отметка": "выполнено" if goal.done else "в работе"}
                        for index, goal in enumerate(goals, start=1)],
               "итоги": pairing.result}
    return [(safe(f"Индивидуальный план развития — пара {pairing.id}"), context)]


def mentor_journal(session: Session, pairing: Pairing, options: Options) -> list[tuple[str, dict]]:
    query = sa.select(Meeting).where(Meeting.pairing_id == pairing.id)
    period = options.period
    if period is not None:
        query = query.where(Meeting.held_on.between(period.start, period.end))
    meetings = list(session.scalars(query.order_by(Meeting.held_on, Meeting.id)))
    if not meetings:
        during = f" за период {period.label()}" if period else ""
        raise MissingData([Missing(f"Пара «{pairing_label(pairing, options)}»: в журнале нет встреч{during}",
                                   "admin.meeting_new", {"pairing_id": pairing.id})])
    context = {**pair_header(pairing, options),
               "период": {"начало": ru_date(period.start) if period else ru_date(meetings[0].held_on),
                          "окончание": ru_date(period.end) if period else ru_date(meetings[-1].held_on),
                          "описание": period.label() if period else
                          f"{ru_date(meetings[0].held_on)}–{ru_date(meetings[-1].held_on)}"},
               "встречи": [{"номер": str(index), "дата": ru_date(m.held_on), "вид": MeetingKind(m.kind).label,
                            "содержание": m.notes} for index, m in enumerate(meetings, start=1)],
               "встреч_всего": str(len(meetings))}
    return [(safe(f"Журнал наставника — пара {pairing.id}"), context)]


# ---- consent -----------------------------------------------------------------------------------------------
def _representative(subject: Person) -> str:
    signed = [c for c in subject.consents if c.signed_by == Signatory.REPRESENTATIVE and c.representative_name]
    return signed[-1].representative_name if signed else ""


def _consent_missing(subject: Person) -> list[Missing]:
    if subject.is_minor and subject.birth_date is None:
        return [Missing(f"{subject.full_name}: не указана дата рождения (нужна для согласия несовершеннолетнего)",
                        "admin.persons_edit", {"id": subject.id})]
    return []


def _consent_context(subject: Person, options: Options) -> dict:
    return {
        **common(subject.organisation, options),
        "субъект": {"фио": subject.full_name, "дата_рождения": ru_date(subject.birth_date) if subject.is_minor
                    else "", "должность": subject.position},
        "несовершеннолетний": subject.is_minor,
        "представитель": _representative(subject) if subject.is_minor else "",
        # Contacts are never publishable (portal/registries/consent.py); a minor's name never is either.
        "публикуемые_данные": [{"название": field.label} for field in PublicField],
    }


def consent(session: Session, obj: Person | Program, options: Options) -> list[tuple[str, dict]]:
    """A person's form; for a program, the forms of its people (of the reader's organisations) who have no
    valid consent to processing."""
    if isinstance(obj, Person):
        check(_consent_missing(obj))
        return [(safe(f"Согласие на обработку ПДн — {obj.full_name}"), _consent_context(obj, options))]
    people: dict[int, Person] = {}
    for pairing in session.scalars(sa.select(Pairing).where(Pairing.program_id == obj.id).order_by(Pairing.id)):
        for member in [pairing.mentor, *pairing.mentees]:
            if options.reader is None or member.organisation_id in options.reader:
                people.setdefault(member.id, member)
    unsigned = sorted((p for p in people.values() if not has_processing_consent(p, options.now)),
                      key=lambda p: p.full_name)
    if not unsigned:
        raise MissingData([Missing(f"У всех участников программы «{obj.title}» есть согласие на обработку "
                                   "персональных данных: бланки не нужны")])
    check([item for subject in unsigned for item in _consent_missing(subject)])
    return [(safe(f"Согласие на обработку ПДн — {p.full_name}"), _consent_context(p, options)) for p in unsigned]


