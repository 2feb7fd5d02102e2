"""What of monitoring the public site may show: plain data, no Flask, no personal data.

- `public_questionnaire_results`: aggregates of questionnaires whose results the curator chose to publish and
  that have at least `min_responses` responses; a question answered by fewer people than that shows no
  distribution either; free-text answers never leave the admin;
- `public_indicators`: the indicators of the period, from published roadmaps only, with satisfaction only where
  enough people answered;
- `best_mentors`: the year's best mentors, each only with the fields their consent allows (never a minor, never
  contacts), through portal/registries/consent.py.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload

from portal.models import MentorAward, Person, QuestionKind, Questionnaire, Role
from portal.registries.consent import PublicPerson, public_person

from .indicators import Indicators, Period, compute
from .questionnaires import response_counts
from .results import question_results


@dataclass(frozen=True)
class PublicQuestion:
    text: str
    kind: str  # QuestionKind value: scale5, scale10, single, multiple (never text)
    kind_label: str
    answered: int
    mean: float | None  # scales only
    scale_max: int | None
    distribution: list[tuple[str, int]]  # empty when fewer than min_responses answered this question


@dataclass(frozen=True)
class PublicResults:
    key: str  # stable anchor for the page: «q12»
    title: str
    organisation: str | None  # short name; None for a municipal questionnaire
    organisation_slug: str | None
    program: str | None
    stage_label: str
    audience_label: str
    opens_on: date | None
    closes_on: date | None
    responses: int
    questions: list[PublicQuestion]


def public_questionnaire_results(session: Session, min_responses: int) -> list[PublicResults]:
    """Aggregates of the questionnaires with published results and at least `min_responses` responses,
    newest first. Pass the setting PUBLIC_RESULTS_MIN_RESPONSES."""
    min_responses = max(int(min_responses), 1)
    questionnaires = list(session.scalars(
        sa.select(Questionnaire).where(Questionnaire.publish_results.is_(True))
        .options(joinedload(Questionnaire.organisation), joinedload(Questionnaire.program))
        .order_by(Questionnaire.closes_on.desc().nulls_last(), Questionnaire.id.desc())))
    counts = response_counts(session, [q.id for q in questionnaires])
    found = []
    for questionnaire in questionnaires:
        responses = counts.get(questionnaire.id, 0)
        if responses < min_responses:
            continue
        questions = [q for q in questionnaire.questions if q.kind != QuestionKind.TEXT]
        results = question_results(session, questions, include_texts=False)
        found.append(PublicResults(
            key=f"q{questionnaire.id}", title=questionnaire.title,
            organisation=questionnaire.organisation.short_name if questionnaire.organisation else None,
            organisation_slug=questionnaire.organisation.slug if questionnaire.organisation else None,
            program=questionnaire.program.title if questionnaire.program else None,
            stage_label=questionnaire.stage.label, audience_label=questionnaire.audience.label,
            opens_on=questionnaire.opens_on, closes_on=questionnaire.closes_on, responses=responses,
            questions=[PublicQuestion(r.text, r.kind.value, r.kind.label, r.answered,
                                      r.mean if r.answered >= min_responses else None, r.scale_max,
                                      r.distribution if r.answered >= min_responses else [])
                       for r in results]))
    return found


def public_indicators(session: Session, period: Period | None, today: date, now: datetime,
                      min_responses: int) -> Indicators:
    """The indicators for the site: every organisation and the total, published roadmaps only; satisfaction
    only from at least `min_responses` responses. `period` None: the current school year."""
    return compute(session, period or Period.school_year(today), today, now, public_only=True,
                   min_responses=max(int(min_responses), 1))


@dataclass(frozen=True)
class BestMentor:
    person: PublicPerson  # only the consented fields
    year: int
    title: str  # «Лучший наставник года»


def best_mentors(session: Session, year: int, now: datetime) -> list[BestMentor]:
    """The mentors named best of `year` whose consent allows their name on the site now. A consent withdrawn
    after the award takes them off at the next build; a minor is never listed (consent.public_person)."""
    awards = session.scalars(
        sa.select(MentorAward).join(Person, Person.id == MentorAward.person_id).where(MentorAward.year == year)
        .options(joinedload(MentorAward.person).joinedload(Person.organisation)).order_by(Person.full_name))
    found = []
    for award in awards:
        if Role.MENTOR not in award.person.roles:
            continue
        shown = public_person(award.person, now)
        if shown is not None:
            found.append(BestMentor(shown, award.year, award.title))
    return found


def award_years(session: Session) -> list[int]:
    """Years with at least one award, newest first (for the site's list of years)."""
    return list(session.scalars(sa.select(MentorAward.year).distinct().order_by(MentorAward.year.desc())))
