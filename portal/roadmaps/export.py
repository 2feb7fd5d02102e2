"""A roadmap for download: a printable Word document (python-docx) and a calendar (iCalendar)."""
from __future__ import annotations

import io
from datetime import date, datetime, timedelta, timezone

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from icalendar import Calendar, Event

from portal.filters import ru_date
from portal.models import Activity, Roadmap

FONT = "Times New Roman"
APPROVAL = ("УТВЕРЖДАЮ", "Руководитель __________ / ______________ /", "«___» ____________ 20__ г.")
# (key, header, relative width); the «№» column has a fixed width.
COLUMNS = (
    ("number", "№", 0),
    ("title", "Мероприятие", 3),
    ("details", "Содержание деятельности", 4),
    ("deadline", "Сроки", 2),
    ("responsible", "Ответственные", 2.5),
    ("expected_result", "Ожидаемый результат", 3),
)
OPTIONAL_COLUMNS = ("details", "expected_result")  # shown only when some activity fills them
PAGE_WIDTH, PAGE_HEIGHT, MARGIN, NUMBER_WIDTH = Mm(297), Mm(210), Mm(20), Mm(12)
ICAL_PRODID = "-//Портал наставничества//mentoring-portal//RU"


def export_filename(roadmap: Roadmap, ext: str) -> str:
    return f"{roadmap.slug}.{ext}"


def format_dates(start: date | None, end: date | None) -> str:
    """Dates in Russian: «1 сентября 2025 – 31 мая 2026», «с 1 сентября 2025», «до 31 мая 2026»."""
    if start and end:
        return ru_date(start) if start == end else f"{ru_date(start)} – {ru_date(end)}"
    if start:
        return f"с {ru_date(start)}"
    if end:
        return f"до {ru_date(end)}"
    return ""


def deadline_label(activity: Activity) -> str:
    """The deadline as written, or the dates when nothing was written."""
    return activity.deadline_text.strip() if activity.deadline_text and activity.deadline_text.strip() \
        else format_dates(activity.deadline_start, activity.deadline_end)


def _activities(roadmap: Roadmap) -> list[Activity]:
    return [activity for stage in roadmap.stages for activity in stage.activities]


# --- Word -------------------------------------------------------------------------------------------


def _columns(roadmap: Roadmap) -> list[tuple[str, str, float]]:
    activities = _activities(roadmap)
    return [column for column in COLUMNS if column[0] not in OPTIONAL_COLUMNS
            or any((getattr(a, column[0]) or "").strip() for a in activities)]


def _set_default_font(document) -> None:
    style = document.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(12)
    # Word takes Cyrillic from hAnsi, but some setups read eastAsia/cs: name the font everywhere.
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attribute), FONT)
    style.paragraph_format.space_after = Pt(0)
    style.paragraph_format.space_before = Pt(0)


def _landscape_a4(document) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, MARGIN)


def _paragraph(document_or_cell, text: str, *, bold: bool = False, size: int | None = None,
               align=None, first: bool = False):
    paragraph = document_or_cell.paragraphs[0] if first else document_or_cell.add_paragraph()
    run = paragraph.add_run(text)
    run.bold = bold or None
    if size:
        run.font.size = Pt(size)
    if align is not None:
        paragraph.alignment = align
    return paragraph


def _repeat_as_header(row) -> None:
    """Mark the row as the table header, repeated at the top of every page (w:tblHeader)."""
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(flag)


def _widths(columns) -> list[int]:
    rest = PAGE_WIDTH - 2 * MARGIN - NUMBER_WIDTH
    total = sum(weight for _key, _header, weight in columns)
    return [NUMBER_WIDTH if key == "number" else int(rest * weight / total) for key, _header, weight in columns]


def _cell_text(activity: Activity, key: str) -> str:
    if key == "deadline":
        return deadline_label(activity)
    return getattr(activity, key) or ""


