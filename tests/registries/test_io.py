"""Import and export of the registries: whole files in, every bad row named, nothing half-saved; forms out."""
from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime

import openpyxl
import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models import (
    Consent,
    ConsentKind,
    MentoringForm,
    PairingStatus,
    Person,
    PersonCategory,
    PublicField,
    Role,
    Signatory,
)
from portal.registries.consent import published_fields
from portal.registries.io import (
    MAX_BYTES,
    MAX_ROWS,
    RegistryFileError,
    export_registry,
    read_registry,
    save_registry,
)

# The database matters here: run on PostgreSQL too (conftest's docstring).
pytestmark = pytest.mark.both_databases

HEADER = ["ФИО", "Роль", "Категория", "Организация", "Должность", "Форма наставничества", "Ключевые компетенции",
          "Дата вхождения в программу", "Телефон", "Email", "Несовершеннолетний", "Согласие на обработку",
          "Согласие на распространение"]
GOOD = [
    ["Иванова Мария Петровна", "наставник", "педагог", "Школа A", "учитель математики", "Учитель – учитель",
     "подготовка к ЕГЭ", "01.09.2025", "+7 900 123-45-67", "ivanova@example.org", "нет", "01.09.2025",
     "ФИО, должность, организация"],
    ["Петров Пётр", "наставляемый", "обучающийся", "школа a полностью", "8 «Б» класс", "ученик - ученик", "",
     "15.09.2025", "", "", "да", "10.09.2025", "ФИО"],
    ["Сидоров Семён", "Наставник, наставляемый", "", "shkola-b", "", "", "", "", "", "", "", "", ""],
]


def csv_bytes(rows, header=HEADER, delimiter=";", encoding="utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    for row in ([header] if header else []) + rows:
        writer.writerow(row)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows, header=HEADER, above=()) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in list(above) + ([header] if header else []) + rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def person_named(name: str) -> Person:
    return db.session.scalar(sa.select(Person).where(Person.full_name == name))


def consents_of(person: Person, kind: ConsentKind) -> list[Consent]:
    return [c for c in person.consents if c.kind == kind]


FORMATS = {
    "csv utf-8 ;": lambda rows: (csv_bytes(rows), "база.csv"),
    "csv utf-8 with BOM ,": lambda rows: (csv_bytes(rows, delimiter=",", encoding="utf-8-sig"), "база.csv"),
    "csv cp1251 ;": lambda rows: (csv_bytes(rows, encoding="cp1251"), "база.csv"),
    "csv cp1251 ,": lambda rows: (csv_bytes(rows, delimiter=",", encoding="cp1251"), "база.csv"),
    "unicode text (utf-16, tab)": lambda rows: (csv_bytes(rows, delimiter="\t", encoding="utf-16"), "база.txt"),
    "xlsx": lambda rows: (xlsx_bytes(rows), "база.xlsx"),
    "xlsx named .csv": lambda rows: (xlsx_bytes(rows), "база.csv"),
}


