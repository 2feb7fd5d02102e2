"""Indicator arithmetic on a known data set, the admin page, and the XLSX/CSV exports."""
from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from portal.extensions import db
from portal.models import (
    Activity,
    ActivityStatus,
    MentoringForm,
    OrganisationCluster,
    Pairing,
    Person,
    PersonCategory,
    Question,
    QuestionKind,
    Questionnaire,
    Status,
)
from portal.monitoring import reports
from portal.monitoring.indicators import Period, compute
from portal.monitoring.questionnaires import from_template, make_response

# The database matters here: run on PostgreSQL too (conftest's docstring).
pytestmark = pytest.mark.both_databases

PERIOD = Period(date(2025, 9, 1), date(2026, 8, 31))
TODAY, NOW = date(2026, 6, 1), datetime(2026, 6, 1, 12, 0)


def person(org, name, category, role):
    found = Person(organisation=org, full_name=name, category=category)
    found.roles = [role]
    db.session.add(found)
    return found


@pytest.fixture
def known(world):
    """Schools A (ШНОР, 100 pupils, 20 teachers) and B (ШВОР, 50 pupils): four pairings in the school year, one of
    them a network pairing B → A, and one pairing of an earlier year."""
    a, b = world.org_a, world.org_b
    a.pupils_count, a.teachers_count, a.cluster = 100, 20, OrganisationCluster.LOW
    b.pupils_count, b.cluster = 50, OrganisationCluster.HIGH
    pair_a, pair_b = world.rows[("pairings", "a")], world.rows[("pairings", "b")]
    pair_a.starts_on = pair_b.starts_on = date(2025, 10, 1)
    pair_b.ends_on = date(2026, 5, 31)
    mentor_a, mentor_b = world.rows[("persons", "a")], world.rows[("persons", "b")]
    second = person(a, "Второй Наставляемый", PersonCategory.PUPIL, "mentee")
    young = person(a, "Молодой Специалист", PersonCategory.TEACHER, "mentee")
    old = person(a, "Прошлогодний", PersonCategory.PUPIL, "mentee")
    db.session.add_all([
        Pairing(organisation=a, mentor=mentor_a, mentees=[second], mentoring_form=MentoringForm.PUPIL_PUPIL,
                starts_on=date(2025, 11, 1)),
        Pairing(organisation=b, mentor=mentor_b, mentees=[young], mentoring_form=MentoringForm.TEACHER_YOUNG_SPECIALIST,
                order_date=date(2025, 11, 1)),  # the network pairing: a mentor of B, a mentee of A
        Pairing(organisation=a, mentor=mentor_a, mentees=[old], mentoring_form=MentoringForm.PUPIL_PUPIL,
                starts_on=date(2024, 9, 1), ends_on=date(2025, 5, 31)),
    ])
    # Satisfaction: two responses in the period (8 and 6 of 10, and 5 of 5), one before it, one not a template's.
    survey = from_template("mentee_satisfaction", a.id)
    survey.questions.append(Question(position=999, text="Оценка по пятибалльной", kind=QuestionKind.SCALE5))
    other = Questionnaire(organisation=a, title="Своя анкета",
                          questions=[Question(text="Шкала", kind=QuestionKind.SCALE10)])
    db.session.add_all([survey, other])
    db.session.flush()
    first, five = survey.questions[0], survey.questions[-1]
    db.session.add_all([make_response(survey, {first.id: 8, five.id: 5}, datetime(2026, 5, 20)),
                        make_response(survey, {first.id: 6}, datetime(2026, 5, 21)),
                        make_response(survey, {first.id: 1}, datetime(2025, 5, 21)),
                        make_response(other, {other.questions[0].id: 1}, datetime(2026, 5, 21))])
    # Cases: A's published in the period, B's published long before.
    case_a, case_b = world.rows[("cases", "a")], world.rows[("cases", "b")]
    case_a.status, case_a.publish_at = Status.PUBLISHED, datetime(2026, 3, 1)
    case_b.status, case_b.publish_at = Status.PUBLISHED, datetime(2024, 1, 1)
    # Roadmaps: A has one of two activities done (a cancelled one does not count); B none of one.
    stage_a = world.rows[("stages", "a")]
    db.session.add_all([Activity(stage=stage_a, number="1.2", title="Сделано", status=ActivityStatus.DONE),
                        Activity(stage=stage_a, number="1.3", title="Отменено", status=ActivityStatus.CANCELLED)])
    db.session.commit()
    return world


def by_name(indicators):
    return {figures.name: figures for figures in indicators.rows}


