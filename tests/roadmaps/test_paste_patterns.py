"""Issue 23: the seven ways real pasted roadmaps went wrong, each rebuilt as schools write them (our own text)."""
from __future__ import annotations

import io
from datetime import date

from docx import Document

from portal.roadmaps.parse import parse_table, split_people
from portal.roadmaps.tables import read_bytes, read_text

TITLE = "Дорожная карта внедрения целевой модели наставничества в МБДОУ «Детский сад № 18» на 2023-2024 учебный год"


def parse(*lines: str):
    return parse_table(read_text("\n".join([TITLE, "", *lines])))


def shape(parsed) -> list[tuple[str | None, str, list[tuple[str | None, str]]]]:
    return [(s.number, s.title, [(a.number, a.title) for a in s.activities]) for s in parsed.stages]


# 1. A stage row merged across the table pastes as one line without tabs.

STAGE_ROWS = [
    "1. Нормативное правовое регулирование внедрения целевой модели наставничества",
    "1.1\tИздание приказа о внедрении целевой модели наставничества\tсентябрь 2023\tЗаведующий\tПриказ",
    "1.2\tРазработка Положения о наставничестве\tоктябрь 2023\tСтарший воспитатель\tПоложение",
    "2. Формирование базы наставников и наставляемых",
    "2.1\tАнкетирование педагогов\tноябрь 2023\tПедагог-психолог\tБаза наставников",
]
EXPECTED_STAGES = [
    ("1", "Нормативное правовое регулирование внедрения целевой модели наставничества",
     [("1.1", "Издание приказа о внедрении целевой модели наставничества"),
      ("1.2", "Разработка Положения о наставничестве")]),
    ("2", "Формирование базы наставников и наставляемых", [("2.1", "Анкетирование педагогов")]),
]
HEADER = "№ п/п\tМероприятия\tСроки\tОтветственные\tОжидаемый результат"


def test_stage_row_without_tabs_after_the_header_is_a_stage_not_part_of_the_header():
    parsed = parse(HEADER, *STAGE_ROWS)
    assert shape(parsed) == EXPECTED_STAGES  # no made-up stage «Мероприятия»
    assert not any("до первого этапа" in message for _line, message in parsed.warnings)
    assert parsed.stages[0].unsure  # the preview asks the curator to check it


def test_stage_row_without_tabs_after_the_column_numbers_row():
    parsed = parse(HEADER, "1\t2\t3\t4\t5", *STAGE_ROWS)
    assert shape(parsed) == EXPECTED_STAGES
    assert parsed.stages[0].activities[0].expected_result == "Приказ"  # the stage text joined no cell


def test_stage_row_without_tabs_does_not_join_the_last_cell_of_the_row_above():
    parsed = parse(HEADER, *STAGE_ROWS)
    assert parsed.stages[0].activities[1].expected_result == "Положение"
    assert [s.title for s in parsed.stages][1] == "Формирование базы наставников и наставляемых"


def test_roman_and_word_stage_rows_without_tabs():
    parsed = parse(HEADER, "I. Подготовительный этап", STAGE_ROWS[1],
                   "Основной этап", "2.1\tАнкетирование педагогов\tноябрь 2023\tПедагог-психолог\tБаза")
    assert [(s.number, s.title) for s in parsed.stages] == [("I", "Подготовительный этап"), (None, "Основной этап")]


def test_a_broken_line_of_a_cell_still_joins_the_cell_above():
    parsed = parse(HEADER, STAGE_ROWS[0], "1.1\tИздание приказа о внедрении\tсентябрь 2023\tЗаведующий\tПриказ",
                   "о назначении куратора", STAGE_ROWS[2])
    assert parsed.stages[0].activities[0].expected_result == "Приказ о назначении куратора"
    assert len(parsed.stages[0].activities) == 2


# 2. Two columns that both speak of activities.