# --- a good file ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", FORMATS)
def test_a_good_file_imports_persons_roles_and_consents(world, fmt):
    data, filename = FORMATS[fmt](GOOD)
    before = count(Person)
    plan = read_registry(data, filename)
    assert plan.errors == []
    assert (plan.created, plan.updated, plan.unchanged) == (3, 0, 0)
    assert count(Person) == before  # reading saves nothing
    saved = save_registry(plan)
    assert saved.created == 3
    db.session.expire_all()
    assert count(Person) == before + 3

    maria = person_named("Иванова Мария Петровна")
    assert maria.organisation == world.org_a and maria.roles == {Role.MENTOR}
    assert maria.category == PersonCategory.TEACHER and maria.position == "учитель математики"
    assert maria.mentoring_form == MentoringForm.TEACHER_TEACHER and maria.competencies == "подготовка к ЕГЭ"
    assert maria.joined_on == date(2025, 9, 1) and maria.phone == "+7 900 123-45-67"
    assert maria.email == "ivanova@example.org" and maria.is_minor is False
    [processing] = consents_of(maria, ConsentKind.PROCESSING)
    [publication] = consents_of(maria, ConsentKind.PUBLICATION)
    assert processing.signed_on == publication.signed_on == date(2025, 9, 1)
    assert publication.fields == {PublicField.FULL_NAME, PublicField.POSITION, PublicField.ORGANISATION}
    assert processing.signed_by == Signatory.PERSON

    petr = person_named("Петров Пётр")
    assert petr.organisation == world.org_a and petr.roles == {Role.MENTEE} and petr.is_minor is True
    assert petr.mentoring_form == MentoringForm.PUPIL_PUPIL and petr.category == PersonCategory.PUPIL
    assert {c.signed_by for c in petr.consents} == {Signatory.REPRESENTATIVE}  # a parent signs for a minor
    assert published_fields(petr, datetime(2026, 1, 1)) == set()  # never on the site by name

    semen = person_named("Сидоров Семён")
    assert semen.organisation == world.org_b and semen.roles == {Role.MENTOR, Role.MENTEE}
    assert semen.category == PersonCategory.OTHER and semen.consents == [] and semen.email == ""


def test_a_minor_with_a_publication_consent_is_imported_with_a_warning(world):
    plan = read_registry(*FORMATS["csv utf-8 ;"](GOOD))
    assert [w.row for w in plan.warnings] == [3]
    assert "несовершеннолетний" in plan.warnings[0].message
    assert plan.source == "CSV, UTF-8, разделитель «;»"


def test_header_variants_in_any_order_and_unknown_columns_are_skipped(world):
    header = ["№ п/п", "Организация (место работы/учёбы)", "E-mail", "Ф.И.О.", "Должность (класс, группа)",
              "РОЛЬ", "несовершеннолетний (да/нет)", "Дата согласия на обработку", "Примечание"]
    rows = [["1", "Школа A", "a@example.org", "Кузнецов Олег", "физик", "наставник", "-", "02.09.2025", "x"],
            ["2", "", "", "", "", "", "", "", ""]]  # a numbered empty template row
    plan = read_registry(csv_bytes(rows, header=header), "b.csv")
    assert plan.errors == [] and plan.created == 1
    assert plan.ignored_columns == ["№ п/п", "Примечание"]
    [row] = plan.persons
    assert (row.full_name, row.email, row.position, row.is_minor, row.processing_on) == (
        "Кузнецов Олег", "a@example.org", "физик", False, date(2025, 9, 2))


def test_xlsx_with_a_title_row_column_numbers_and_real_values(world):
    header = ["ФИО", "Роль", "Организация", "Дата вхождения в программу", "Телефон", "Несовершеннолетний",
              "Согласие на обработку"]
    rows = [[1, 2, 3, 4, 5, 6, 7],  # the row of column numbers of an official form
            ["Орлова Анна", "наставляемая", "Школа B", datetime(2025, 10, 1), 79001112233, True,
             datetime(2025, 9, 30)]]
    plan = read_registry(xlsx_bytes(rows, header=header, above=[["База наставляемых"], []]), "b.xlsx")
    assert plan.errors == []
    [row] = plan.persons
    assert row.row == 5  # title, empty row, header, numbers, then this one
    assert (row.joined_on, row.phone, row.is_minor, row.processing_on) == (
        date(2025, 10, 1), "79001112233", True, date(2025, 9, 30))


# --- bad rows ---------------------------------------------------------------------------------------------

