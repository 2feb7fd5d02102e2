"""The curator's report for a period (figures only: no person is named) and the letter of thanks."""
from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from portal.models import Meeting, Organisation, OrganisationKind, Pairing, Person, PlanGoal, Program, Role, Roadmap, Stage
from portal.monitoring import indicators
from portal.monitoring.recognition import letter_data
from portal.roadmaps.progress import progress

from .builders import common, safe
from .context import Missing, MissingData, ru_date

if TYPE_CHECKING:
    from .options import Options


def _number(value) -> str:
    if value is None:
        return "—"
    return f"{value:.1f}".replace(".", ",") if isinstance(value, float) else str(value)


def curator_report(session: Session, organisation: Organisation, options: Options) -> list[tuple[str, dict]]:
    """The organisation's figures for the period; the education department's report covers the municipality."""
    period = options.period or indicators.Period.school_year(options.today)
    municipal = organisation.kind == OrganisationKind.DEPARTMENT
    found = indicators.compute(session, period, options.today, options.now,
                               organisation_ids=None if municipal else {organisation.id})
    figures = found.total if municipal else next(
        (row for row in found.rows if row.organisation_id == organisation.id), None)
    if figures is None:
        figures = indicators.Figures(organisation.id, organisation.short_name)
    scope = None if municipal else {organisation.id}
    programs = _programs(session, scope, period)
    roadmaps = _roadmaps(session, scope, period, options)
    if not figures.pairings and not programs and not roadmaps:
        raise MissingData([Missing(f"{organisation.short_name}: за период {period.label()} нет ни пар, ни программ, "
                                   "ни дорожной карты — отчитываться не о чем", "admin.programs_new")])
    context = {
        **common(organisation, options),
        "период": {"начало": ru_date(period.start), "окончание": ru_date(period.end), "описание": period.label()},
        "показатели": {"наставников": _number(figures.mentors), "наставляемых": _number(figures.mentees),
                       "пар": _number(figures.pairings), "доля_обучающихся": _number(figures.pupils_share),
                       "доля_педагогов": _number(figures.teachers_share),
                       "удовлетворённость": _number(figures.satisfaction),
                       "кейсов": _number(figures.cases_published), "дорожная_карта": _number(figures.roadmap_percent)},
        "формы": [{"название": form.label, "наставников": str(m), "наставляемых": str(e), "пар": str(p)}
                  for form, (m, e, p) in figures.by_form.items()],
        "программы": programs,
        "дорожные_карты": roadmaps,
    }
    return [(safe(f"Отчёт куратора — {organisation.short_name} — {period.label()}"), context)]


def _programs(session: Session, scope: set[int] | None, period: indicators.Period) -> list[dict]:
    query = sa.select(Program).order_by(Program.title, Program.id)
    if scope is not None:
        query = query.where(Program.organisation_id.in_(scope))
    rows = []
    for program in session.scalars(query):
        pairings = [p for p in session.scalars(sa.select(Pairing).where(Pairing.program_id == program.id))
                    if indicators.in_period(p, period)]
        ids = [p.id for p in pairings] or [-1]
        meetings = session.scalar(sa.select(sa.func.count()).select_from(Meeting).where(
            Meeting.pairing_id.in_(ids), Meeting.held_on.between(period.start, period.end)))
        goals = session.execute(sa.select(sa.func.count(), sa.func.count().filter(PlanGoal.done.is_(True)))
                                .where(PlanGoal.pairing_id.in_(ids))).one()
        rows.append({"название": program.title, "пар": str(len(pairings)), "встреч": str(meetings),
                     "целей": str(goals[0]), "выполнено": str(goals[1])})
    return rows


def _roadmaps(session: Session, scope: set[int] | None, period: indicators.Period, options: Options) -> list[dict]:
    query = (sa.select(Roadmap).where(sa.or_(Roadmap.year.is_(None),
                                             Roadmap.year.between(period.start.year, period.end.year)))
             .options(selectinload(Roadmap.stages).selectinload(Stage.activities)).order_by(Roadmap.title))
    if scope is not None:
        query = query.where(Roadmap.organisation_id.in_(scope))
    rows = []
    for roadmap in session.scalars(query):
        figures = progress(roadmap, min(options.today, period.end))
        rows.append({"название": roadmap.title, "всего": str(figures.total), "выполнено": str(figures.done),
                     "просрочено": str(figures.overdue), "процент": str(figures.percent)})
    return rows


def thank_you_letter(session: Session, mentor: Person, options: Options) -> list[tuple[str, dict]]:
    """The letter of thanks: the old placeholders ({ФИО} → {{ ФИО }}) and the organisation's requisites."""
    if Role.MENTOR not in mentor.roles:
        raise MissingData([Missing(f"{mentor.full_name}: письмо пишется наставнику, а у участника нет роли "
                                   "«наставник»", "admin.persons_edit", {"id": mentor.id})])
    organisation = mentor.organisation
    signatory = options.signatory or " ".join(part for part in (organisation.head_position, organisation.head_name)
                                              if part)
    if not signatory:
        raise MissingData([Missing(f"{organisation.short_name}: не указан руководитель, который подписывает письмо",
                                   "admin.organisations_edit", {"id": organisation.id})])
    year = options.year or options.today.year
    values = letter_data(session, mentor, year, signatory).values()
    context = {**common(organisation, options), **{key.strip("{}"): value for key, value in values.items()}}
    return [(safe(f"Благодарственное письмо — {mentor.full_name}"), context)]


__all__ = ["curator_report", "thank_you_letter"]
