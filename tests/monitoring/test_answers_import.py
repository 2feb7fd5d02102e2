"""Answers imported from a CSV export of an online form: columns mapped to questions, all rows or none."""
from __future__ import annotations

import io
import re
from datetime import datetime

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models import Answer, QuestionnaireResponse
from portal.monitoring import answers_import
from monitoring_support import make_questionnaire

HEADER = '"Отметка времени";"Насколько полезны встречи?";"Как часто встречались?";"Что было полезно?";' \
         '"Что изменить?";"Адрес электронной почты"\n'
GOOD = ('"15.05.2026 10:15:30";"8";"Раз в неделю";"Советы, Проекты, конкурсы";"Больше встреч";"a@example.org"\n'
        '"16.05.2026 11:00:00";"10";"раз в месяц";"";"";"b@example.org"\n')
BAD = '"17.05.2026 09:00:00";"11";"Иногда";"Советы";"";"c@example.org"\n'


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_columns_are_guessed_from_the_headers(app, world):
    questionnaire = make_questionnaire(world.org_a)
    sheet = answers_import.read_csv((HEADER + GOOD).encode("utf-8-sig"))
    mapping = answers_import.suggest_mapping(sheet.headers, questionnaire.questions)
    assert mapping == {0: answers_import.SUBMITTED_AT, 1: str(questionnaire.questions[0].id),
                       2: str(questionnaire.questions[1].id), 3: str(questionnaire.questions[2].id),
                       4: str(questionnaire.questions[3].id), 5: ""}


def test_a_file_with_a_bad_row_saves_nothing_and_names_every_error(app, world):
    questionnaire = make_questionnaire(world.org_a)
    sheet = answers_import.read_csv((HEADER + GOOD + BAD).encode("cp1251"))  # Excel's CSV in a Russian locale
    mapping = answers_import.suggest_mapping(sheet.headers, questionnaire.questions)
    plan = answers_import.plan_import(questionnaire, sheet, mapping, datetime(2026, 6, 1))
    messages = [(e.row, e.message) for e in plan.errors]
    assert [row for row, _ in messages] == [4, 4]
    assert "значение «11»" in messages[0][1] and "от 1 до 10" in messages[0][1]
    assert "«Иногда»" in messages[1][1] and "Выберите из предложенных вариантов" in messages[1][1]
    with pytest.raises(ValueError):
        answers_import.save_import(db.session, questionnaire, plan)
    assert count(QuestionnaireResponse) == 0


def test_a_good_file_is_saved_whole(app, world):
    questionnaire = make_questionnaire(world.org_a)
    scale, single, multiple, text = questionnaire.questions
    sheet = answers_import.read_csv((HEADER + GOOD).encode("utf-8"))
    plan = answers_import.plan_import(questionnaire, sheet,
                                      answers_import.suggest_mapping(sheet.headers, questionnaire.questions),
                                      datetime(2026, 6, 1))
    assert not plan.errors and answers_import.save_import(db.session, questionnaire, plan) == 2
    db.session.commit()
    responses = list(db.session.scalars(sa.select(QuestionnaireResponse).order_by(QuestionnaireResponse.id)))
    assert [r.submitted_at for r in responses] == [datetime(2026, 5, 15, 10, 15, 30), datetime(2026, 5, 16, 11, 0)]
    assert {r.source for r in responses} == {"import"}
    answers = {(a.question_id, a.number, a.text) for a in db.session.scalars(sa.select(Answer))}
    assert answers == {(scale.id, 8, ""), (single.id, None, "Раз в неделю"), (multiple.id, None, "Советы"),
                       (multiple.id, None, "Проекты, конкурсы"), (text.id, None, "Больше встреч"),
                       (scale.id, 10, ""), (single.id, None, "Раз в месяц")}  # the questionnaire's own spelling
    assert "example.org" not in repr(answers)  # the e-mail column was not mapped: no names, no contacts


@pytest.mark.parametrize("data,message", [
    (b"", "Файл пуст"),
    (b"PK\x03\x04rest", "книга Excel"),
    (HEADER.encode(), "только заголовки"),
])
def test_files_that_are_not_answers_are_refused_in_russian(data, message):
    with pytest.raises(answers_import.AnswersFileError, match=message):
        answers_import.read_csv(data)


def test_import_through_the_admin_is_all_or_nothing(world, curator_client):
    questionnaire = make_questionnaire(world.org_a)
    url = f"/admin/questionnaires/{questionnaire.id}/import"
    preview = curator_client.post(url, data={"file": (io.BytesIO((HEADER + GOOD + BAD).encode()), "answers.csv")},
                                  content_type="multipart/form-data")
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200 and 'name="column-5"' in html
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    mapping = answers_import.suggest_mapping(answers_import.read_csv((HEADER + GOOD).encode()).headers,
                                             questionnaire.questions)
    form = {"token": token, "filename": "answers.csv", "save": "1"} | {f"column-{i}": v for i, v in mapping.items()}

    refused = curator_client.post(url, data=form)
    html = refused.get_data(as_text=True)
    assert "Ничего не загружено" in html and "Строка 4" in html
    assert count(QuestionnaireResponse) == 0

    twice = curator_client.post(url, data=form | {"column-2": str(questionnaire.questions[0].id)})
    assert "выбран для двух столбцов" in twice.get_data(as_text=True)

    fixed = curator_client.post(url, data={"file": (io.BytesIO((HEADER + GOOD).encode()), "answers.csv")},
                                content_type="multipart/form-data")
    token = re.search(r'name="token" value="([^"]+)"', fixed.get_data(as_text=True)).group(1)
    saved = curator_client.post(url, data=form | {"token": token})
    assert saved.status_code == 302 and saved.headers["Location"].endswith(f"/questionnaires/{questionnaire.id}/results")
    assert count(QuestionnaireResponse) == 2