def bad_rows():
    good = GOOD[0]

    def variant(**changes):
        row = list(good)
        for column, value in changes.items():
            row[HEADER.index(column)] = value
        return row

    return [
        good,                                                              # 2: fine, yet not saved
        variant(ФИО="Нет Организации", Организация="Школа C"),             # 3
        variant(ФИО="Плохая Дата", **{"Дата вхождения в программу": "31.02.2025"}),  # 4
        variant(ФИО="Плохая Роль", Роль="куратор"),                        # 5
        variant(ФИО="Плохая Категория", Категория="директор"),             # 6
        variant(ФИО="Плохая Форма", **{"Форма наставничества": "космос – земля"}),  # 7
        variant(ФИО=""),                                                   # 8
        variant(ФИО="Плохая Почта", Email="ivan@"),                        # 9
        variant(),                                                         # 10: the person of row 2 again
        variant(ФИО="Публикует Телефон", **{"Согласие на распространение": "ФИО, телефон"}),  # 11
        variant(ФИО="Без Обработки", **{"Согласие на обработку": ""}),     # 12
        variant(ФИО="Может Быть", Несовершеннолетний="может"),             # 13
        [""] * len(HEADER),                                                # 14: empty, skipped
        variant(ФИО="Из Будущего", **{"Согласие на обработку": "01.01.2100"}),  # 15
        variant(ФИО="Два Промаха", Роль="", Организация="Школа C"),        # 16
    ]


EXPECTED_ERRORS = [
    (3, "«Организация»: нет организации «Школа C»"),
    (4, "«Дата вхождения в программу»: «31.02.2025» — не дата"),
    (5, "«Роль»: неизвестная роль «куратор»"),
    (6, "«Категория»: неизвестная категория «директор»"),
    (7, "«Форма наставничества»: неизвестная форма наставничества «космос – земля»"),
    (8, "«ФИО»: не заполнено"),
    (9, "«Email»: «ivan@» — неверный адрес"),
    (10, "повторяет строку 2"),
    (11, "контакты публиковать нельзя"),
    (12, "даты согласия на обработку в этой строке нет"),
    (13, "«Несовершеннолетний»: «может» — нужно «да» или «нет»"),
    (15, "«Согласие на обработку»: дата 01.01.2100 ещё не наступила"),
    (16, "«Роль»: не заполнено"),
    (16, "нет организации «Школа C»"),
]


@pytest.mark.parametrize("fmt", ["csv utf-8 ;", "csv cp1251 ,", "xlsx"])
def test_every_bad_row_is_listed_with_its_number_and_nothing_is_saved(world, fmt):
    before = (count(Person), count(Consent))
    plan = read_registry(*FORMATS[fmt](bad_rows()))
    assert len(plan.errors) == len(EXPECTED_ERRORS), "\n".join(map(str, plan.errors))
    for error, (row, text) in zip(plan.errors, EXPECTED_ERRORS):
        assert error.row == row and text in error.message, str(error)
    assert str(plan.errors[0]).startswith("Строка 3: «Организация»")
    with pytest.raises(ValueError, match="Ничего не сохранено"):
        save_registry(plan)
    db.session.expire_all()
    assert (count(Person), count(Consent)) == before


def test_row_numbers_count_a_cell_with_line_breaks_as_one_row(world):
    first = list(GOOD[0])
    first[HEADER.index("Ключевые компетенции")] = "робототехника\nшахматы\nЕГЭ"
    second = list(GOOD[2])
    second[HEADER.index("Роль")] = "директор"
    plan = read_registry(csv_bytes([first, second]), "b.csv")
    assert [(e.row, "«директор»" in e.message) for e in plan.errors] == [(3, True)]
    assert plan.persons[0].competencies == "робототехника\nшахматы\nЕГЭ"


def test_an_unknown_publication_field_is_named(world):
    row = list(GOOD[0])
    row[-1] = "ФИО, любимый цвет"
    plan = read_registry(csv_bytes([row]), "b.csv")
    [error] = plan.errors
    assert error.row == 2 and "неизвестное поле «любимый цвет»" in error.message


