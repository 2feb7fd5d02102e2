"""Roadmap downloads: the Word document and the iCalendar file."""
from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm
from icalendar import Calendar

from portal.extensions import db
from portal.models import Activity, ActivityStatus, Organisation, OrganisationKind, Roadmap, Stage
from portal.roadmaps.export import export_filename, format_dates, roadmap_docx, roadmap_ical

HEADERS = ["№", "Мероприятие", "Содержание деятельности", "Сроки", "Ответственные", "Ожидаемый результат"]


def make_roadmap(*, details: bool = True, results: bool = True) -> Roadmap:
    organisation = Organisation(name="МБОУ СОШ № 5", short_name="СОШ № 5", kind=OrganisationKind.SCHOOL)
    roadmap = Roadmap(organisation=organisation, title="Дорожная карта внедрения целевой модели наставничества",
                      period="2025–2026 учебный год")
    first = Stage(roadmap=roadmap, position=1, number="1.", title="Подготовка условий",
                  goal="Создать нормативную базу", result="Приказ издан")
    second = Stage(roadmap=roadmap, position=2, number="2.", title="Формирование базы наставляемых")
    Activity(stage=first, position=1, number="1.1", title="Издание приказа о внедрении",
             details="Разработка и утверждение Положения" if details else "", deadline_text="Сентябрь 2025",
             deadline_start=date(2025, 9, 1), deadline_end=date(2025, 9, 30), responsible="Директор школы",
             expected_result="Приказ" if results else "")
    Activity(stage=first, position=2, number="1.2", title="Назначение куратора", deadline_end=date(2025, 10, 15),
             responsible="Заместитель директора")
    Activity(stage=second, position=1, number="2.1", title="Анкетирование обучающихся", deadline_text="В течение года",
             responsible="Куратор")
    Activity(stage=second, position=2, number="2.2", title="Фестиваль наставнических тандемов",
             deadline_text="Ежегодно, апрель", deadline_start=date(2026, 4, 1), deadline_end=date(2026, 4, 30),
             recurrence="yearly", responsible="Куратор", status=ActivityStatus.PLANNED)
    db.session.add(roadmap)
    db.session.commit()
    return roadmap


def activity(roadmap: Roadmap, number: str) -> Activity:
    return next(a for stage in roadmap.stages for a in stage.activities if a.number == number)


def open_docx(roadmap: Roadmap):
    document = Document(io.BytesIO(roadmap_docx(roadmap)))
    assert len(document.tables) == 1
    return document, document.tables[0]


def row_texts(row) -> list[str]:
    return [tc.xpath("string(.)") for tc in row._tr.tc_lst]


# --- Word -------------------------------------------------------------------------------------------


def test_docx_starts_with_the_approval_block_on_the_right(app):
    document, _table = open_docx(make_roadmap())
    first = document.paragraphs[:3]
    assert [p.text for p in first] == ["УТВЕРЖДАЮ", "Руководитель __________ / ______________ /",
                                       "«___» ____________ 20__ г."]
    assert all(p.alignment == WD_ALIGN_PARAGRAPH.RIGHT for p in first)


def test_docx_title_is_centered_bold_and_followed_by_the_period(app):
    roadmap = make_roadmap()
    document, _table = open_docx(roadmap)
    texts = [p.text for p in document.paragraphs]
    title = document.paragraphs[texts.index(roadmap.title)]
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert all(run.bold for run in title.runs)
    assert texts[texts.index(roadmap.title) + 1] == "2025–2026 учебный год"


def test_docx_header_row_names_the_columns_and_repeats_on_every_page(app):
    _document, table = open_docx(make_roadmap())
    header = table.rows[0]
    assert row_texts(header) == HEADERS
    flag = header._tr.trPr.find(qn("w:tblHeader"))
    assert flag is not None and flag.get(qn("w:val")) in ("true", "1", None)
    assert all(row._tr.trPr is None or row._tr.trPr.find(qn("w:tblHeader")) is None for row in table.rows[1:])
    assert table.style.name == "Table Grid"