def roadmap_docx(roadmap: Roadmap) -> bytes:
    """The roadmap as a printable Word document, with the approval block and one table."""
    document = Document()
    _set_default_font(document)
    _landscape_a4(document)
    for line in APPROVAL:
        _paragraph(document, line, align=WD_ALIGN_PARAGRAPH.RIGHT)
    document.add_paragraph()
    _paragraph(document, roadmap.title, bold=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER)
    if roadmap.period:
        _paragraph(document, roadmap.period, align=WD_ALIGN_PARAGRAPH.CENTER)
    document.add_paragraph()

    columns = _columns(roadmap)
    widths = _widths(columns)
    table = document.add_table(rows=1, cols=len(columns))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, widths):
        column.width = width

    def fill(row) -> None:
        for cell, width in zip(row.cells, widths):
            cell.width = width

    header = table.rows[0]
    _repeat_as_header(header)
    fill(header)
    for cell, (_key, title, _weight) in zip(header.cells, columns):
        _paragraph(cell, title, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, first=True)

    for stage in roadmap.stages:
        row = table.add_row()
        fill(row)
        merged = row.cells[0].merge(row.cells[-1]) if len(columns) > 1 else row.cells[0]
        _paragraph(merged, str(stage), bold=True, first=True)
        for prefix, text in (("Задача", stage.goal), ("Результат", stage.result)):
            if text and text.strip():
                _paragraph(merged, f"{prefix}: {text.strip()}")
        for activity in stage.activities:
            row = table.add_row()
            fill(row)
            for cell, (key, _title, _weight) in zip(row.cells, columns):
                cell.text = _cell_text(activity, key)

    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- iCalendar --------------------------------------------------------------------------------------


def _same_day_in_first_year(start: date, end: date) -> date:
    """The end's month and day in the first year on or after start (29 February becomes the 28th)."""
    for year in (start.year, start.year + 1):
        try:
            candidate = end.replace(year=year)
        except ValueError:
            candidate = date(year, 2, 28)
        if candidate >= start:
            return candidate
    return end  # unreachable: a date in start.year + 1 is always after start


def _event(activity: Activity, site_url: str) -> Event:
    start = activity.deadline_start or activity.deadline_end
    end = activity.deadline_end or activity.deadline_start
    if end < start:  # dates entered in the wrong order: keep the span they describe
        start, end = end, start
    event = Event()
    event.add("uid", f"activity-{activity.id}@mentoring-portal")
    stamp = activity.updated_at or datetime.now(timezone.utc)  # unsaved rows have no timestamp yet
    event.add("dtstamp", stamp if stamp.tzinfo else stamp.replace(tzinfo=timezone.utc))
    event.add("summary", str(activity))
    rule = None
    if activity.recurrence == "yearly":
        # A yearly activity spanning several years («ежегодно в сентябре, 2025–2027») would otherwise be one
        # event of years that repeats over itself. The event is the first year's occurrence (start up to the
        # end's month and day), repeated yearly UNTIL the end date; within a year it simply repeats yearly.
        first_end = _same_day_in_first_year(start, end)
        rule = {"freq": "yearly", "until": end} if first_end < end else {"freq": "yearly"}
        end = first_end
    event.add("dtstart", start)
    event.add("dtend", end + timedelta(days=1))  # all-day: DTEND is the day after the last
    if rule:
        event.add("rrule", rule)
    lines = [f"Этап: {activity.stage}" if activity.stage else "",
             f"Ответственные: {activity.responsible.strip()}" if activity.responsible else "",
             f"Сроки: {activity.deadline_text.strip()}" if activity.deadline_text else "",
             f"Подробнее: {site_url}" if site_url else ""]
    event.add("description", "\n".join(line for line in lines if line.strip()))
    if site_url:
        event.add("url", site_url)
    return event


def roadmap_ical(roadmap: Roadmap, site_url: str = "") -> bytes:
    """An all-day event per activity with a date. `site_url` is the roadmap's page, linked from each event."""
    calendar = Calendar()
    calendar.add("prodid", ICAL_PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", roadmap.title)
    for activity in _activities(roadmap):
        if activity.deadline_start or activity.deadline_end:
            calendar.add_component(_event(activity, site_url))
    return calendar.to_ical()
