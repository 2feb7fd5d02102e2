"""Exporting the registries as the methodology's forms: .xlsx or .csv, restricted to given organisations.

The organisation filter is part of every query (persons, programs and pairings alike), so a curator's export
never loads another organisation's rows. The export is for the organisation's own records and holds
contacts: it is an admin download, never a file of the public site.
"""
from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager, joinedload, selectinload

from portal.cell_text import safe_cell_text
from portal.clock import local_now
from portal.extensions import db
from portal.registries.network import name_for
from portal.models import (
    Consent,
    ConsentKind,
    Organisation,
    Pairing,
    PairingStatus,
    Person,
    PersonRole,
    Program,
    Role,
)

KINDS = {"mentors": "База наставников", "mentees": "База наставляемых", "programs": "Программы наставничества",
         "pairings": "Наставнические пары"}
FORMATS = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           "csv": "text/csv; charset=utf-8"}
PERSON_HEADERS = ["ФИО", "Телефон", "Email", "Организация (место работы/учёбы)", "Должность", "Категория",
                  "Форма наставничества", "Дата вхождения в программу", "{partners}", "Срок", "Результаты",
                  "Ссылка на кейс", "Отметка о прохождении программы", "Согласие на обработку"]
PROGRAM_HEADERS = ["Название", "Организация", "Форма", "Начало", "Окончание", "Пар"]
PAIRING_HEADERS = ["Наставник", "Наставляемые", "Программа", "Форма", "Приказ №", "Дата приказа", "Начало",
                   "Окончание", "Состояние", "Результат"]
DATE_FORMAT = "DD.MM.YYYY"

Row = list[object]


def export_registry(kind: str, fmt: str, *, organisation_ids: set[int] | None = None) -> bytes:
    """The registry `kind` (mentors, mentees, programs, pairings) as `fmt` (xlsx, csv).

    organisation_ids=None exports every organisation; a set (a curator's organisations) only those.
    """
    if kind not in KINDS:
        raise ValueError(f"Неизвестный реестр «{kind}»: нужно одно из {', '.join(KINDS)}.")
    if fmt not in FORMATS:
        raise ValueError(f"Неизвестный формат «{fmt}»: нужно xlsx или csv.")
    if kind in ("mentors", "mentees"):
        headers, rows = _person_rows(Role.MENTOR if kind == "mentors" else Role.MENTEE, organisation_ids)
    elif kind == "programs":
        headers, rows = PROGRAM_HEADERS, _program_rows(organisation_ids)
    else:
        headers, rows = PAIRING_HEADERS, _pairing_rows(organisation_ids)
    return to_xlsx(KINDS[kind], headers, rows) if fmt == "xlsx" else to_csv(headers, rows)


def export_filename(kind: str, fmt: str, on: date | None = None) -> str:
    """A file name for the download, e.g. mentors-2025-10-01.xlsx."""
    return f"{kind}-{(on or local_now().date()):%Y-%m-%d}.{fmt}"


def _limited(query, column, organisation_ids: set[int] | None):
    return query if organisation_ids is None else query.where(column.in_(sorted(organisation_ids)))


def _person_rows(role: Role, organisation_ids: set[int] | None) -> tuple[list[str], list[Row]]:
    query = (sa.select(Person).join(PersonRole, PersonRole.person_id == Person.id).where(PersonRole.role == role)
             .join(Person.organisation).options(contains_eager(Person.organisation))
             .order_by(Organisation.short_name, Person.full_name, Person.id))
    persons = db.session.scalars(_limited(query, Person.organisation_id, organisation_ids)).unique().all()
    pairings_of: dict[int, list[Pairing]] = defaultdict(list)
    query = (sa.select(Pairing).where(Pairing.status != PairingStatus.TERMINATED)
             .options(joinedload(Pairing.mentor), joinedload(Pairing.case), selectinload(Pairing.mentees))
             .order_by(Pairing.starts_on, Pairing.id))
    for pairing in db.session.scalars(_limited(query, Pairing.organisation_id, organisation_ids)).unique():
        if role == Role.MENTOR:
            pairings_of[pairing.mentor_id].append(pairing)
        else:
            for mentee in pairing.mentees:
                pairings_of[mentee.id].append(pairing)
    partners = "ФИО наставляемых" if role == Role.MENTOR else "ФИО наставника"
    headers = [partners if h == "{partners}" else h for h in PERSON_HEADERS]
    now = local_now()
    rows = []
    for person in persons:
        every = pairings_of.get(person.id, [])
        shown = [p for p in every if p.status == PairingStatus.ACTIVE] or every  # else the completed ones
        # A network pairing's other side: no names of another organisation's people in a curator's file.
        if role == Role.MENTOR:
            names = [name_for(m, organisation_ids, Role.MENTEE) for p in shown for m in p.mentees]
        else:
            names = [name_for(p.mentor, organisation_ids, Role.MENTOR) for p in shown]
        rows.append([
            person.full_name, person.phone, person.email, person.organisation.short_name, person.position,
            person.category.label,
            person.mentoring_form.label if person.mentoring_form
            else ", ".join(dict.fromkeys(p.mentoring_form.label for p in shown)),
            person.joined_on,
            ", ".join(dict.fromkeys(names)),
            "; ".join(filter(None, (_period(p.starts_on, p.ends_on) for p in shown))),
            "; ".join(p.result for p in shown if p.result),
            "; ".join(f"/cases/{p.case.slug}/" for p in shown if p.case),
            "да" if any(p.status == PairingStatus.COMPLETED for p in every) else "нет",
            _processing_date(person.consents, now) or "нет",
        ])
    return headers, rows


