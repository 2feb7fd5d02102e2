"""Parsing roadmaps: the three real samples as a careful reader sees them, other table shapes, bad input."""
from __future__ import annotations

import io
from datetime import date

import pytest
from docx import Document

from portal.roadmaps.parse import parse_table, split_items, split_number, split_people
from portal.roadmaps.tables import MAX_BYTES, UnreadableFile, read_bytes, read_text
from tests_support import sample_path


def sample(prefix: str):
    path = sample_path(prefix)
    return parse_table(read_bytes(path.read_bytes(), path.name))


def find(parsed, words: str):
    return next(a for s in parsed.stages for a in s.activities if words in a.title)


def test_sample_000_music_school_with_activity_and_content_columns():
    parsed = sample("000")
    assert parsed.organisation == "МБУ ДО «ДМШ № 2 им. М.П. Мусоргского»"
    assert parsed.title.startswith("«Дорожная карта» реализации целевой модели наставничества")
    assert parsed.year == 2022
    assert [s.number for s in parsed.stages] == ["1", "2", "3", "4", "5", "6", "7"]
    assert [len(s.activities) for s in parsed.stages] == [4, 2, 2, 2, 2, 2, 2]
    assert parsed.stages[6].title == "Завершение наставничества"  # «наставничеств а» joined
    # An activity spread over rows is one activity, with the content and people of all its rows.
    choice = find(parsed, "Выбор форм и программ наставничества")
    assert choice.title == "Выбор форм и программ наставничества исходя из потребностей Школы"
    assert choice.responsible == ["Заместитель директора", "Директор школы", "Куратор целевой модели наставничества"]
    assert "Сформировать банк программ" in choice.details
    control = find(parsed, "Организация текущего контроля")
    assert control.title == "Организация текущего контроля достижения планируемых результатов наставниками"
    assert control.deadline.text == "2022/2023 учебный год"
    assert (control.deadline.start, control.deadline.end) == (date(2022, 9, 1), date(2023, 5, 31))
    training = find(parsed, "Обучение наставников для")
    assert training.title == "Обучение наставников для работы с наставляемыми"
    assert training.details.endswith("провести обучение.")
    normative = find(parsed, "Подготовка нормативной базы")
    assert (normative.deadline.start, normative.deadline.end) == (date(2022, 11, 1), date(2022, 11, 30))
    reports = find(parsed, "Отчеты по итогам")
    assert reports.deadline.end == date(2023, 5, 31) and reports.responsible == ["Куратор целевой модели наставничества"]
    assert find(parsed, "Изучение и систематизация").deadline is None  # its cell is empty


def test_sample_001_roman_stages_numbered_items_and_html():
    parsed = sample("001")
    assert parsed.title == "ЭТАПЫ реализации Программы наставничества"
    assert parsed.year == 2020  # from «от 23.09.2020 №428»
    assert [s.number for s in parsed.stages] == ["I", "II", "III", "IV", "V", "VI", "6"]
    assert [len(s.activities) for s in parsed.stages] == [5, 2, 2, 2, 1, 6, 4]
    assert parsed.stages[5].title == "Организация работы наставнических пар и групп"  # <p> removed
    first = parsed.stages[0].activities
    assert [a.number for a in first] == ["1", "2", "3", "4", "5"]
    assert first[0].title.startswith("Подготовить нормативно-правовое обеспечение Программы")
    # Pasted text does not show whether the empty deadline cells were merged with the one above (issue 23):
    # they stay empty, each with a warning naming the deadline above, and the preview marks them.
    assert first[0].deadline.text == "до 31 ноября"
    assert [a.deadline for a in first[1:]] == [None] * 4
    assert all("до 31 ноября" in a.unsure["deadline"] for a in first[1:])
    assert sum("впишите «до 31 ноября»" in message for _line, message in parsed.warnings) == 4
    assert first[0].deadline.end is None  # 31 November does not exist…
    assert any("31 ноября" in message for _, message in parsed.warnings)  # …and the warning says so
    assert parsed.stages[1].activities[1].title.startswith("Сформировать базу наставляемых")
    assert parsed.stages[1].activities[1].deadline.end == date(2020, 12, 6)
    last = parsed.stages[6].activities
    assert last[3].title.startswith("Реализовать систему поощрения наставников")
    assert last[0].deadline.end == date(2021, 5, 25)
    assert all("<" not in a.title for s in parsed.stages for a in s.activities)


