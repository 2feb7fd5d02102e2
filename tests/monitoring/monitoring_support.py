"""Helpers of the monitoring tests (imported by name, like tests_support)."""
from __future__ import annotations

import random
from datetime import date, timedelta

from portal.extensions import db
from portal.models import Question, QuestionKind, Questionnaire


def some_ip() -> dict:
    """A fresh client address per test: the public form's rate limit counts per address, across apps."""
    return {"REMOTE_ADDR": f"10.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"}


def make_questionnaire(organisation, today: date | None = None, **fields) -> Questionnaire:
    """An open questionnaire with one question of each kind: scale 1–10, single, multiple, free text."""
    today = today or date.today()
    questionnaire = Questionnaire(organisation=organisation, title=fields.pop("title", "Анкета наставляемых"),
                                  opens_on=today - timedelta(days=1), closes_on=today + timedelta(days=10),
                                  **fields)
    questionnaire.questions = [
        Question(position=10, text="Насколько полезны встречи?", kind=QuestionKind.SCALE10, required=True),
        Question(position=20, text="Как часто встречались?", kind=QuestionKind.SINGLE, required=True,
                 options="Раз в неделю\nРаз в месяц"),
        Question(position=30, text="Что было полезно?", kind=QuestionKind.MULTIPLE, required=False,
                 options="Советы\nПроекты, конкурсы\nПоддержка"),
        Question(position=40, text="Что изменить?", kind=QuestionKind.TEXT, required=False),
    ]
    db.session.add(questionnaire)
    db.session.commit()
    return questionnaire