def test_docx_stage_is_one_row_merged_across_the_table_with_goal_and_result(app):
    _document, table = open_docx(make_roadmap())
    stage_row = table.rows[1]
    (cell,) = stage_row._tr.tc_lst
    assert cell.grid_span == len(HEADERS)
    paragraphs = stage_row.cells[0].paragraphs
    assert [p.text for p in paragraphs] == ["1. Подготовка условий", "Задача: Создать нормативную базу",
                                            "Результат: Приказ издан"]
    assert all(run.bold for run in paragraphs[0].runs)
    # A stage without goal and result is its title alone.
    second_stage = table.rows[4]
    assert row_texts(second_stage) == ["2. Формирование базы наставляемых"]


def test_docx_activity_row_holds_its_cells_in_column_order(app):
    _document, table = open_docx(make_roadmap())
    assert row_texts(table.rows[2]) == ["1.1", "Издание приказа о внедрении", "Разработка и утверждение Положения",
                                        "Сентябрь 2025", "Директор школы", "Приказ"]


def test_docx_shows_the_dates_when_the_deadline_was_not_written(app):
    _document, table = open_docx(make_roadmap())
    cells = row_texts(table.rows[3])
    assert cells[0] == "1.2"
    assert cells[HEADERS.index("Сроки")] == "до 15 октября 2025 г."
    assert cells[HEADERS.index("Ответственные")] == "Заместитель директора"


def test_docx_leaves_out_the_optional_columns_no_activity_fills(app):
    _document, table = open_docx(make_roadmap(details=False, results=False))
    assert row_texts(table.rows[0]) == ["№", "Мероприятие", "Сроки", "Ответственные"]
    assert row_texts(table.rows[2]) == ["1.1", "Издание приказа о внедрении", "Сентябрь 2025", "Директор школы"]
    assert table.rows[1]._tr.tc_lst[0].grid_span == 4


def test_docx_keeps_one_optional_column_when_only_it_is_filled(app):
    _document, table = open_docx(make_roadmap(details=False, results=True))
    assert row_texts(table.rows[0]) == ["№", "Мероприятие", "Сроки", "Ответственные", "Ожидаемый результат"]


def test_docx_is_landscape_a4_in_times_new_roman_12(app):
    document, _table = open_docx(make_roadmap())
    section = document.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (297, 210)
    normal = document.styles["Normal"]
    assert normal.font.name == "Times New Roman"
    assert normal.font.size.pt == 12
    # The columns fill the width between the margins.
    usable = section.page_width - section.left_margin - section.right_margin
    assert abs(sum(column.width for column in _table.columns) - usable) < Mm(1)


def test_docx_of_a_roadmap_without_stages_is_the_header_alone(app):
    organisation = Organisation(name="Школа", short_name="Школа", kind=OrganisationKind.SCHOOL)
    roadmap = Roadmap(organisation=organisation, title="Пустая карта")
    db.session.add(roadmap)
    db.session.commit()
    _document, table = open_docx(roadmap)
    assert len(table.rows) == 1
    assert row_texts(table.rows[0]) == ["№", "Мероприятие", "Сроки", "Ответственные"]


# --- iCalendar --------------------------------------------------------------------------------------


def events(data: bytes) -> dict[str, object]:
    calendar = Calendar.from_ical(data)
    return {str(event["SUMMARY"]): event for event in calendar.walk("VEVENT")}


def test_ical_has_one_all_day_event_per_dated_activity(app):
    roadmap = make_roadmap()
    data = roadmap_ical(roadmap)
    calendar = Calendar.from_ical(data)
    assert str(calendar["X-WR-CALNAME"]) == roadmap.title
    assert "PRODID" in calendar and str(calendar["VERSION"]) == "2.0"
    found = events(data)
    assert sorted(found) == ["1.1 Издание приказа о внедрении", "1.2 Назначение куратора",
                             "2.2 Фестиваль наставнических тандемов"]  # 2.1 has no date
    for event in found.values():
        assert type(event.decoded("DTSTART")) is date and type(event.decoded("DTEND")) is date
        assert b"DTSTART;VALUE=DATE:" in event.to_ical()


