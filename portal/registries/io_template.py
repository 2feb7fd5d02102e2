"""The registry import template (.xlsx): the methodology's columns as the importer reads them, an example row,
and a sheet of the allowed values that the cells offer as drop-down lists. A curator fills it in Excel or
LibreOffice and imports it as it is."""
from __future__ import annotations

import io
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from portal.models import MentoringForm, PersonCategory, PublicField

from .io_table import COLUMNS, REQUIRED

FILENAME = "Шаблон реестра наставников и наставляемых.xlsx"
EXAMPLE = {
    "full_name": "Иванова Мария Петровна", "roles": "наставник", "category": PersonCategory.TEACHER.label,
    "organisation": "МБОУ «СОШ № 1»", "position": "учитель математики",
    "mentoring_form": MentoringForm.TEACHER_TEACHER.label, "competencies": "подготовка к ОГЭ, олимпиады",
    "achievements": "победитель муниципального конкурса «Учитель года»", "joined_on": date(2026, 9, 1),
    "phone": "+7 900 000-00-00", "email": "ivanova@example.org", "is_minor": "нет",
    "processing_on": "да", "publication": "ФИО, Должность, Организация",
}
# Help under each header: how the importer reads the column.
NOTES = {
    "roles": "наставник, наставляемый или «наставник, наставляемый»",
    "joined_on": "ДД.ММ.ГГГГ",
    "is_minor": "да или нет",
    "processing_on": "дата подписания (ДД.ММ.ГГГГ), «да» (подписано, дата — день загрузки) или «нет»",
    "publication": "что можно публиковать, через запятую: " + ", ".join(field.label for field in PublicField)
                   + "; контакты — нельзя",
}
ALLOWED = {
    "roles": ["наставник", "наставляемый", "наставник, наставляемый"],
    "category": [category.label for category in PersonCategory],
    "mentoring_form": [form.label for form in MentoringForm],
    "is_minor": ["да", "нет"],
}


def template_xlsx() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Реестр"
    names = list(COLUMNS)
    bold, required_fill = Font(bold=True), PatternFill("solid", fgColor="FFF2CC")
    for number, name in enumerate(names, start=1):
        cell = sheet.cell(row=1, column=number, value=COLUMNS[name][0])
        cell.font = bold
        if name in REQUIRED:
            cell.fill = required_fill
        value = EXAMPLE.get(name)
        example = sheet.cell(row=2, column=number, value=value)
        if isinstance(value, date):
            example.number_format = "DD.MM.YYYY"
        sheet.column_dimensions[get_column_letter(number)].width = max(14, min(40, len(COLUMNS[name][0]) + 6))
    sheet.freeze_panes = "A2"

    values = book.create_sheet("Допустимые значения")
    for number, (name, allowed) in enumerate(ALLOWED.items(), start=1):
        values.cell(row=1, column=number, value=COLUMNS[name][0]).font = bold
        for row, text in enumerate(allowed, start=2):
            values.cell(row=row, column=number, value=text)
        letter = get_column_letter(number)
        values.column_dimensions[letter].width = 36
        target = get_column_letter(names.index(name) + 1)
        rule = DataValidation(type="list", formula1=f"'Допустимые значения'!${letter}$2:${letter}${len(allowed) + 1}",
                              allow_blank=True, showErrorMessage=False)  # a warning-free hint: typed values pass too
        rule.add(f"{target}2:{target}2000")
        sheet.add_data_validation(rule)

    help_sheet = book.create_sheet("Как заполнять")
    help_sheet.column_dimensions["A"].width = 32
    help_sheet.column_dimensions["B"].width = 90
    help_sheet.append(["Колонка", "Как заполнять"])
    for name in names:
        note = NOTES.get(name, "")
        if name in REQUIRED:
            note = ("обязательно; " + note).rstrip("; ")
        help_sheet.append([COLUMNS[name][0], note])
    for row in help_sheet.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    help_sheet["A1"].font = help_sheet["B1"].font = bold
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
