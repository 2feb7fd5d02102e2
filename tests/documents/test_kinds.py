"""Each kind made from the demo data and read back with python-docx: names, dates, numbers and table rows equal
the registry's."""
from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import pytest
import sqlalchemy as sa

from documents_support import load_demo, options, pairing, person, program, rows, text
from portal import create_app, search
from portal.documents import make
from portal.documents.context import MissingData
from portal.documents.kinds import KINDS, SCHEMAS
from portal.extensions import db
from portal.models import Meeting, Organisation, PlanGoal, Roadmap
from portal.monitoring import indicators
from portal.monitoring.indicators import Period


@pytest.fixture(scope="module")
def demo_files(tmp_path_factory) -> Path:
    """The demo loaded once for the module (2 s a load): its SQLite database and instance folder (the uploaded
    files, the search index), which each test gets a copy of and may change."""
    folder = tmp_path_factory.mktemp("demo")
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{folder / 'portal.db'}",
                      "INSTANCE_PATH": str(folder / "instance"), "SECRET_KEY": "test-secret"})
    with app.app_context():
        db.create_all()
        load_demo(app)
        search.flush()  # the index writer thread done before its files are copied
        db.session.remove()
        db.engine.dispose()
    return folder


@pytest.fixture
def demo(make_app, demo_files, tmp_path):
    shutil.copytree(demo_files / "instance", tmp_path / "instance")
    app = make_app(copy_of=demo_files / "portal.db")
    with app.app_context():
        yield app


def one(code, obj, **more) -> bytes:
    files = make.make(db.session, code, obj, options(**more))
    assert len(files) == 1, [f.filename for f in files]
    return files[0].content


def shape(schema: dict, context: dict, path: str = "") -> list[str]:
    """Where a built context differs from its kind's schema (which documents the placeholders)."""
    problems = [f"{path}{key}" for key in set(schema) ^ set(context)]
    for key, value in schema.items():
        if isinstance(value, dict) and key in context:
            problems += shape(value, context[key], f"{path}{key}.")
        elif isinstance(value, tuple) and key in context:
            for item in context[key]:
                problems += shape(value[1], item, f"{path}{key}[].")
    return problems


def test_the_order_of_a_pairing_lists_every_pairing_of_that_order(demo):
    pupils = pairing("112/О", "Белов Кирилл")
    data = one("pairing_order", pupils)
    body = text(data)
    assert "ПРИКАЗ" in body and "«01» октября 2026 г." in body and "№ 112/О" in body
    assert "Муниципальное бюджетное общеобразовательное учреждение «Средняя общеобразовательная школа № 1»" in body
    assert "ул. Школьная, 3, г. Заречный, тел. +7 (800) 555-01-01, e-mail: school1@zarechny.example.org" in body
    assert "Директор\t\t______________ Петрова Ольга Николаевна" in body
    teachers = pairing("112/О", "Соколова Марина Петровна")
    assert rows(data) == [
        ["1", "Белов Кирилл, 10 «А» класс", "Никитина Дарья, Орлов Максим", "Ученик – ученик",
         "01.10.2026 – 31.05.2027"],
        ["2", "Соколова Марина Петровна, учитель математики, высшая категория", "Егоров Денис Андреевич",
         "Опытный педагог – молодой специалист", "01.09.2026"],
    ]
    assert [p.id for p in (pupils, teachers)] == sorted([pupils.id, teachers.id])


def test_the_order_of_a_program_holds_its_pairings_only(demo):
    data = one("pairing_order", program("programma-uchenik-uchenik-sosh-1"))
    assert [row[1:3] for row in rows(data)] == [["Белов Кирилл, 10 «А» класс", "Никитина Дарья, Орлов Максим"]]
    assert "программой наставничества «Программа наставничества «Ученик – ученик»»" in text(data)


def test_the_program_order_carries_the_roadmap(demo):
    chosen = program("programma-uchenik-uchenik-sosh-1")
    data = one("program_order", chosen)
    roadmap = db.session.scalar(sa.select(Roadmap).where(Roadmap.slug == "dorozhnaya-karta-sosh-1-2026-2027"))
    expected = [[a.number, f"{s.number} {s.title}".strip(), a.title, a.deadline_text, a.responsible,
                 a.expected_result] for s in roadmap.stages for a in s.activities]
    assert rows(data) == expected and len(expected) == 8
    assert "Утвердить программу наставничества «Программа наставничества «Ученик – ученик»»" in text(data)
    assert "с 01.10.2026 по 31.05.2027" in text(data)


