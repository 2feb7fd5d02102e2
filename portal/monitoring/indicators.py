"""Indicators of the target model for a period, per organisation and for the whole municipality.

The figures regional and federal monitoring asks for: mentors, mentees and pairings (by mentoring form), the
shares of pupils and of teachers involved, the participants' mean satisfaction, cases published and the roadmap's
progress. Definitions (the admin page and the exports say the same):

- a pairing counts in the period when its dates overlap it: from its start (else order date, else when it was
  recorded) to its end (open if none);
- a mentor or mentee counts for the organisation they belong to, once however many pairings they are in; a
  network pairing counts for every organisation it involves, and once in the municipality's total;
- pupils involved are mentors and mentees of the categories «обучающийся» and «студент»; teachers — «педагог»;
  a share is of the organisation's `pupils_count` / `teachers_count`, and the total's share only over
  organisations that gave that number;
- satisfaction is the mean of the scale answers of the satisfaction questionnaires (ready-made templates)
  answered in the period, on a 10-point scale;
- cases published are public cases whose publication date (else creation) falls in the period;
- roadmap progress is done activities of all activities (cancelled ones left out) of the roadmaps of the period's
  years, as of the period's end or today, whichever is earlier.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from portal.models.registry import pairing_mentee

from portal.models import (
    Answer,
    Case,
    MentoringForm,
    Organisation,
    OrganisationCluster,
    OrganisationKind,
    Pairing,
    Person,
    PersonCategory,
    Question,
    QuestionKind,
    Questionnaire,
    QuestionnaireResponse,
    Roadmap,
    Stage,
)
from portal.roadmaps.progress import progress

from .questionnaires import SATISFACTION_TEMPLATES
from .results import satisfaction_mean

PUPILS = (PersonCategory.PUPIL, PersonCategory.STUDENT)
TEACHERS = (PersonCategory.TEACHER,)
# Organisations listed even without any pairing; the department and partners only when they take part.
LISTED_KINDS = (OrganisationKind.SCHOOL, OrganisationKind.KINDERGARTEN, OrganisationKind.MUSIC_SCHOOL,
                OrganisationKind.COLLEGE)


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive

    @classmethod
    def school_year(cls, today: date) -> "Period":
        """1 September – 31 August of the school year `today` is in."""
        first = today.year if today.month >= 9 else today.year - 1
        return cls(date(first, 9, 1), date(first + 1, 8, 31))

    def label(self) -> str:
        return f"{self.start:%d.%m.%Y}–{self.end:%d.%m.%Y}"


def share(part: int, whole: int | None) -> float | None:
    """Percent to 0.1, or None when the whole is unknown or zero."""
    return round(100 * part / whole, 1) if whole else None


@dataclass
class Figures:
    """The indicators of one organisation, or of the municipality (organisation_id None)."""

    organisation_id: int | None
    name: str
    cluster: OrganisationCluster | None = None
    mentors: int = 0
    mentees: int = 0
    pairings: int = 0
    by_form: dict[MentoringForm, tuple[int, int, int]] = field(default_factory=dict)  # (mentors, mentees, pairings)
    pupils_involved: int = 0
    pupils_count: int | None = None
    teachers_involved: int = 0
    teachers_count: int | None = None
    satisfaction: float | None = None  # out of 10
    satisfaction_answers: int = 0
    satisfaction_responses: int = 0
    cases_published: int = 0
    activities_done: int = 0
    activities_total: int = 0

    @property
    def pupils_share(self) -> float | None:
        return share(self.pupils_involved, self.pupils_count)

    @property
    def teachers_share(self) -> float | None:
        return share(self.teachers_involved, self.teachers_count)

    @property
    def roadmap_percent(self) -> int | None:
        return round(100 * self.activities_done / self.activities_total) if self.activities_total else None


@dataclass
class Indicators:
    period: Period
    rows: list[Figures]
    total: Figures
    forms: list[MentoringForm]  # the forms that occur, in the vocabulary's order


def _started(pairing: Pairing) -> date:
    return pairing.starts_on or pairing.order_date or pairing.created_at.date()


def in_period(pairing: Pairing, period: Period) -> bool:
    return _started(pairing) <= period.end and (pairing.ends_on is None or pairing.ends_on >= period.start)


def _pairings(session: Session):
    """Every pairing (a row with the columns in_period reads) with its mentor and mentees as rows of what a tally
    needs of a person (id, organisation_id, category).

    Plain rows, not ORM objects: a region's 6 000 pairings of 20 000 people took 3 s of every site build as
    objects, a tenth of that as rows.
    """
    people = {row.id: row for row in session.execute(sa.select(Person.id, Person.organisation_id, Person.category))}
    mentees: dict[int, list[sa.Row]] = defaultdict(list)
    for pairing_id, person_id in session.execute(sa.select(pairing_mentee.c.pairing_id, pairing_mentee.c.person_id)):
        mentees[pairing_id].append(people[person_id])
    columns = (Pairing.id, Pairing.organisation_id, Pairing.mentor_id, Pairing.mentoring_form, Pairing.starts_on,
               Pairing.order_date, Pairing.created_at, Pairing.ends_on)
    for row in session.execute(sa.select(*columns).order_by(Pairing.id)):
        yield row, people[row.mentor_id], mentees[row.id]


class _Tally:
    """Distinct people and pairings of one organisation (or of the municipality)."""

    def __init__(self) -> None:
        self.mentors: dict[MentoringForm | None, set[int]] = defaultdict(set)
        self.mentees: dict[MentoringForm | None, set[int]] = defaultdict(set)
        self.pairings: dict[MentoringForm | None, set[int]] = defaultdict(set)
        self.pupils: set[int] = set()
        self.teachers: set[int] = set()

    def person(self, person, role: str, form: MentoringForm) -> None:
        group = self.mentors if role == "mentor" else self.mentees
        group[form].add(person.id)
        group[None].add(person.id)
        if person.category in PUPILS:
            self.pupils.add(person.id)
        elif person.category in TEACHERS:
            self.teachers.add(person.id)

    def pairing(self, pairing: Pairing) -> None:
        self.pairings[pairing.mentoring_form].add(pairing.id)
        self.pairings[None].add(pairing.id)

    def fill(self, figures: Figures) -> None:
        figures.mentors, figures.mentees = len(self.mentors[None]), len(self.mentees[None])
        figures.pairings = len(self.pairings[None])
        figures.by_form = {form: (len(self.mentors[form]), len(self.mentees[form]), len(self.pairings[form]))
                           for form in MentoringForm if self.pairings.get(form)}
        figures.pupils_involved, figures.teachers_involved = len(self.pupils), len(self.teachers)


def compute(session: Session, period: Period, today: date, now: datetime, *,
            organisation_ids: set[int] | None = None, cluster: OrganisationCluster | None = None,
            public_only: bool = False, min_responses: int = 1) -> Indicators:
    """The indicators of the organisations (None: all) of the cluster, and the municipality's total over every
    organisation of the cluster. `public_only`: published roadmaps only and satisfaction only from at least
    `min_responses` responses (so that no single answer can be read back from the public figures)."""
    query = sa.select(Organisation).order_by(Organisation.short_name)
    if cluster is not None:
        query = query.where(Organisation.cluster == cluster)
    organisations = list(session.scalars(query))
    in_scope = {org.id for org in organisations}
    tallies: dict[int, _Tally] = defaultdict(_Tally)
    total = _Tally()
    for pairing, mentor, mentees in _pairings(session):
        if not in_period(pairing, period):
            continue
        people = [(mentor, "mentor")] + [(mentee, "mentee") for mentee in mentees]
        sides = {pairing.organisation_id} | {person.organisation_id for person, _role in people}
        if not sides & in_scope:
            continue
        total.pairing(pairing)
        for org in sides & in_scope:
            tallies[org].pairing(pairing)
        for person, role in people:
            if person.organisation_id in in_scope:
                tallies[person.organisation_id].person(person, role, pairing.mentoring_form)
                total.person(person, role, pairing.mentoring_form)

    satisfaction = _satisfaction(session, period, in_scope, include_municipal=cluster is None)
    cases = _cases(session, period, now)
    roadmaps = _roadmaps(session, period, min(today, period.end), now if public_only else None)

    rows: list[Figures] = []
    for org in organisations:
        figures = Figures(org.id, org.short_name, org.cluster, pupils_count=org.pupils_count,
                          teachers_count=org.teachers_count)
        if org.id in tallies:
            tallies[org.id].fill(figures)
        figures.satisfaction_answers, figures.satisfaction_responses, figures.satisfaction = \
            satisfaction.get(org.id, (0, 0, None))
        figures.cases_published = cases.get(org.id, 0)
        figures.activities_done, figures.activities_total = roadmaps.get(org.id, (0, 0))
        if public_only and figures.satisfaction_responses < min_responses:
            figures.satisfaction = None
        rows.append(figures)

    summary = Figures(None, "Муниципалитет (итого)", cluster)
    total.fill(summary)
    # A share of the total only over organisations that gave their numbers: others would dilute it.
    summary.pupils_count = sum(f.pupils_count for f in rows if f.pupils_count) or None
    summary.pupils_involved = sum(f.pupils_involved for f in rows if f.pupils_count)
    summary.teachers_count = sum(f.teachers_count for f in rows if f.teachers_count) or None
    summary.teachers_involved = sum(f.teachers_involved for f in rows if f.teachers_count)
    summary.satisfaction_answers, summary.satisfaction_responses, summary.satisfaction = \
        satisfaction.get(None, (0, 0, None))
    if public_only and summary.satisfaction_responses < min_responses:
        summary.satisfaction = None
    summary.cases_published = sum(f.cases_published for f in rows)
    summary.activities_done = sum(f.activities_done for f in rows)
    summary.activities_total = sum(f.activities_total for f in rows)

    kinds = {org.id: org.kind for org in organisations}
    listed = [f for f in rows if (organisation_ids is None or f.organisation_id in organisation_ids)
              and (kinds.get(f.organisation_id) in LISTED_KINDS or f.pairings or f.mentors)]
    forms = [form for form in MentoringForm if form in summary.by_form]
    return Indicators(period, listed, summary, forms)


def _satisfaction(session: Session, period: Period, in_scope: set[int], include_municipal: bool
                  ) -> dict[int | None, tuple[int, int, float | None]]:
    """Organisation (None: the total) → (answers, responses, mean out of 10)."""
    start = datetime.combine(period.start, datetime.min.time())
    stop = datetime.combine(period.end + timedelta(days=1), datetime.min.time())
    query = (sa.select(Questionnaire.organisation_id, Answer.number, Question.kind, Answer.response_id)
             .join(Question, Question.id == Answer.question_id)
             .join(Questionnaire, Questionnaire.id == Question.questionnaire_id)
             .join(QuestionnaireResponse, QuestionnaireResponse.id == Answer.response_id)
             .where(Questionnaire.template.in_(SATISFACTION_TEMPLATES), Answer.number.is_not(None),
                    Question.kind.in_([QuestionKind.SCALE5, QuestionKind.SCALE10]),
                    QuestionnaireResponse.submitted_at >= start, QuestionnaireResponse.submitted_at < stop))
    values: dict[int | None, list[tuple[int, int, int]]] = defaultdict(list)
    responses: dict[int | None, set[int]] = defaultdict(set)
    for organisation_id, number, kind, response_id in session.execute(query):
        top = 5 if kind == QuestionKind.SCALE5 else 10
        if organisation_id in in_scope:
            values[organisation_id].append((number, top, 1))
            responses[organisation_id].add(response_id)
        if organisation_id in in_scope or (organisation_id is None and include_municipal):
            values[None].append((number, top, 1))
            responses[None].add(response_id)
    return {key: (len(found), len(responses[key]), satisfaction_mean(found)) for key, found in values.items()}


def _cases(session: Session, period: Period, now: datetime) -> dict[int, int]:
    published = sa.func.coalesce(Case.publish_at, Case.created_at)
    start = datetime.combine(period.start, datetime.min.time())
    stop = datetime.combine(period.end + timedelta(days=1), datetime.min.time())
    query = (sa.select(Case.organisation_id, sa.func.count()).where(Case.public_filter(now), published >= start,
                                                                    published < stop)
             .group_by(Case.organisation_id))
    return dict(session.execute(query).all())


def _roadmaps(session: Session, period: Period, as_of: date, public_at: datetime | None
              ) -> dict[int, tuple[int, int]]:
    query = (sa.select(Roadmap).where(sa.or_(Roadmap.year.is_(None),
                                             Roadmap.year.between(period.start.year, period.end.year)))
             .options(selectinload(Roadmap.stages).selectinload(Stage.activities)))
    if public_at is not None:
        query = query.where(Roadmap.public_filter(public_at))
    found: dict[int, tuple[int, int]] = {}
    for roadmap in session.scalars(query):
        figures = progress(roadmap, as_of)
        done, total = found.get(roadmap.organisation_id, (0, 0))
        found[roadmap.organisation_id] = (done + figures.done, total + figures.total)
    return found
