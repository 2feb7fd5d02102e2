"""The registry import template: the importer reads it as it is (its example row imports), the cells offer the
allowed values, and consent columns take «да»/«нет» as well as dates."""
from __future__ import annotations

import io

import openpyxl

from portal.clock import local_now
from portal.extensions import db
from portal.models import ConsentKind
from portal.registries.io import COLUMNS, read_registry, save_registry
from portal.registries.io_template import template_xlsx


def test_the_template_has_every_column_and_its_example_row_imports(world):
    world.org_a.name = "МБОУ «СОШ № 1»"
    db.session.commit()
    data = template_xlsx()
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book["Реестр"]
    assert [cell.value for cell in sheet[1]] == [title for title, _variants in COLUMNS.values()]
    allowed = book["Допустимые значения"]
    assert "Учитель – учитель" in [cell.value for cell in allowed["C"]]
    assert any("'Допустимые значения'!$A$2" in rule.formula1 for rule in sheet.data_validations.dataValidation)
    assert "Как заполнять" in book.sheetnames
    plan = read_registry(data, "шаблон.xlsx")
    assert plan.errors == [] and [row.full_name for row in plan.persons] == ["Иванова Мария Петровна"]
    save_registry(plan)
    person = plan.persons[0]
    assert person.processing_on == local_now().date()  # «да»: signed, on the day of the import


def test_consent_yes_and_no_in_a_csv(world):
    rows = "ФИО;Роль;Организация;Согласие на обработку\nИванов Иван;наставник;Школа A;да\nПетров Пётр;наставник;Школа A;нет\n"
    plan = read_registry(rows.encode(), "реестр.csv")
    assert plan.errors == []
    by_name = {row.full_name: row.processing_on for row in plan.persons}
    assert by_name == {"Иванов Иван": local_now().date(), "Петров Пётр": None}
    save_registry(plan)
    from portal.models import Person
    import sqlalchemy as sa

    ivanov = db.session.scalar(sa.select(Person).where(Person.full_name == "Иванов Иван"))
    assert [consent.kind for consent in ivanov.consents] == [ConsentKind.PROCESSING]


def test_the_template_is_a_download_of_the_import_page(world, curator_client):
    page = curator_client.get("/admin/registry/import").get_data(as_text=True)
    assert "/admin/registry/template" in page and "Скачать шаблон .xlsx" in page
    response = curator_client.get("/admin/registry/template")
    assert response.status_code == 200 and response.data[:2] == b"PK"
    assert "attachment" in response.headers["Content-Disposition"]


def test_the_people_list_shows_what_each_person_may_have_published(world, editor_client):
    from datetime import date

    from portal.models import Consent, PublicField

    mentor = world.rows[("persons", "a")]
    mentor.consents.append(Consent(kind=ConsentKind.PUBLICATION, signed_on=date(2025, 9, 1),
                                   allowed_fields=f"{PublicField.FULL_NAME.value},{PublicField.POSITION.value}"))
    db.session.commit()
    html = editor_client.get("/admin/persons/").get_data(as_text=True)
    assert "Можно публиковать" in html and "ФИО, Должность" in html