def test_indicator_arithmetic_on_a_known_data_set(app, known):
    data = compute(db.session, PERIOD, TODAY, NOW)
    rows = by_name(data)
    a, b, total = rows["Школа A"], rows["Школа B"], data.total

    assert (a.pairings, a.mentors, a.mentees) == (3, 1, 3)  # its two pairings and the network one
    assert (b.pairings, b.mentors, b.mentees) == (2, 1, 1)
    assert (total.pairings, total.mentors, total.mentees) == (4, 2, 4)  # the network pairing once
    assert (a.pupils_involved, a.pupils_share, a.teachers_involved, a.teachers_share) == (2, 2.0, 2, 10.0)
    assert (b.pupils_involved, b.pupils_share, b.teachers_involved, b.teachers_share) == (1, 2.0, 1, None)
    # The total's shares count only organisations that gave the number: B's teacher is left out.
    assert (total.pupils_involved, total.pupils_count, total.pupils_share) == (3, 150, 2.0)
    assert (total.teachers_involved, total.teachers_count, total.teachers_share) == (2, 20, 10.0)
    assert total.by_form == {MentoringForm.PUPIL_PUPIL: (2, 3, 3), MentoringForm.TEACHER_YOUNG_SPECIALIST: (1, 1, 1)}
    assert data.forms == [MentoringForm.PUPIL_PUPIL, MentoringForm.TEACHER_YOUNG_SPECIALIST]

    assert (a.satisfaction, a.satisfaction_responses, a.satisfaction_answers) == (8.0, 2, 3)  # (8 + 6 + 10) / 3
    assert b.satisfaction is None and total.satisfaction == 8.0
    assert (a.cases_published, b.cases_published, total.cases_published) == (1, 0, 1)
    assert (a.activities_done, a.activities_total, a.roadmap_percent) == (1, 2, 50)
    assert (b.roadmap_percent, total.roadmap_percent) == (0, 33)


def test_filters_by_group_and_organisation(app, known):
    low = compute(db.session, PERIOD, TODAY, NOW, cluster=OrganisationCluster.LOW)
    assert [f.name for f in low.rows] == ["Школа A"]
    assert (low.total.pairings, low.total.mentors, low.total.mentees) == (3, 1, 3)
    only_b = compute(db.session, PERIOD, TODAY, NOW, organisation_ids={known.org_b.id})
    assert [f.name for f in only_b.rows] == ["Школа B"] and only_b.total.pairings == 4


def test_public_figures_hide_satisfaction_of_too_few_responses(app, known):
    public = compute(db.session, PERIOD, TODAY, NOW, public_only=True, min_responses=3)
    assert by_name(public)["Школа A"].satisfaction is None and public.total.satisfaction is None
    assert by_name(public)["Школа A"].activities_total == 0  # drafts' roadmaps are not public


def test_the_exports_hold_the_same_figures(app, known):
    data = compute(db.session, PERIOD, TODAY, NOW)
    book = load_workbook(io.BytesIO(reports.to_xlsx_bytes(data, "", NOW)))
    assert book.sheetnames == ["Показатели", "По формам наставничества", "Параметры"]
    sheet = book["Показатели"]
    header = [cell.value for cell in sheet[1]]
    total = dict(zip(header, [cell.value for cell in sheet[sheet.max_row]]))
    assert total["Организация"] == "Муниципалитет (итого)" and total["Пар и групп"] == 4
    assert total["Доля обучающихся, %"] == 2.0 and total["Удовлетворённость (из 10)"] == 8.0
    assert book["Параметры"]["B1"].value == "01.09.2025–31.08.2026"
    text = reports.to_csv_bytes(data).decode("utf-8-sig").splitlines()
    assert text[0].startswith("Организация;Группа по результатам;Наставников")
    assert any(line.startswith("Школа A;ШНОР;1;3;3;2;100;2,0;2;20;10,0;8,0;2;1;1;2;50") for line in text)


def test_the_indicators_page_and_export_for_a_curator(known, curator_client):
    html = curator_client.get("/admin/indicators/?start=2025-09-01&end=2026-08-31").get_data(as_text=True)
    assert "Школа A" in html and "Школа B" not in html and "Муниципалитет (итого)" in html
    assert "Ученик – ученик" in html
    response = curator_client.get("/admin/indicators/export?start=2025-09-01&end=2026-08-31&format=xlsx")
    assert response.status_code == 200 and response.mimetype.endswith("spreadsheetml.sheet")
    names = [row[0].value for row in load_workbook(io.BytesIO(response.data))["Показатели"].iter_rows(min_row=2)]
    assert names == ["Школа A", "Муниципалитет (итого)"]
    assert curator_client.get("/admin/indicators/export?format=pdf").status_code == 404
    wrong = curator_client.get("/admin/indicators/?start=31.12.2025&org=3000000000").get_data(as_text=True)
    assert "не распознана" in wrong