def test_rows_of_organisations_outside_the_scope_are_errors_and_reveal_nothing(world):
    mentor_b = world.rows[("persons", "b")]
    mentor_b.consents[0].withdrawn_at = datetime(2025, 10, 1)
    db.session.commit()
    rows = [GOOD[0], [mentor_b.full_name, "наставник", "", "Школа B", "", "", "", "", "", "", "", "01.09.2025", ""]]
    plan = read_registry(csv_bytes(rows), "b.csv", organisation_ids={world.org_a.id})
    [error] = plan.errors
    assert error.row == 3 and "«Школа B» вам недоступна" in error.message
    assert [row.full_name for row in plan.persons] == ["Иванова Мария Петровна"]
    assert plan.warnings == [] and (plan.created, plan.updated, plan.unchanged) == (1, 0, 0)
    unscoped = read_registry(csv_bytes(rows), "b.csv")
    assert unscoped.errors == [] and any("отозвано" in w.message for w in unscoped.warnings)


def test_a_name_shared_by_two_organisations_is_ambiguous(world):
    world.org_b.short_name = "Школа A"
    db.session.commit()
    plan = read_registry(csv_bytes([GOOD[0]]), "b.csv")
    [error] = plan.errors
    assert "подходит к нескольким организациям" in error.message and world.org_a.slug in error.message


# --- re-import --------------------------------------------------------------------------------------------

def test_importing_the_same_file_twice_creates_nothing_the_second_time(world):
    data, filename = FORMATS["xlsx"](GOOD)
    save_registry(read_registry(data, filename))
    before = (count(Person), count(Consent))
    again = read_registry(data, filename)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert {row.action for row in again.persons} == {"unchanged"}
    save_registry(again)
    db.session.expire_all()
    assert (count(Person), count(Consent)) == before


def test_reimport_updates_fields_adds_roles_and_consents_and_keeps_empty_cells(world):
    save_registry(read_registry(csv_bytes(GOOD), "b.csv"))
    changed = list(GOOD[0])
    changed[0] = "  иванова   МАРИЯ петровна "  # the same person, written differently
    changed[1] = "наставляемый"
    changed[HEADER.index("Телефон")] = ""  # empty: keeps the phone
    changed[HEADER.index("Должность")] = "завуч"
    changed[HEADER.index("Согласие на распространение")] = "ФИО"  # narrower, same date: updates the consent
    later = list(changed)
    later[0] = "Иванова Мария Петровна"
    later[HEADER.index("Согласие на обработку")] = "01.03.2025"  # another date: a new consent
    later[HEADER.index("Согласие на распространение")] = ""
    plan = read_registry(csv_bytes([changed]), "b.csv")
    assert (plan.created, plan.updated) == (0, 1) and plan.persons[0].action == "update"
    save_registry(plan)
    save_registry(read_registry(csv_bytes([later]), "b.csv"))
    db.session.expire_all()
    maria = person_named("Иванова Мария Петровна")
    assert count(Person) == 4 + 3  # world's four and the file's three: no duplicate of Иванова
    assert maria.roles == {Role.MENTOR, Role.MENTEE}
    assert maria.position == "завуч" and maria.phone == "+7 900 123-45-67"
    assert [c.signed_on for c in consents_of(maria, ConsentKind.PROCESSING)] == [date(2025, 3, 1), date(2025, 9, 1)]
    [publication] = consents_of(maria, ConsentKind.PUBLICATION)
    assert publication.fields == {PublicField.FULL_NAME}


def test_reimport_matches_existing_persons_without_case_or_spacing(world):
    rows = [["наставник  a", "наставляемый", "", "ШКОЛА A", "", "", "", "", "", "", "", "", ""]]
    before = count(Person)
    plan = read_registry(csv_bytes(rows), "b.csv")
    assert (plan.created, plan.updated) == (0, 1)
    save_registry(plan)
    db.session.expire_all()
    mentor = world.rows[("persons", "a")]
    assert count(Person) == before and mentor.roles == {Role.MENTOR, Role.MENTEE}
    assert mentor.full_name == "Наставник A"  # the stored spelling stays