def test_the_development_plan_has_the_goals_with_deadlines_and_marks(demo):
    teachers = pairing("112/О", "Соколова Марина Петровна")
    data = one("development_plan", teachers)
    goals = db.session.scalars(sa.select(PlanGoal).where(PlanGoal.pairing_id == teachers.id)
                               .order_by(PlanGoal.position)).all()
    assert rows(data) == [[str(i), g.title, f"{g.deadline:%d.%m.%Y}", "выполнено" if g.done else "в работе"]
                          for i, g in enumerate(goals, start=1)]
    assert len(goals) == 3 and rows(data)[0][3] == "выполнено"
    body = text(data)
    assert "Наставник: Соколова Марина Петровна, учитель математики, высшая категория" in body
    assert "Наставляемые: Егоров Денис Андреевич" in body and "№ 112/О от 01.10.2026" in body


def test_the_journal_lists_the_meetings_of_the_period(demo):
    teachers = pairing("112/О", "Соколова Марина Петровна")
    data = one("mentor_journal", teachers)
    meetings = db.session.scalars(sa.select(Meeting).where(Meeting.pairing_id == teachers.id)
                                  .order_by(Meeting.held_on)).all()
    assert [row[1] for row in rows(data)] == [f"{m.held_on:%d.%m.%Y}" for m in meetings]
    assert rows(data)[0] == ["1", "04.09.2026", "Организационная", meetings[0].notes]
    assert "Всего встреч: 4" in text(data)
    autumn = one("mentor_journal", teachers, period=Period(meetings[1].held_on, meetings[2].held_on))
    assert [row[1] for row in rows(autumn)] == ["18.09.2026", "09.10.2026"]
    assert "Период: 18.09.2026–09.10.2026" in text(autumn)


def test_a_minors_consent_is_for_the_parent_with_the_birth_date(demo):
    data = one("consent", person("Никитина Дарья"))
    body = text(data)
    assert "являясь законным представителем несовершеннолетнего Никитина Дарья, 02.06.2015 г. р." in body
    assert "152-ФЗ" in body and "ст" in body and "статьёй 10.1" in body
    assert [row[0] for row in rows(data)] == ["ФИО", "Должность", "Организация", "Фото", "Компетенции",
                                              "Достижения"]
    adult = text(one("consent", person("Соколова Марина Петровна")))
    assert "Я, Соколова Марина Петровна, паспорт" in adult and "законным представителем" not in adult
    assert "г. р." not in adult  # an adult's birth date is not asked for


def test_a_programs_consents_are_for_its_people_without_one(demo):
    files = make.make(db.session, "consent", program("programma-uchenik-uchenik-sosh-1"), options())
    assert sorted(f.filename for f in files) == [
        "Согласие на обработку ПДн — Белов Кирилл.docx", "Согласие на обработку ПДн — Никитина Дарья.docx",
        "Согласие на обработку ПДн — Орлов Максим.docx"]
    archive = zipfile.ZipFile(io.BytesIO(make.as_zip(files)))
    assert len(archive.namelist()) == 3
    with pytest.raises(MissingData, match="есть согласие"):
        make.make(db.session, "consent", program("programma-molodoy-pedagog-sosh-1"), options())


def test_the_curators_report_has_the_indicators(demo):
    school = db.session.scalar(sa.select(Organisation).where(Organisation.slug == "sosh-1"))
    period = Period.school_year(options().today)
    data = one("curator_report", school, period=period)
    figures = next(r for r in indicators.compute(db.session, period, options().today, options().now,
                                                 organisation_ids={school.id}).rows if r.organisation_id == school.id)
    body = text(data)
    assert f"Наставников: {figures.mentors}; наставляемых: {figures.mentees}; наставнических пар и групп: " \
           f"{figures.pairings}." in body and figures.pairings == 3
    assert "за период 01.09.2026–31.08.2027" in body
    programs = rows(data, 1)
    assert ["Программа «Молодой педагог»", "1", "4", "3", "1"] in programs
    assert "Соколова" not in body + str(programs)  # figures only: nobody is named
    department = db.session.scalar(sa.select(Organisation).where(Organisation.slug == "uo-zarechny"))
    municipal = indicators.compute(db.session, period, options().today, options().now).total.pairings
    assert municipal > figures.pairings  # the demo municipality has other schools' pairs too
    assert f"наставнических пар и групп: {municipal}." in text(one("curator_report", department, period=period))