def test_sample_002_teachers_system_with_results_and_named_people():
    parsed = sample("002")
    assert parsed.organisation == "МКОУ «Муцалаульская СОШ №2»"
    assert parsed.title.startswith("ДОРОЖНАЯ КАРТА МКОУ «Муцалаульская СОШ №2» по реализации Положения")
    assert parsed.year == 2023
    assert [s.number for s in parsed.stages] == ["1", "2", "3", "4", "5", "6", "7"]
    assert [len(s.activities) for s in parsed.stages] == [1, 2, 2, 1, 1, 1, 1]
    assert parsed.stages[1].title == "Формирование банка наставляемых"  # «2. 2. …» numbered once
    bank = parsed.stages[1].activities
    assert [a.number for a in bank] == ["1", "2"]
    assert bank[1].expected_result.startswith("Сформирована база наставляемых")
    assert bank[1].responsible == ["Куратор Латипов А.М"]  # merged cell, inherited
    assert bank[0].deadline.recurrence == "yearly"
    assert bank[0].deadline.start.month == 9
    work = parsed.stages[4].activities[0]
    assert work.responsible == ["Куратор Латипов А.М", "Наставник Баирханова А.Ю", "Эпиева Л.А",
                                "Директор Гамзатов Б.М"]
    info = parsed.stages[6].activities[0]
    assert info.responsible == ["Администратор сайта"]
    assert info.expected_result == "Материалы размещены на сайте ОО"


def test_json_has_exactly_the_agreed_shape():
    data = sample("002").to_json()
    assert set(data) == {"title", "organisation", "year", "stages", "warnings"}
    stage = data["stages"][1]
    assert set(stage) == {"number", "title", "goal", "result", "activities"}
    activity = stage["activities"][0]
    assert set(activity) == {"number", "title", "details", "deadline", "responsible", "expected_result"}
    assert set(activity["deadline"]) == {"text", "start", "end", "recurrence"}
    assert activity["deadline"]["start"] == "2023-09-01" or activity["deadline"]["start"].startswith("20")


def table(*rows: str) -> str:
    return "\n".join(rows)


def test_decimal_numbering_stages_and_activities_in_one_column():
    parsed = parse_table(read_text(table(
        "План мероприятий на 2023 год",
        "№\tМероприятие\tСрок реализации\tОтветственный исполнитель\tВид документа",
        "1\t2\t3\t4\t5",
        "1.\tОрганизационный этап\t\t\t",
        "1.1\tПриказ о внедрении\tянварь\tДиректор\tПриказ",
        "1.2\tНазначение куратора\tфевраль\tДиректор\tПриказ",
        "2.\tОсновной этап\t\t\t",
        "2.1\tАнкетирование\tI квартал\tКуратор\tСправка",
    )))
    assert [(s.number, s.title) for s in parsed.stages] == [("1", "Организационный этап"), ("2", "Основной этап")]
    assert [[a.number for a in s.activities] for s in parsed.stages] == [["1.1", "1.2"], ["2.1"]]
    assert parsed.stages[0].activities[1].expected_result == "Приказ"
    assert parsed.stages[0].activities[0].deadline.start == date(2023, 1, 1)
    assert parsed.year == 2023


def test_stage_rows_with_goal_and_result_and_two_responsible_columns():
    parsed = parse_table(read_text(table(
        "№\tНаименование мероприятия\tСроки\tОтветственные (муниципальный уровень)\tОтветственные (ОО)",
        "I.\tПодготовительный этап. Задача: создать условия. Результат: приняты документы\t\t\t",
        "1\tСовещание кураторов\tсентябрь 2023\tУправление образования\tКуратор ОО",
        "II.\tРеализация\t\t\t",
        "1\tВстречи пар\tв течение учебного года\t—\tНаставники",
    )))
    first = parsed.stages[0]
    assert (first.number, first.title, first.goal, first.result) == (
        "I", "Подготовительный этап", "создать условия", "приняты документы")
    assert first.activities[0].responsible == ["Управление образования", "Куратор ОО"]
    assert parsed.stages[1].activities[0].title == "Встречи пар"


def test_markdown_pipe_table_is_read_too():
    parsed = parse_table(read_text(table(
        "| Этап | Мероприятия | Сроки |",
        "|---|---|---|",
        "| **1. Старт** | Приказ о программе | до 1 октября 2024 |",
    )))
    assert parsed.stages[0].title == "Старт"
    assert parsed.stages[0].activities[0].deadline.end == date(2024, 10, 1)


def test_year_option_fills_deadlines_without_a_year():
    text = table("Этап\tМероприятия\tСроки", "1. Старт\tПриказ\tдо 10 декабря")
    assert parse_table(read_text(text)).stages[0].activities[0].deadline.end is None
    assert parse_table(read_text(text), year=2024).stages[0].activities[0].deadline.end == date(2024, 12, 10)


