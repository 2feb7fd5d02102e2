"""Results of a questionnaire: counts, means and distributions, the SVG charts, and what the site may get."""
from __future__ import annotations

import pytest

from datetime import datetime

from portal.extensions import db
from portal.monitoring.charts import distribution_svg
from portal.monitoring.public import public_questionnaire_results
from portal.monitoring.questionnaires import make_response
from portal.monitoring.results import questionnaire_results, satisfaction_mean
from monitoring_support import make_questionnaire

# The database matters here: run on PostgreSQL too (conftest's docstring).
pytestmark = pytest.mark.both_databases


def answer(questionnaire, scale=None, single=None, multiple=None, text=None):
    questions = questionnaire.questions
    values = {q.id: v for q, v in zip(questions, (scale, single, multiple, text)) if v is not None}
    db.session.add(make_response(questionnaire, values, datetime(2026, 5, 15, 10, 0)))
    db.session.commit()


def test_counts_means_and_distributions(app, world):
    questionnaire = make_questionnaire(world.org_a)
    answer(questionnaire, 10, "Раз в неделю", ["Советы", "Поддержка"], "Больше встреч")
    answer(questionnaire, 7, "Раз в неделю", ["Советы"])
    answer(questionnaire, 4, "Раз в месяц")
    results = questionnaire_results(db.session, questionnaire)
    scale, single, multiple, text = results.questions
    assert results.responses == 3
    assert (scale.answered, scale.mean) == (3, 7.0)
    assert dict(scale.distribution) == {str(v): (1 if v in (4, 7, 10) else 0) for v in range(1, 11)}
    assert single.distribution == [("Раз в неделю", 2), ("Раз в месяц", 1)]
    assert multiple.answered == 2  # people, not ticks
    assert multiple.distribution == [("Советы", 2), ("Проекты, конкурсы", 0), ("Поддержка", 1)]
    assert (text.answered, text.texts) == (1, ["Больше встреч"])
    assert not questionnaire_results(db.session, questionnaire, include_texts=False).questions[3].texts


def test_a_chart_is_an_accessible_image_with_its_numbers_as_text():
    svg = distribution_svg("q7", "Как часто встречались?", [("Раз в неделю", 2), ("Раз в месяц", 1)], 3)
    assert 'role="img"' in svg and 'aria-labelledby="chart-q7-title"' in svg and 'aria-describedby="chart-q7-desc"' in svg
    assert '<title id="chart-q7-title">Как часто встречались?</title>' in svg
    assert "Раз в неделю — 2 (67 %); Раз в месяц — 1 (33 %)" in svg  # the description lists every value
    assert ">2 (67 %)</text>" in svg  # and the values are written beside the bars
    scale = distribution_svg("q8", "Оценка", [("1", 0), ("2", 3)], 3, mean=2.0, scale_max=5)
    assert "Среднее: 2,0 из 5" in scale
    assert distribution_svg("q9", "Пусто", [], 0) == ""
    assert "&lt;script&gt;" in distribution_svg("q10", "<script>", [("<b>", 1)], 1)


def test_satisfaction_is_on_a_ten_point_scale():
    assert satisfaction_mean([(5, 5, 1), (6, 10, 1)]) == 8.0  # a 5 of 5 is a 10
    assert satisfaction_mean([]) is None


def test_the_site_gets_aggregates_only_from_enough_responses_and_never_free_text(app, world):
    published = make_questionnaire(world.org_a, title="Опубликованная", publish_results=True)
    hidden = make_questionnaire(world.org_a, title="Внутренняя", publish_results=False)
    few = make_questionnaire(world.org_b, title="Мало ответов", publish_results=True)
    for index in range(5):
        # The optional multiple choice is answered by two people only: fewer than the threshold.
        answer(published, 6 + index % 3, "Раз в неделю", ["Советы"] if index < 2 else None, f"Тайна {index}")
        answer(hidden, 5, "Раз в месяц")
    for _ in range(4):
        answer(few, 9, "Раз в месяц")

    found = public_questionnaire_results(db.session, min_responses=5)
    assert [r.title for r in found] == ["Опубликованная"]
    result = found[0]
    assert result.responses == 5 and result.organisation == "Школа A"
    assert [q.kind for q in result.questions] == ["scale10", "single", "multiple"]  # no free text
    scale, single, multiple = result.questions
    assert scale.mean == 6.8 and sum(count for _label, count in scale.distribution) == 5  # 6, 7, 8, 6, 7
    assert single.distribution == [("Раз в неделю", 5), ("Раз в месяц", 0)]
    assert multiple.answered == 2 and multiple.distribution == [] and multiple.mean is None
    assert "Тайна" not in repr(found)

    assert {r.title for r in public_questionnaire_results(db.session, min_responses=4)} == {"Опубликованная",
                                                                                            "Мало ответов"}
    assert public_questionnaire_results(db.session, min_responses=6) == []


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_answers_export_as_a_table_of_responses_and_questions(app, world, login_as, fmt):
    import csv
    import io

    import openpyxl

    questionnaire = make_questionnaire(world.org_a)
    answer(questionnaire, 10, "Раз в неделю", ["Советы", "Поддержка"], "=1+1 больше встреч")
    answer(questionnaire, 4, "Раз в месяц")
    assert login_as("curator_b").get(f"/admin/questionnaires/{questionnaire.id}/answers.{fmt}").status_code == 404
    page = login_as("curator_a").get(f"/admin/questionnaires/{questionnaire.id}/results").get_data(as_text=True)
    assert f"/answers.{fmt}" in page
    response = login_as("curator_a").get(f"/admin/questionnaires/{questionnaire.id}/answers.{fmt}")
    assert response.status_code == 200
    if fmt == "xlsx":
        rows = [list(row) for row in openpyxl.load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True)]
    else:
        rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    questions = [question.text for question in questionnaire.questions]
    assert rows[0] == ["№", "Когда", "Откуда", *questions]
    first = rows[1]
    assert str(first[3]) == "10" and first[4] == "Раз в неделю" and first[5] == "Советы; Поддержка"
    assert first[6] == "'=1+1 больше встреч"  # a formula stays text in a spreadsheet
    assert len(rows) == 3 and rows[2][6] in ("", None)
