"""Questionnaires: the ready-made templates, whether one takes answers now, and checking a filled-in form.

No HTTP here: the public form (portal/respond/) and the answers import call these functions, tests too.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Iterable, Mapping, Union

import sqlalchemy as sa
from sqlalchemy.orm import Session

from portal.filters import ru_date
from portal.models import (
    Answer,
    Question,
    QuestionKind,
    Questionnaire,
    QuestionnaireAudience,
    QuestionnaireResponse,
    QuestionnaireStage,
)

MAX_TEXT = 5000  # a free answer; longer is a paste by mistake, not an opinion
Value = Union[int, str, list[str], None]


# ---- ready-made templates -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class TemplateQuestion:
    text: str
    kind: QuestionKind
    required: bool = True
    options: tuple[str, ...] = ()


@dataclass(frozen=True)
class Template:
    key: str
    title: str
    audience: QuestionnaireAudience
    intro: str
    questions: tuple[TemplateQuestion, ...]


_S10 = QuestionKind.SCALE10
_FREQUENCY = ("Чаще одного раза в неделю", "Раз в неделю", "Раз в две недели", "Раз в месяц", "Реже раза в месяц")
_YES_NO = ("Да", "Нет", "Пока не знаю")
_INTRO = ("Анкета анонимная: мы не спрашиваем имя и не знаем, кто её заполнил. Оцените каждое утверждение от 1 "
          "(совсем нет) до 10 (полностью да). Ответы помогут сделать программу наставничества лучше.")

# The satisfaction questionnaires of the target model (методические рекомендации к распоряжению Р-145): their
# scale answers are the «удовлетворённость участников» indicator.
TEMPLATES: dict[str, Template] = {
    "mentee_satisfaction": Template(
        "mentee_satisfaction", "Анкета удовлетворённости наставляемого", QuestionnaireAudience.MENTEES, _INTRO, (
            TemplateQuestion("Насколько комфортно было общаться с наставником?", _S10),
            TemplateQuestion("Насколько полезными были встречи с наставником?", _S10),
            TemplateQuestion("Насколько понятно наставник объяснял и давал советы?", _S10),
            TemplateQuestion("Насколько вы довольны тем, чего удалось достичь за время программы?", _S10),
            TemplateQuestion("Насколько вероятно, что вы посоветуете программу другу или коллеге?", _S10),
            TemplateQuestion("Как часто проходили встречи с наставником?", QuestionKind.SINGLE, options=_FREQUENCY),
            TemplateQuestion("Что было самым полезным?", QuestionKind.MULTIPLE, options=(
                "Разбор конкретных задач и ситуаций", "Совместный проект", "Советы по учёбе или работе",
                "Поддержка и мотивация", "Знакомство с новыми людьми и организациями", "Другое")),
            TemplateQuestion("Хотели бы вы сами стать наставником?", QuestionKind.SINGLE, options=_YES_NO),
            TemplateQuestion("Что бы вы изменили в программе?", QuestionKind.TEXT, required=False),
        )),
    "mentor_satisfaction": Template(
        "mentor_satisfaction", "Анкета удовлетворённости наставника", QuestionnaireAudience.MENTORS, _INTRO, (
            TemplateQuestion("Насколько комфортно было работать с наставляемым?", _S10),
            TemplateQuestion("Насколько наставляемый был вовлечён в работу?", _S10),
            TemplateQuestion("Насколько вы довольны результатами наставляемого?", _S10),
            TemplateQuestion("Насколько достаточной была поддержка куратора программы?", _S10),
            TemplateQuestion("Насколько участие в программе было полезно вам самим?", _S10),
            TemplateQuestion("Как часто проходили встречи с наставляемым?", QuestionKind.SINGLE, options=_FREQUENCY),
            TemplateQuestion("Какие трудности возникали?", QuestionKind.MULTIPLE, options=(
                "Не хватало времени", "Сложно было договориться о встречах", "Не хватало методических материалов",
                "Наставляемый терял интерес", "Трудностей не было", "Другое")),
            TemplateQuestion("Хотели бы вы продолжить работу наставником?", QuestionKind.SINGLE, options=_YES_NO),
            TemplateQuestion("Ваши предложения по программе", QuestionKind.TEXT, required=False),
        )),
}
SATISFACTION_TEMPLATES = frozenset(TEMPLATES)


def from_template(key: str, organisation_id: int | None, program_id: int | None = None) -> Questionnaire:
    """A new, unsaved questionnaire with the template's questions (KeyError for an unknown template)."""
    template = TEMPLATES[key]
    questionnaire = Questionnaire(title=template.title, audience=template.audience, intro=template.intro,
                                  stage=QuestionnaireStage.FINAL, template=key, organisation_id=organisation_id,
                                  program_id=program_id)
    questionnaire.questions = [Question(position=index * 10, text=q.text, kind=q.kind, required=q.required,
                                        options="\n".join(q.options))
                               for index, q in enumerate(template.questions, start=1)]
    return questionnaire