def _period(start: date | None, end: date | None) -> str:
    if start and end:
        return f"{start:%d.%m.%Y}–{end:%d.%m.%Y}"
    if start:
        return f"с {start:%d.%m.%Y}"
    return f"по {end:%d.%m.%Y}" if end else ""


def _processing_date(consents: list[Consent], now: datetime) -> date | None:
    """The date of the latest consent to processing in force now (the rule of consent.py)."""
    valid = [c.signed_on for c in consents if c.kind == ConsentKind.PROCESSING and c.signed_on <= now.date()
             and (c.withdrawn_at is None or c.withdrawn_at > now)]
    return max(valid, default=None)


def _program_rows(organisation_ids: set[int] | None) -> list[Row]:
    pairs = (sa.select(sa.func.count(Pairing.id)).where(Pairing.program_id == Program.id)
             .correlate(Program).scalar_subquery())
    query = (sa.select(Program, pairs).join(Program.organisation).options(contains_eager(Program.organisation))
             .order_by(Organisation.short_name, Program.title, Program.id))
    return [[program.title, program.organisation.short_name, program.mentoring_form.label, program.starts_on,
             program.ends_on, count]
            for program, count in db.session.execute(_limited(query, Program.organisation_id, organisation_ids))]


def _pairing_rows(organisation_ids: set[int] | None) -> list[Row]:
    query = (sa.select(Pairing).join(Pairing.organisation)
             .options(contains_eager(Pairing.organisation), joinedload(Pairing.mentor), joinedload(Pairing.program),
                      selectinload(Pairing.mentees))
             .order_by(Organisation.short_name, Pairing.starts_on, Pairing.id))
    return [[name_for(p.mentor, organisation_ids, Role.MENTOR),
             ", ".join(name_for(m, organisation_ids, Role.MENTEE) for m in p.mentees), p.program.title if p.program else "",
             p.mentoring_form.label, p.order_number, p.order_date, p.starts_on, p.ends_on, p.status.label, p.result]
            for p in db.session.scalars(_limited(query, Pairing.organisation_id, organisation_ids)).unique()]


def to_csv(headers: list[str], rows: list[Row]) -> bytes:
    """UTF-8 with BOM and «;»: what Excel in a Russian locale opens with a double click."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(headers)
    for row in rows:
        writer.writerow(["" if v is None else f"{v:%d.%m.%Y}" if isinstance(v, date) else safe_cell_text(str(v))
                         for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(title: str, headers: list[str], rows: list[Row]) -> bytes:
    """One sheet: bold frozen header, widths from the content, dates as dates, text never run as a formula."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    for index, header in enumerate(headers):
        longest = max([len(header)] + [len(_shown(row[index])) for row in rows[:2000]])
        sheet.column_dimensions[get_column_letter(index + 1)].width = min(max(longest + 2, 10), 60)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)

    def cell(value, font=None):
        if isinstance(value, str):
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        result = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            result.data_type = "s"  # «=…» stays text
        if isinstance(value, date):
            result.number_format = DATE_FORMAT
        if font:
            result.font = font
        return result

    sheet.append([cell(header, bold) for header in headers])
    for row in rows:
        sheet.append([cell(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _shown(value) -> str:
    if value is None:
        return ""
    return "01.01.2000" if isinstance(value, date) else max(str(value).split("\n"), key=len)