def test_the_letter_of_thanks_names_the_mentor_and_the_programs(demo):
    body = text(one("thank_you_letter", person("Соколова Марина Петровна"), year=2026))
    assert "Уважаемый(ая) Соколова Марина Петровна!" in body
    assert "в программах «Программа «Молодой педагог»», «Сетевая программа «Молодой педагог округа»» в 2026 году" \
        in body
    assert "Директор Петрова Ольга Николаевна" in body


@pytest.mark.parametrize("code", sorted(KINDS))
def test_every_context_has_the_shape_its_placeholders_document(demo, code):
    kind = KINDS[code]
    objects = {"program": program("programma-uchenik-uchenik-sosh-1"),
               "pairing": pairing("112/О", "Соколова Марина Петровна"),
               "person": person("Никитина Дарья") if code == "consent" else person("Соколова Марина Петровна"),
               "organisation": db.session.scalar(sa.select(Organisation).where(Organisation.slug == "sosh-1"))}
    for _name, context in kind.build(db.session, objects[kind.targets[0]], options(year=2026)):
        assert shape(SCHEMAS[code], context) == []


def test_missing_data_is_a_list_with_links(demo):
    pupils = pairing("112/О", "Белов Кирилл")
    pupils.order_number, pupils.order_date = "", None
    school = pupils.organisation
    school.head_name = ""
    minor = person("Орлов Максим")
    minor.birth_date = None
    db.session.commit()
    with pytest.raises(MissingData) as lacking:
        make.make(db.session, "pairing_order", program("programma-uchenik-uchenik-sosh-1"), options())
    assert [(item.endpoint, item.params) for item in lacking.value.items] == [
        ("admin.organisations_edit", {"id": school.id}), ("admin.pairings_edit", {"id": pupils.id})]
    assert "нет номера и даты приказа" in lacking.value.items[1].text
    with pytest.raises(MissingData, match="Орлов Максим: не указана дата рождения"):
        make.make(db.session, "consent", minor, options())
    db.session.execute(sa.delete(PlanGoal).where(PlanGoal.pairing_id == pupils.id))
    with pytest.raises(MissingData) as no_goals:
        make.make(db.session, "development_plan", pupils, options())
    assert no_goals.value.items[0].endpoint == "admin.goal_new"


def test_a_programs_order_for_chosen_pairings(demo):
    network_program = program("setevaya-programma-molodoy-pedagog-okruga")
    chosen = pairing("115/О", "Соколова Марина Петровна")
    data = one("pairing_order", network_program, pairings=frozenset({chosen.id}))
    assert [row[1:3] for row in rows(data)] == [["Соколова Марина Петровна, учитель математики, высшая категория",
                                                 "Ковалев Артём Сергеевич"]]
    with pytest.raises(MissingData, match="нет наставнических пар"):
        make.make(db.session, "pairing_order", network_program, options(pairings=frozenset({-5})))


def test_a_network_pairing_for_the_lead_schools_reader(demo):
    network_pairing = pairing("115/О", "Соколова Марина Петровна")
    school = db.session.scalar(sa.select(Organisation).where(Organisation.slug == "sosh-1"))
    data = one("development_plan", network_pairing, reader={school.id})
    assert "Наставляемые: Наставляемый из МАОУ «Гимназия № 4»" in text(data)
    assert "Ковалев" not in text(data)


def test_a_custom_template_with_a_table_row_loop(demo):
    from docx import Document

    document = Document()
    document.add_paragraph("Журнал: {{ наставник.фио }}")
    table = document.add_table(rows=3, cols=2)
    table.rows[0].cells[0].text = "{%tr for встреча in встречи %}"
    table.rows[1].cells[0].text, table.rows[1].cells[1].text = "{{ встреча.дата }}", "{{ встреча.содержание }}"
    table.rows[2].cells[0].text = "{%tr endfor %}"
    buffer = io.BytesIO()
    document.save(buffer)
    pupils = pairing("112/О", "Белов Кирилл")
    files = make.make(db.session, "mentor_journal", pupils, options(), template=buffer.getvalue())
    meetings = db.session.scalars(sa.select(Meeting).where(Meeting.pairing_id == pupils.id)
                                  .order_by(Meeting.held_on)).all()
    read = Document(io.BytesIO(files[0].content))
    assert read.paragraphs[0].text == "Журнал: Белов Кирилл"
    assert [[c.text for c in row.cells] for row in read.tables[0].rows] == [
        [f"{m.held_on:%d.%m.%Y}", m.notes] for m in meetings] and len(meetings) == 3