# ---- taking answers -----------------------------------------------------------------------------------------
def closed_reason(questionnaire: Questionnaire, now: datetime) -> str:
    """Why the questionnaire takes no answers at `now` (local time), in Russian; "" while it is open."""
    today = now.date()
    if questionnaire.closed_at is not None and questionnaire.closed_at <= now:
        return "Анкета закрыта: ответы больше не принимаются. Спасибо, что хотели ответить!"
    if questionnaire.opens_on is not None and today < questionnaire.opens_on:
        return f"Анкета ещё не открыта: ответы принимаются с {ru_date(questionnaire.opens_on)}."
    if questionnaire.closes_on is not None and today > questionnaire.closes_on:
        return (f"Приём ответов завершён {ru_date(questionnaire.closes_on)}. "
                "Спасибо, что хотели ответить!")
    if not questionnaire.questions:
        return "Анкета ещё не готова: в ней пока нет вопросов."
    return ""


def state_label(questionnaire: Questionnaire, now: datetime) -> str:
    """What the admin list says: «принимает ответы», «закрыта»…"""
    reason = closed_reason(questionnaire, now)
    if not reason:
        return "принимает ответы"
    if questionnaire.opens_on is not None and now.date() < questionnaire.opens_on and questionnaire.closed_at is None:
        return f"откроется {ru_date(questionnaire.opens_on)}"
    return "нет вопросов" if not questionnaire.questions else "закрыта"


@dataclass
class Submission:
    """A filled-in form checked against the questions: values by question id, and errors in Russian."""

    values: dict[int, Value] = field(default_factory=dict)
    errors: dict[int, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def field_name(question: Question) -> str:
    return f"q{question.id}"


def check_value(question: Question, raw: Iterable[str]) -> tuple[Value, str]:
    """One question's answer from what was typed or chosen: (value, "") or (None, the error)."""
    picked = [" ".join(value.split()) if question.kind != QuestionKind.TEXT else value.strip()
              for value in raw if value is not None]
    picked = [value for value in picked if value]
    if not picked:
        return None, "Ответьте на этот вопрос." if question.required else ""
    if question.scale_max is not None:
        top = question.scale_max
        try:
            number = int(picked[0])
        except ValueError:
            number = 0
        if len(picked) > 1 or not 1 <= number <= top:
            return None, f"Выберите одно значение от 1 до {top}."
        return number, ""
    if question.kind == QuestionKind.TEXT:
        text = picked[0]
        if len(text) > MAX_TEXT:
            return None, f"Ответ не длиннее {MAX_TEXT} символов (сейчас {len(text)})."
        return text, ""
    options = question.option_list
    unknown = [value for value in picked if value not in options]
    if unknown:
        return None, "Выберите из предложенных вариантов."
    if question.kind == QuestionKind.SINGLE:
        if len(picked) > 1:
            return None, "Выберите один вариант."
        return picked[0], ""
    return list(dict.fromkeys(picked)), ""


def check_submission(questionnaire: Questionnaire, form: Mapping) -> Submission:
    """Check every question of a posted form (a werkzeug MultiDict: `getlist` gives every chosen option)."""
    submission = Submission()
    for question in questionnaire.questions:
        raw = form.getlist(field_name(question)) if hasattr(form, "getlist") else _as_list(form.get(field_name(question)))
        value, error = check_value(question, raw)
        if error:
            submission.errors[question.id] = error
        elif value is not None:
            submission.values[question.id] = value
    return submission


def _as_list(value) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, (list, tuple)) else [str(value)]


def make_response(questionnaire: Questionnaire, values: Mapping[int, Value], submitted_at: datetime,
                  source: str = "link") -> QuestionnaireResponse:
    """A response with its answer rows (not added to the session)."""
    response = QuestionnaireResponse(questionnaire_id=questionnaire.id, submitted_at=submitted_at, source=source)
    kinds = {question.id: question.kind for question in questionnaire.questions}
    for question_id, value in values.items():
        if value is None or question_id not in kinds:
            continue
        if isinstance(value, int):
            response.answers.append(Answer(question_id=question_id, number=value))
        elif isinstance(value, list):
            response.answers += [Answer(question_id=question_id, text=option) for option in value]
        else:
            response.answers.append(Answer(question_id=question_id, text=value))
    return response


def response_count(session: Session, questionnaire_id: int) -> int:
    return session.scalar(sa.select(sa.func.count()).select_from(QuestionnaireResponse)
                          .where(QuestionnaireResponse.questionnaire_id == questionnaire_id)) or 0


def response_counts(session: Session, questionnaire_ids: Iterable[int]) -> dict[int, int]:
    ids = list(questionnaire_ids)
    if not ids:
        return {}
    rows = session.execute(sa.select(QuestionnaireResponse.questionnaire_id, sa.func.count())
                           .where(QuestionnaireResponse.questionnaire_id.in_(ids))
                           .group_by(QuestionnaireResponse.questionnaire_id))
    return {questionnaire_id: count for questionnaire_id, count in rows}