def test_reimport_does_not_bring_back_a_withdrawn_consent(world):
    save_registry(read_registry(csv_bytes(GOOD), "b.csv"))
    maria = person_named("Иванова Мария Петровна")
    [publication] = consents_of(maria, ConsentKind.PUBLICATION)
    publication.withdrawn_at = datetime(2025, 12, 1)
    db.session.commit()
    plan = read_registry(csv_bytes(GOOD), "b.csv")
    assert plan.updated == 0 and any("отозвано" in w.message and w.row == 2 for w in plan.warnings)
    save_registry(plan)
    db.session.expire_all()
    [publication] = consents_of(person_named("Иванова Мария Петровна"), ConsentKind.PUBLICATION)
    assert publication.withdrawn_at == datetime(2025, 12, 1)


def test_save_matches_again_so_an_old_preview_does_not_duplicate(world):
    plan = read_registry(csv_bytes(GOOD[:1]), "b.csv")
    save_registry(read_registry(csv_bytes(GOOD[:1]), "b.csv"))  # someone saved the same file meanwhile
    saved = save_registry(plan)
    assert (saved.created, saved.unchanged) == (0, 1)
    assert db.session.scalar(sa.select(sa.func.count()).where(Person.full_name == "Иванова Мария Петровна")) == 1


# --- unreadable files -------------------------------------------------------------------------------------

def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "не книга")
    return buffer.getvalue()


def empty_xlsx() -> bytes:
    buffer = io.BytesIO()
    openpyxl.Workbook().save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("data,filename,message", [
    (b"", "a.csv", "Файл пуст"),
    (b" \r\n;;;\r\n", "a.csv", "Файл пуст"),
    (empty_xlsx(), "a.xlsx", "Файл пуст"),
    ("ФИО;Роль;Организация\n".encode() + b"\x98\xe8\xe2\n", "a.csv", "кодировк"),
    ("ФИО;Роль;Организация\nИванов;наставник;Школа A\n".encode("koi8-r"), "a.csv", "кодировке Windows-1251"),
    (bytes(range(256)) * 4, "a.csv", "двоичные данные"),
    (b"\x89PNG\r\n\x1a\n" + bytes(100), "a.csv", "картинка PNG"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "a.xls", ".xls"),
    (zip_bytes(), "a.xlsx", "как книгу Excel"),
    (b"ID,Name\n1,Ivanov\n", "a.xlsx", "не книга Excel"),
    ("Иванов;наставник;Школа A\n".encode(), "a.csv", "Не найдена строка заголовков"),
    ("ФИО;Организация\nИванов;Школа A\n".encode(), "a.csv", "Нет обязательного столбца: «Роль»"),
    ("Роль;Организация;Должность\nнаставник;Школа A;учитель\n".encode(), "a.csv", "Нет обязательного столбца: «ФИО»"),
    ("ФИО;Роль;Организация\n".encode(), "a.csv", "только заголовки"),
    ("ФИО;Роль;Организация;Ф. И. О.\n".encode(), "a.csv", "«ФИО» встречается дважды"),
], ids=["empty", "blank lines", "empty xlsx", "no encoding", "koi8-r", "binary", "png", "xls", "zip", "text .xlsx",
        "no header", "no role column", "no name column", "header only", "duplicate column"])
def test_an_unreadable_file_says_why_in_russian(world, data, filename, message):
    before = count(Person)
    with pytest.raises(RegistryFileError, match=message):
        read_registry(data, filename)
    assert count(Person) == before


def test_a_file_over_5_mb_is_refused_before_reading(world):
    with pytest.raises(RegistryFileError, match="Файл слишком большой.*до 5 МБ"):
        read_registry(b"x" * (MAX_BYTES + 1), "a.csv")


def test_a_file_over_the_row_limit_is_refused(world):
    rows = "".join(f"Участник {i};наставник;Школа A\n" for i in range(MAX_ROWS + 1))
    with pytest.raises(RegistryFileError, match="больше 20 000 строк"):
        read_registry(("ФИО;Роль;Организация\n" + rows).encode(), "a.csv")