def test_second_activity_column_is_the_content_of_the_activity():
    parsed = parse(
        "№\tМероприятия\tСодержание деятельности и примерный план мероприятий\tСроки\tОтветственные",
        "I. Подготовка условий для запуска программы наставничества",
        "1.\tИнформирование педагогического сообщества\tПроведение педагогического совета, размещение информации "
        "на сайте ДОУ\tсентябрь 2023\tЗаведующий",
        "2.\tВыбор форм наставничества\tИзучение запросов педагогов, выбор форм «педагог – педагог»\t"
        "октябрь 2023\tСтарший воспитатель",
    )
    activities = parsed.stages[0].activities
    assert [(a.number, a.title) for a in activities] == [("1", "Информирование педагогического сообщества"),
                                                         ("2", "Выбор форм наставничества")]
    assert activities[0].details == "Проведение педагогического совета, размещение информации на сайте ДОУ"
    assert activities[1].details.startswith("Изучение запросов педагогов")
    assert "details" in activities[0].unsure  # a guessed column


# 3. «I. …» sections with plain-numbered activities whose other cells are empty.

def test_plain_numbered_activities_in_roman_sections_are_not_stages():
    parsed = parse(
        "№\tМероприятия\tСроки\tОтветственные",
        "I.\tПодготовительный этап\t\t",
        "1.\tИздание приказа о внедрении целевой модели наставничества\tсентябрь 2023\tЗаведующий",
        "2.\tРазработка Положения о наставничестве\t\t",
        "3.\tСоздание рабочей группы\t\t",
        "II.\tОсновной этап\t\t",
        "1.\tФормирование наставнических пар\tоктябрь 2023\tСтарший воспитатель",
        "2.\tОбучение наставников\t\t",
    )
    assert [(s.number, s.title, len(s.activities)) for s in parsed.stages] == [
        ("I", "Подготовительный этап", 3), ("II", "Основной этап", 2)]
    assert [a.number for a in parsed.stages[0].activities] == ["1", "2", "3"]


def test_plain_numbered_stages_without_roman_sections_still_work():
    parsed = parse("№\tМероприятия\tСроки\tОтветственные", "1.\tПодготовительный этап\t\t",
                   "1.1\tИздание приказа\tсентябрь 2023\tЗаведующий", "2.\tОсновной этап\t\t",
                   "2.1\tОбучение наставников\tоктябрь 2023\tСтарший воспитатель")
    assert [(s.number, len(s.activities)) for s in parsed.stages] == [("1", 1), ("2", 1)]


# 4. An empty deadline cell inherits the deadline above only where the document shows a merge.

def test_empty_deadline_in_pasted_text_stays_empty_with_a_warning():
    parsed = parse(HEADER, STAGE_ROWS[0], STAGE_ROWS[1],
                   "1.2\tРазработка Положения о наставничестве\t\tСтарший воспитатель\tПоложение")
    second = parsed.stages[0].activities[1]
    assert second.deadline is None
    assert second.unsure["deadline"] == "ячейка пуста; выше — «сентябрь 2023»"
    assert any(line == second.line and "впишите «сентябрь 2023»" in message for line, message in parsed.warnings)


def docx_with_merged_deadline() -> bytes:
    rows = [["№", "Мероприятия", "Сроки", "Ответственные"],
            ["1.", "Организационный этап", "", ""],
            ["1.1", "Издание приказа", "до 20 сентября 2023", "Заведующий"],
            ["1.2", "Разработка Положения о наставничестве", "", "Старший воспитатель"],
            ["1.3", "Создание рабочей группы", "", "Заведующий"]]
    document = Document()
    document.add_paragraph(TITLE)
    grid = document.add_table(rows=len(rows), cols=len(rows[0]))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            grid.cell(r, c).text = text
    grid.cell(2, 2).merge(grid.cell(3, 2))  # 1.1 and 1.2 share one deadline cell; 1.3 has an empty one
    grid.cell(2, 2).text = "до 20 сентября 2023"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_vertical_merge_gives_the_deadline_and_an_empty_cell_does_not():
    parsed = parse_table(read_bytes(docx_with_merged_deadline(), "карта.docx"))
    first, second, third = parsed.stages[0].activities
    assert first.deadline.end == date(2023, 9, 20)
    assert second.deadline is first.deadline
    assert second.unsure["deadline"].startswith("объединённая ячейка")
    assert third.deadline is None and "deadline" in third.unsure


# 5. A header on two rows.

