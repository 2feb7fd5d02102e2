"""The indicators as files for regional and federal monitoring reports: XLSX (openpyxl) and CSV.

The XLSX has three sheets: the indicators per organisation with the municipality's total, the same by mentoring
form, and the parameters (period, filter, date of the export). The CSV is the first sheet, in the dialect Excel
in a Russian locale opens with a double click (UTF-8 with BOM, «;»).
"""
from __future__ import annotations

import io
from datetime import datetime

from portal.registries.io_export import to_csv

from .indicators import Figures, Indicators

HEADERS = [
    "Организация", "Группа по результатам", "Наставников", "Наставляемых", "Пар и групп",
    "Обучающихся вовлечено", "Обучающихся всего", "Доля обучающихся, %",
    "Педагогов вовлечено", "Педагогов всего", "Доля педагогов, %",
    "Удовлетворённость (из 10)", "Анкет удовлетворённости", "Кейсов опубликовано",
    "Мероприятий дорожной карты выполнено", "Мероприятий дорожной карты всего", "Выполнение дорожной карты, %",
]
FORM_HEADERS = ["Организация", "Форма наставничества", "Наставников", "Наставляемых", "Пар и групп"]
FORMATS = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           "csv": "text/csv; charset=utf-8"}


def _cluster(figures: Figures) -> str:
    return figures.cluster.label.split(" — ")[0] if figures.cluster else ""


def row(figures: Figures) -> list:
    return [figures.name, _cluster(figures), figures.mentors, figures.mentees, figures.pairings,
            figures.pupils_involved, figures.pupils_count, figures.pupils_share,
            figures.teachers_involved, figures.teachers_count, figures.teachers_share,
            figures.satisfaction, figures.satisfaction_responses, figures.cases_published,
            figures.activities_done, figures.activities_total, figures.roadmap_percent]


def rows(indicators: Indicators) -> list[list]:
    return [row(figures) for figures in indicators.rows] + [row(indicators.total)]


def form_rows(indicators: Indicators) -> list[list]:
    found = []
    for figures in [*indicators.rows, indicators.total]:
        for form in indicators.forms:
            if form in figures.by_form:
                found.append([figures.name, form.label, *figures.by_form[form]])
    return found


def filename(indicators: Indicators, fmt: str) -> str:
    return f"pokazateli-nastavnichestva-{indicators.period.start:%Y%m%d}-{indicators.period.end:%Y%m%d}.{fmt}"


def to_csv_bytes(indicators: Indicators) -> bytes:
    # Numbers as text with a decimal comma: what a Russian Excel reads as numbers.
    shown = [[f"{value:.1f}".replace(".", ",") if isinstance(value, float) else value for value in line]
             for line in rows(indicators)]
    return to_csv(HEADERS, shown)


def to_xlsx_bytes(indicators: Indicators, filters: str, generated_at: datetime) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    bold = Font(bold=True)
    sheets = (("Показатели", HEADERS, rows(indicators)), ("По формам наставничества", FORM_HEADERS,
                                                            form_rows(indicators)))
    for index, (title, headers, lines) in enumerate(sheets):
        sheet = workbook.active if index == 0 else workbook.create_sheet()
        sheet.title = title
        sheet.append(headers)
        for cell in sheet[1]:
            cell.font = bold
        for line in lines:
            sheet.append(["" if value is None else value for value in line])
        for cell in sheet[sheet.max_row] if title == "Показатели" else ():
            cell.font = bold  # the municipality's total
        for column, header in enumerate(headers, start=1):
            sheet.column_dimensions[get_column_letter(column)].width = max(12, min(len(header) + 2, 40))
        sheet.column_dimensions["A"].width = 40
        sheet.freeze_panes = "B2"
    about = workbook.create_sheet("Параметры")
    for key, value in (("Период", indicators.period.label()), ("Отбор", filters or "все организации"),
                       ("Сформировано", generated_at.strftime("%d.%m.%Y %H:%M"))):
        about.append([key, value])
    about.column_dimensions["A"].width, about.column_dimensions["B"].width = 16, 60
    for sheet in workbook.worksheets:  # the selection's organisation names too
        for line in sheet.iter_rows():
            for cell in line:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # «=…» in a name stays text, never a formula
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