def test_ten_thousand_rows_are_checked_and_each_bad_one_is_reported(world):
    rows = [[f"Участник {i}", "наставляемый", "обучающийся", "Школа A", f"{i % 11 + 1} класс", "Ученик – ученик",
             "", "01.09.2025", "", f"u{i}@example.org", "да", "01.09.2025", "ФИО"] for i in range(10_000)]
    rows[4999][HEADER.index("Дата вхождения в программу")] = "32.09.2025"
    plan = read_registry(csv_bytes(rows), "big.csv")
    assert [(e.row, "не дата" in e.message) for e in plan.errors] == [(5001, True)]
    assert len(plan.persons) == 9_999 and plan.created == 9_999
    rows[4999][HEADER.index("Дата вхождения в программу")] = "01.09.2025"
    plan = read_registry(csv_bytes(rows), "big.csv")
    assert plan.errors == [] and plan.created == 10_000


# --- export -----------------------------------------------------------------------------------------------

@pytest.fixture
def registry(world):
    """World A's pairing with dates, a result and a case; the mentor with a join date."""
    pairing = world.rows[("pairings", "a")]
    pairing.starts_on, pairing.ends_on = date(2025, 9, 1), date(2026, 5, 31)
    pairing.result = "победа на олимпиаде"
    pairing.case = world.rows[("cases", "a")]
    world.rows[("persons", "a")].joined_on = date(2025, 9, 1)
    world.rows[("persons", "a")].phone = "+7 900 000-00-01"
    db.session.commit()
    return world


def open_xlsx(data: bytes):
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    return sheet, [[cell.value for cell in row] for row in sheet.iter_rows()]


def open_csv(data: bytes) -> list[list[str]]:
    assert data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def by_name(rows: list[list], header: list) -> dict[str, dict]:
    return {row[0]: dict(zip(header, row)) for row in rows[1:]}


def test_mentees_export_to_xlsx_has_the_forms_columns_and_the_mentor(registry):
    sheet, rows = open_xlsx(export_registry("mentees", "xlsx"))
    assert rows[0] == ["ФИО", "Телефон", "Email", "Организация (место работы/учёбы)", "Должность", "Категория",
                       "Форма наставничества", "Дата вхождения в программу", "ФИО наставника", "Срок", "Результаты",
                       "Ссылка на кейс", "Отметка о прохождении программы", "Согласие на обработку"]
    assert sheet["A1"].font.b and sheet.freeze_panes == "A2" and sheet.column_dimensions["A"].width >= 10
    mentee = by_name(rows, rows[0])["Наставляемый A"]
    case = registry.rows[("cases", "a")]
    assert mentee["ФИО наставника"] == "Наставник A" and mentee["Организация (место работы/учёбы)"] == "Школа A"
    assert mentee["Срок"] == "01.09.2025–31.05.2026" and mentee["Результаты"] == "победа на олимпиаде"
    assert mentee["Ссылка на кейс"] == f"/cases/{case.slug}/"
    assert mentee["Отметка о прохождении программы"] == "нет" and mentee["Согласие на обработку"] == "нет"
    assert mentee["Форма наставничества"] == "Ученик – ученик"  # from the pairing when the person has none
    assert set(by_name(rows, rows[0])) == {"Наставляемый A", "Наставляемый B"}


def test_mentors_export_to_xlsx_writes_dates_as_dates(registry):
    sheet, rows = open_xlsx(export_registry("mentors", "xlsx"))
    mentor = by_name(rows, rows[0])["Наставник A"]
    assert mentor["ФИО наставляемых"] == "Наставляемый A" and mentor["Телефон"] == "+7 900 000-00-01"
    assert mentor["Дата вхождения в программу"] == datetime(2025, 9, 1)
    assert mentor["Согласие на обработку"] == datetime(2025, 9, 1)
    assert sheet.cell(row=2, column=8).number_format == "DD.MM.YYYY"


