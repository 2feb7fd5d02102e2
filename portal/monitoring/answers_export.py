"""A questionnaire's answers as a table (.csv or .xlsx): one row per response, one column per question, for the
curator's own analysis in a spreadsheet. Responses are anonymous: no name, no address; the file stays in the
admin. Cells a spreadsheet would take for a formula are escaped."""
from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font

from portal.models import Questionnaire, QuestionnaireResponse
from portal.cell_text import safe_cell_text

FORMATS = {"csv": "text/csv; charset=utf-8",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
SOURCES = {"link": "по ссылке", "import": "загружен из файла"}


def _table(questionnaire: Questionnaire, responses: list[QuestionnaireResponse]) -> tuple[list[str], list[list]]:
    questions = sorted(questionnaire.questions, key=lambda question: question.position)
    headers = ["№", "Когда", "Откуда"] + [question.text for question in questions]
    rows = []
    for number, response in enumerate(sorted(responses, key=lambda r: (r.submitted_at, r.id)), start=1):
        answers: dict[int, list] = {}
        for answer in response.answers:
            answers.setdefault(answer.question_id, []).append(answer.number if answer.number is not None
                                                             else answer.text)
        row = [number, response.submitted_at.strftime("%d.%m.%Y %H:%M"), SOURCES.get(response.source, response.source)]
        for question in questions:
            values = answers.get(question.id, [])
            row.append(values[0] if len(values) == 1 and isinstance(values[0], int)
                       else "; ".join(str(value) for value in values))
        rows.append(row)
    return headers, rows


def export_answers(questionnaire: Questionnaire, responses: list[QuestionnaireResponse], fmt: str) -> bytes:
    if fmt not in FORMATS:
        raise ValueError(f"Неизвестный формат «{fmt}»: нужно csv или xlsx.")
    headers, rows = _table(questionnaire, responses)
    safe = [[value if isinstance(value, int) else safe_cell_text(str(value)) for value in row] for row in rows]
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";")
        writer.writerow([safe_cell_text(header) for header in headers])
        writer.writerows(safe)
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")  # the BOM: Excel opens UTF-8 as such
    book = Workbook()
    sheet = book.active
    sheet.title = "Ответы"
    sheet.append([safe_cell_text(header) for header in headers])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in safe:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