def test_ical_end_is_the_day_after_the_last_and_an_end_alone_is_one_day(app):
    found = events(roadmap_ical(make_roadmap()))
    september = found["1.1 Издание приказа о внедрении"]
    assert (september.decoded("DTSTART"), september.decoded("DTEND")) == (date(2025, 9, 1), date(2025, 10, 1))
    end_only = found["1.2 Назначение куратора"]
    assert (end_only.decoded("DTSTART"), end_only.decoded("DTEND")) == (date(2025, 10, 15), date(2025, 10, 16))
    assert "RRULE" not in september and "RRULE" not in end_only


def test_ical_yearly_activity_repeats_every_year(app):
    festival = events(roadmap_ical(make_roadmap()))["2.2 Фестиваль наставнических тандемов"]
    assert festival["RRULE"]["FREQ"] == ["YEARLY"]
    assert "UNTIL" not in festival["RRULE"]
    assert (festival.decoded("DTSTART"), festival.decoded("DTEND")) == (date(2026, 4, 1), date(2026, 5, 1))


def test_ical_yearly_activity_over_several_years_is_its_first_year_repeated_until_the_end(app):
    roadmap = make_roadmap()
    festival = activity(roadmap, "2.2")
    festival.deadline_start, festival.deadline_end = date(2025, 9, 1), date(2027, 9, 30)
    db.session.commit()
    event = events(roadmap_ical(roadmap))["2.2 Фестиваль наставнических тандемов"]
    assert (event.decoded("DTSTART"), event.decoded("DTEND")) == (date(2025, 9, 1), date(2025, 10, 1))
    assert event["RRULE"]["FREQ"] == ["YEARLY"]
    assert event["RRULE"]["UNTIL"] == [date(2027, 9, 30)]


def test_ical_uid_is_stable_and_stamp_follows_the_last_change(app):
    roadmap = make_roadmap()
    first = events(roadmap_ical(roadmap))
    september = activity(roadmap, "1.1")
    september.title = "Издание приказа"
    september.updated_at = datetime(2025, 8, 20, 9, 30)
    db.session.commit()
    second = events(roadmap_ical(roadmap))
    before, after = first["1.1 Издание приказа о внедрении"], second["1.1 Издание приказа"]
    assert str(before["UID"]) == str(after["UID"]) == f"activity-{september.id}@mentoring-portal"
    assert len({str(event["UID"]) for event in second.values()}) == 3
    stamp = after.decoded("DTSTAMP")
    assert stamp.replace(tzinfo=None) == datetime(2025, 8, 20, 9, 30) and stamp.utcoffset().total_seconds() == 0


def test_ical_description_names_stage_responsible_deadline_and_page(app):
    found = events(roadmap_ical(make_roadmap(), site_url="https://example.org/roadmaps/sosh-5/"))
    description = str(found["1.1 Издание приказа о внедрении"]["DESCRIPTION"])
    assert description.splitlines() == ["Этап: 1. Подготовка условий", "Ответственные: Директор школы",
                                        "Сроки: Сентябрь 2025", "Подробнее: https://example.org/roadmaps/sosh-5/"]
    assert str(found["1.2 Назначение куратора"]["URL"]) == "https://example.org/roadmaps/sosh-5/"
    without_url = events(roadmap_ical(make_roadmap()))["1.2 Назначение куратора"]
    assert "URL" not in without_url
    assert str(without_url["DESCRIPTION"]).splitlines() == ["Этап: 1. Подготовка условий",
                                                            "Ответственные: Заместитель директора"]


# --- helpers ----------------------------------------------------------------------------------------


def test_export_filename_is_the_slug_with_the_extension(app):
    roadmap = make_roadmap()
    assert roadmap.slug
    assert export_filename(roadmap, "docx") == f"{roadmap.slug}.docx"
    assert export_filename(roadmap, "ics") == f"{roadmap.slug}.ics"


@pytest.mark.parametrize(("start", "end", "text"), [
    (date(2025, 9, 1), date(2026, 5, 31), "1 сентября 2025 г. – 31 мая 2026 г."),
    (date(2025, 9, 1), date(2025, 9, 1), "1 сентября 2025 г."),
    (date(2025, 9, 1), None, "с 1 сентября 2025 г."),
    (None, date(2026, 5, 31), "до 31 мая 2026 г."),
    (None, None, ""),
])
def test_format_dates_in_russian(start, end, text):
    assert format_dates(start, end) == text