def test_two_row_header_keeps_both_executor_columns():
    parsed = parse(
        "№\tМероприятия\tСроки\tИсполнители\tРезультат",
        "\t\t\tмуниципальные\tОУ\t",
        "1. Организационный этап",
        "1.1\tФормирование базы наставников\tоктябрь 2023\tУправление образования\tМБОУ «СОШ № 2»\tБаза "
        "наставников",
        "1.2\tОбучение наставников\tноябрь 2023\tИМЦ\tКуратор ОУ\tСертификаты",
    )
    assert shape(parsed) == [("1", "Организационный этап", [("1.1", "Формирование базы наставников"),
                                                             ("1.2", "Обучение наставников")])]
    first, second = parsed.stages[0].activities
    assert first.responsible == ["Управление образования", "МБОУ «СОШ № 2»"]
    assert first.expected_result == "База наставников"
    assert second.responsible == ["ИМЦ", "Куратор ОУ"]
    assert "responsible" in first.unsure


def test_two_row_header_pasted_with_an_empty_top_cell():
    parsed = parse("№\tМероприятия\tСроки\tИсполнители\t\tРезультат",
                   "\t\t\tмуниципальные\tОУ\t",
                   "1. Организационный этап",
                   "1.1\tФормирование базы наставников\tоктябрь 2023\tУправление образования\tКуратор ОУ\tБаза")
    activity = parsed.stages[0].activities[0]
    assert activity.responsible == ["Управление образования", "Куратор ОУ"] and activity.expected_result == "База"


def test_a_first_row_of_short_words_under_a_one_row_header_stays_a_row():
    # Short words that split no header cell are not a sub-header: the row is read, not dropped.
    parsed = parse("№\tМероприятия\tСроки\tОтветственные", "\t\tсентябрь\tЗаведующий")
    assert [a.deadline.text for s in parsed.stages for a in s.activities] == ["сентябрь"]


# 6. A responsible person with a position.

def test_name_and_position_stay_one_person():
    assert split_people("Пономарёва Е.А., заведующий МБДОУ №18, педагоги") == [
        "Пономарёва Е.А., заведующий МБДОУ №18", "педагоги"]
    assert split_people("Иванова С.В., старший воспитатель; Петрова А.А., педагог-психолог") == [
        "Иванова С.В., старший воспитатель", "Петрова А.А., педагог-психолог"]
    assert split_people("Директор, заместитель директора по УВР") == ["Директор", "заместитель директора по УВР"]
    parsed = parse(HEADER, STAGE_ROWS[0], "1.1\tИздание приказа\tсентябрь 2023\tПономарёва Е.А., заведующий "
                                          "МБДОУ №18, педагоги\tПриказ")
    assert parsed.stages[0].activities[0].responsible == ["Пономарёва Е.А., заведующий МБДОУ №18", "педагоги"]


# 7. A continuation line of a cell.

def test_continuation_line_of_an_activity_cell_is_not_a_new_activity():
    parsed = parse(
        "№\tМероприятия\tСроки\tОтветственные",
        "1.\tОрганизационный этап\t\t",
        "1.1\tИздание приказа «О внедрении целевой модели наставничества\tсентябрь 2023\tЗаведующий",
        "\tв МБДОУ «Детский сад № 18»»\t\t",
        "1.2\tРазработка и утверждение\tоктябрь 2023\tСтарший воспитатель",
        "\tПоложения о программе наставничества и дорожной карты\t\t",
        "1.3\tСоздание рабочей группы\tоктябрь 2023\tЗаведующий",
    )
    assert shape(parsed) == [("1", "Организационный этап", [
        ("1.1", "Издание приказа «О внедрении целевой модели наставничества в МБДОУ «Детский сад № 18»»"),
        ("1.2", "Разработка и утверждение Положения о программе наставничества и дорожной карты"),
        ("1.3", "Создание рабочей группы")])]


def test_unnumbered_activities_of_an_unnumbered_table_stay_activities():
    parsed = parse("№\tМероприятия\tСроки\tОтветственные", "1.\tОрганизационный этап\t\t",
                   "\tИздание приказа\tсентябрь 2023\tЗаведующий",
                   "\tРазработка Положения\t\t",
                   "\tСоздание рабочей группы\tоктябрь 2023\tЗаведующий")
    assert len(parsed.stages[0].activities) == 3
