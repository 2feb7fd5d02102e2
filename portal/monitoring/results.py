"""Results of a questionnaire: how many answered, the mean of a scale, the distribution of every question.

Free-text answers are read only for the admin (`include_texts`); what the public site gets is in public.py.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal.models import Answer, Question, QuestionKind, Questionnaire, QuestionnaireResponse

from .questionnaires import response_count


@dataclass(frozen=True)
class QuestionResult:
    question_id: int
    text: str
    kind: QuestionKind
    answered: int  # responses that answer this question
    scale_max: int | None = None
    mean: float | None = None  # scales only, rounded to 0.1
    distribution: list[tuple[str, int]] = field(default_factory=list)  # (value or option, responses)
    texts: list[str] = field(default_factory=list)  # free answers: the admin only

    @property
    def is_text(self) -> bool:
        return self.kind == QuestionKind.TEXT


@dataclass(frozen=True)
class Results:
    questionnaire_id: int
    title: str
    responses: int
    questions: list[QuestionResult]


def question_results(session: Session, questions: list[Question], include_texts: bool = True
                     ) -> list[QuestionResult]:
    ids = [question.id for question in questions]
    if not ids:
        return []
    answered = dict(session.execute(
        sa.select(Answer.question_id, sa.func.count(sa.distinct(Answer.response_id)))
        .where(Answer.question_id.in_(ids)).group_by(Answer.question_id)).all())
    numbers: dict[int, dict[int, int]] = defaultdict(dict)
    choices: dict[int, dict[str, int]] = defaultdict(dict)
    for question_id, number, text, count in session.execute(
            sa.select(Answer.question_id, Answer.number, Answer.text, sa.func.count())
            .where(Answer.question_id.in_(ids), Answer.question_id.in_(
                [q.id for q in questions if q.kind != QuestionKind.TEXT]))
            .group_by(Answer.question_id, Answer.number, Answer.text)):
        if number is not None:
            numbers[question_id][number] = count
        else:
            choices[question_id][text] = count
    texts: dict[int, list[str]] = defaultdict(list)
    if include_texts:
        text_ids = [q.id for q in questions if q.kind == QuestionKind.TEXT]
        for question_id, text in session.execute(
                sa.select(Answer.question_id, Answer.text).join(QuestionnaireResponse)
                .where(Answer.question_id.in_(text_ids or [-1]))
                .order_by(QuestionnaireResponse.submitted_at, Answer.id)):
            texts[question_id].append(text)
    return [_result(q, answered.get(q.id, 0), numbers[q.id], choices[q.id], texts[q.id]) for q in questions]


def _result(question: Question, answered: int, numbers: dict[int, int], choices: dict[str, int],
            texts: list[str]) -> QuestionResult:
    kind = QuestionKind(question.kind)
    if question.scale_max is not None:
        top = question.scale_max
        total = sum(numbers.values())
        mean = round(sum(value * count for value, count in numbers.items()) / total, 1) if total else None
        # Every point of the scale, zeros included: a gap is information too.
        distribution = [(str(value), numbers.get(value, 0)) for value in range(1, top + 1)]
        return QuestionResult(question.id, question.text, kind, answered, top, mean, distribution)
    if kind == QuestionKind.TEXT:
        return QuestionResult(question.id, question.text, kind, answered, texts=texts)
    options = question.option_list
    # Options removed since some answers were given still show, after the current ones.
    distribution = [(option, choices.get(option, 0)) for option in options]
    distribution += [(option, count) for option, count in sorted(choices.items()) if option not in options]
    return QuestionResult(question.id, question.text, kind, answered, distribution=distribution)


def questionnaire_results(session: Session, questionnaire: Questionnaire, include_texts: bool = True) -> Results:
    return Results(questionnaire.id, questionnaire.title, response_count(session, questionnaire.id),
                   question_results(session, list(questionnaire.questions), include_texts))


def satisfaction_mean(values: list[tuple[int, int, int]]) -> float | None:
    """Mean on a 10-point scale of (value, scale_max, count) triples: a 5-point answer counts doubled."""
    total = sum(count for _value, _top, count in values)
    if not total:
        return None
    return round(sum(value * 10 / top * count for value, top, count in values) / total, 1)