def make_docx(rows: list[list[str]], merge_stage_row: int | None = None, title: str | None = None) -> bytes:
    document = Document()
    if title:
        document.add_paragraph(title)
    grid = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, cells in enumerate(rows):
        for c, text in enumerate(cells):
            grid.cell(r, c).text = text
    if merge_stage_row is not None:
        merged = grid.cell(merge_stage_row, 0).merge(grid.cell(merge_stage_row, len(rows[0]) - 1))
        merged.text = rows[merge_stage_row][0]
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_table_with_merged_stage_row_and_merged_deadline():
    rows = [
        ["№", "Мероприятие", "Срок", "Ответственный"],
        ["1. Подготовка", "", "", ""],
        ["1.1", "Издать приказ", "Ноябрь 2022", "Директор"],
        ["1.2", "Провести совет", "", "Заместитель директора"],
    ]
    data = make_docx(rows, merge_stage_row=1, title="Дорожная карта МБОУ «СОШ № 3» на 2022 год")
    parsed = parse_table(read_bytes(data, "карта.docx"))
    assert parsed.organisation == "МБОУ «СОШ № 3»"
    assert [(s.number, s.title) for s in parsed.stages] == [("1", "Подготовка")]
    assert [(a.number, a.title, a.responsible) for a in parsed.stages[0].activities] == [
        ("1.1", "Издать приказ", ["Директор"]), ("1.2", "Провести совет", ["Заместитель директора"])]
    assert parsed.stages[0].activities[0].deadline.end == date(2022, 11, 30)


def test_docx_vertically_merged_cell_counts_once():
    document = Document()
    grid = document.add_table(rows=3, cols=3)
    for c, text in enumerate(["Этап", "Мероприятия", "Сроки"]):
        grid.cell(0, c).text = text
    grid.cell(1, 0).merge(grid.cell(2, 0)).text = "1. Старт"
    grid.cell(1, 1).text, grid.cell(2, 1).text = "Приказ", "Совещание"
    buffer = io.BytesIO()
    document.save(buffer)
    parsed = parse_table(read_bytes(buffer.getvalue(), "x.docx"))
    assert len(parsed.stages) == 1 and [a.title for a in parsed.stages[0].activities] == ["Приказ", "Совещание"]


@pytest.mark.parametrize("text,message", [
    ("", "Файл пуст"),
    ("Просто текст без таблицы\nи ещё строка", "Не найден заголовок таблицы"),
    ("Первое\tВторое\nтретье\tчетвёртое", "Не найден заголовок таблицы"),
    ("№\tМероприятие\tСрок\tОтветственный", "нет ни одной строки"),
])
def test_malformed_tables_give_warnings_and_no_stages(text, message):
    parsed = parse_table(read_text(text))
    assert parsed.stages == []
    assert any(message in m for _, m in parsed.warnings)


def test_binary_file_is_refused_clearly():
    with pytest.raises(UnreadableFile, match="двоичные данные"):
        read_bytes(b"\x00\x01\x02binary" * 100, "roadmap.txt")


def test_fake_docx_is_refused_clearly():
    with pytest.raises(UnreadableFile, match="не документ Word"):
        read_bytes(b"just text", "roadmap.docx")
    with pytest.raises(UnreadableFile, match="Не удалось открыть документ Word"):
        read_bytes(b"PK\x03\x04 broken zip", "roadmap.docx")


def test_five_megabyte_paste_is_refused():
    with pytest.raises(UnreadableFile, match="слишком большой"):
        read_bytes(("Этап\tМероприятия\tСроки\n" + "1. Этап\tПриказ\tмай\n" * 300_000).encode(), "big.txt")
    assert MAX_BYTES < 5 * 1024 * 1024


def test_cp1251_text_is_read():
    data = "Этап\tМероприятия\tСроки\n1. Старт\tПриказ\tмай 2023\n".encode("cp1251")
    assert parse_table(read_bytes(data, "win.txt")).stages[0].activities[0].title == "Приказ"


def test_helpers():
    assert split_number("1.1 Анкетирование") == ("1.1", "Анкетирование")
    assert split_number("IV. Обучение") == ("IV", "Обучение")
    assert split_number("Ивановская школа") == (None, "Ивановская школа")
    assert split_items("1. Раз 2. Два 3. Три") == ["1. Раз", "2. Два", "3. Три"]
    assert split_items("Приказ № 2 от 2022. Положение") == ["Приказ № 2 от 2022. Положение"]
    assert split_people("Директор школы; куратор") == ["Директор школы", "куратор"]


def test_exported_docx_parses_back_to_the_same_roadmap(app):
    """Round trip: a roadmap saved from a sample, exported to Word, and parsed again."""
    from portal.extensions import db
    from portal.models import Organisation
    from portal.roadmaps import export, importer

    original = sample("002")
    org = Organisation(name="Школа", short_name="Школа", kind="school")
    db.session.add(org)
    roadmap = importer.save(original, org)
    again = parse_table(read_bytes(export.roadmap_docx(roadmap), "export.docx"))

    def shape(parsed):
        return [(s.number, s.title, [(a.number, a.title, a.deadline.text if a.deadline else None,
                                      a.responsible, a.expected_result) for a in s.activities])
                for s in parsed.stages]

    assert shape(again) == shape(original)