def test_a_completed_pairing_marks_the_program_as_passed(registry):
    registry.rows[("pairings", "a")].status = PairingStatus.COMPLETED
    db.session.commit()
    rows = open_csv(export_registry("mentees", "csv"))
    mentee = by_name(rows, rows[0])["Наставляемый A"]
    assert mentee["Отметка о прохождении программы"] == "да" and mentee["ФИО наставника"] == "Наставник A"


def test_mentors_export_to_csv_and_the_organisation_filter(registry):
    rows = open_csv(export_registry("mentors", "csv", organisation_ids={registry.org_a.id}))
    assert rows[0][:3] == ["ФИО", "Телефон", "Email"] and rows[0][8] == "ФИО наставляемых"
    mentors = by_name(rows, rows[0])
    assert set(mentors) == {"Наставник A"}
    assert mentors["Наставник A"]["Согласие на обработку"] == "01.09.2025"
    assert mentors["Наставник A"]["Дата вхождения в программу"] == "01.09.2025"
    assert mentors["Наставник A"]["Телефон"] == "+7 900 000-00-01"  # a phone is not mistaken for a formula
    assert len(open_csv(export_registry("mentors", "csv", organisation_ids=set()))) == 1  # the header alone


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_programs_and_pairings_exports(registry, fmt):
    read = (lambda data: open_xlsx(data)[1]) if fmt == "xlsx" else open_csv
    programs = read(export_registry("programs", fmt, organisation_ids={registry.org_b.id}))
    assert programs[0] == ["Название", "Организация", "Форма", "Начало", "Окончание", "Пар"]
    assert [row[:3] for row in programs[1:]] == [["Программа B", "Школа B", "Ученик – ученик"]]
    assert str(programs[1][5]) == "1"
    pairings = read(export_registry("pairings", fmt))
    assert pairings[0] == ["Наставник", "Наставляемые", "Программа", "Форма", "Приказ №", "Дата приказа", "Начало",
                           "Окончание", "Состояние", "Результат"]
    pairing = by_name(pairings, pairings[0])["Наставник A"]
    assert pairing["Наставляемые"] == "Наставляемый A" and pairing["Приказ №"] == "A/1"
    assert pairing["Состояние"] == "Действует" and pairing["Результат"] == "победа на олимпиаде"
    assert {row[0] for row in pairings[1:]} == {"Наставник A", "Наставник B"}


def test_export_never_writes_a_formula(registry):
    mentor = registry.rows[("persons", "a")]
    mentor.position = '=HYPERLINK("http://example.org","x")'
    mentor.email = "-2+3+cmd@example.org"
    db.session.commit()
    sheet, rows = open_xlsx(export_registry("mentors", "xlsx"))
    assert sheet.cell(row=2, column=5).data_type == "s" and rows[1][4] == mentor.position
    rows = open_csv(export_registry("mentors", "csv"))
    exported = by_name(rows, rows[0])["Наставник A"]
    assert exported["Должность"] == "'" + mentor.position and exported["Email"].startswith("'-2")


def test_unknown_kind_or_format_is_refused(app):
    with pytest.raises(ValueError, match="Неизвестный реестр"):
        export_registry("cases", "csv")
    with pytest.raises(ValueError, match="Неизвестный формат"):
        export_registry("mentors", "pdf")


def test_an_exported_base_reads_back_with_a_role_column(registry):
    """The export's headers are import headers too: add «Роль», and the file updates the same persons."""
    sheet, rows = open_xlsx(export_registry("mentors", "xlsx"))
    workbook = openpyxl.Workbook()
    out = workbook.active
    for index, row in enumerate(rows):
        out.append(row + ["Роль" if index == 0 else "наставник"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    plan = read_registry(buffer.getvalue(), "mentors.xlsx")
    assert plan.errors == [], plan.errors
    assert plan.created == 0 and len(plan.persons) == 2  # the same two mentors, no duplicates
    # Only the form changes: the export fills it from the pairing when the person has none.
    assert plan.updated == 2 and {row.mentoring_form for row in plan.persons} == {MentoringForm.PUPIL_PUPIL}

