"""Importing a registry of mentors and mentees from .xlsx or .csv: a checked plan first, then all or nothing.

`read_registry` reads the file (io_table.py) and each cell (io_values.py), checks every row against the
database and returns an `ImportPlan` without saving anything; `save_registry` applies a plan without errors
in one transaction. A re-import matches persons by ФИО (case, spacing and ё/е ignored) within the organisation:
a filled cell overwrites the stored value, an empty cell keeps it, roles are added, consents are added
once per date. A withdrawn consent is never brought back by importing an old file.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

import sqlalchemy as sa

from portal.extensions import db
from portal.models import (
    Consent,
    ConsentKind,
    MentoringForm,
    Organisation,
    Person,
    PersonCategory,
    PublicField,
    Role,
    Signatory,
)

from . import io_table, io_values
from .io_table import RegistryFileError
from .io_values import name_key

__all__ = ["ImportPlan", "PersonRow", "RegistryFileError", "RowError", "read_registry", "save_registry"]

# Attributes a filled cell overwrites on re-import (ФИО and organisation identify the person instead).
UPDATABLE = ("category", "is_minor", "position", "mentoring_form", "competencies", "achievements", "joined_on",
             "phone", "email")
MAX_LENGTHS = {"full_name": 300, "position": 300, "email": 200, "phone": 60, "competencies": 5000,
               "achievements": 5000}


@dataclass
class RowError:
    row: int  # the row number a person sees in Excel (the header is row 1 of a plain file)
    message: str

    def __str__(self) -> str:
        return f"Строка {self.row}: {self.message}"


@dataclass
class PersonRow:
    """One checked row. None means an empty cell (or no such column): the stored value is kept."""

    row: int
    full_name: str
    organisation_id: int
    organisation_name: str
    roles: set[Role]
    category: PersonCategory | None = None
    is_minor: bool | None = None
    position: str | None = None
    mentoring_form: MentoringForm | None = None
    competencies: str | None = None
    achievements: str | None = None
    joined_on: date | None = None
    phone: str | None = None
    email: str | None = None
    processing_on: date | None = None  # date of the consent to processing
    publication: frozenset[PublicField] | None = None  # fields of the consent to distribution
    action: str = "create"  # "create", "update" or "unchanged", as read_registry found the database

    @property
    def key(self) -> tuple[int, str]:
        return self.organisation_id, name_key(self.full_name)


@dataclass
class ImportPlan:
    persons: list[PersonRow]
    errors: list[RowError]
    created: int  # persons that would be (or were) created
    updated: int  # existing persons that would change
    unchanged: int = 0  # existing persons the file does not change
    warnings: list[RowError] = field(default_factory=list)  # saved anyway; shown in the preview
    source: str = ""  # how the file was read, e.g. "CSV, Windows-1251, разделитель «;»"
    ignored_columns: list[str] = field(default_factory=list)  # headers not recognised, skipped

    @property
    def ok(self) -> bool:
        return not self.errors


def read_registry(data: bytes, filename: str, *, organisation_ids: set[int] | None = None) -> ImportPlan:
    """Parse and check the file against the database; saves nothing. Raises RegistryFileError when the file
    as a whole cannot be read; problems of single rows are listed in `errors`, every one of them.

    organisation_ids (a curator's organisations; None = all) makes rows of other organisations errors before
    anything about their persons is looked up, so the plan says nothing about another organisation's people.
    """
    table = io_table.read_table(data, filename)
    organisations = _OrganisationIndex(db.session.scalars(sa.select(Organisation)).all(), organisation_ids)
    plan = ImportPlan([], [], 0, 0, source=table.source, ignored_columns=table.ignored)
    seen: dict[tuple[int, str], int] = {}
    for number, values in table.rows:
        row, errors = _check_row(number, values, table, organisations)
        plan.errors.extend(errors)
        if row is None:
            continue
        if row.key in seen:
            plan.errors.append(RowError(number, f"{table.title('full_name')}: «{row.full_name}» "
                                                f"({row.organisation_name}) повторяет строку {seen[row.key]}. "
                                                "Человека с двумя ролями укажите одной строкой: "
                                                "«наставник, наставляемый»."))
            continue
        seen[row.key] = number
        plan.persons.append(row)
    existing = _existing_persons({row.organisation_id for row in plan.persons})
    for row in plan.persons:
        matches = existing.get(row.key, [])
        if len(matches) > 1:
            plan.errors.append(RowError(row.row, f"в базе уже несколько участников «{row.full_name}» в организации "
                                                 f"«{row.organisation_name}»: объедините их в админке."))
            continue
        if not matches:
            row.action = "create"
            plan.created += 1
        elif _merge(matches[0], row, apply=False):
            row.action = "update"
            plan.updated += 1
        else:
            row.action = "unchanged"
            plan.unchanged += 1
        plan.warnings.extend(_warnings(matches[0] if matches else None, row))
    plan.errors.sort(key=lambda error: error.row)
    return plan


def save_registry(plan: ImportPlan) -> ImportPlan:
    """Apply a plan without errors in one transaction; returns the plan with the counts as saved.

    Persons are matched again inside the transaction, so a plan read a while ago (an admin preview) does not
    duplicate a person added since. Raises ValueError when the plan has errors.
    """
    if plan.errors:
        raise ValueError(f"В файле ошибок: {len(plan.errors)}. Ничего не сохранено.")
    created = updated = unchanged = 0
    try:
        existing = _existing_persons({row.organisation_id for row in plan.persons})
        for row in plan.persons:
            matches = existing.get(row.key, [])
            if len(matches) > 1:
                raise ValueError(f"Строка {row.row}: в базе уже несколько участников «{row.full_name}» в "
                                 f"организации «{row.organisation_name}». Ничего не сохранено.")
            if matches:
                changed = _merge(matches[0], row, apply=True)
                updated += changed
                unchanged += not changed
                continue
            person = Person(organisation_id=row.organisation_id, full_name=row.full_name,
                            category=PersonCategory.OTHER, is_minor=False, position="", email="", phone="",
                            competencies="", achievements="")
            _merge(person, row, apply=True)
            db.session.add(person)
            existing[row.key] = [person]
            created += 1
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return replace(plan, created=created, updated=updated, unchanged=unchanged)


def _check_row(number: int, values: list, table: io_table.Table,
               organisations: _OrganisationIndex) -> tuple[PersonRow | None, list[RowError]]:
    errors: list[RowError] = []
    parsed: dict[str, object] = {}
    failed: set[str] = set()
    for name, parse in io_values.PARSERS.items():
        raw = table.value(values, name)
        if io_values.is_empty(raw):
            continue
        try:
            value = parse(raw)
        except ValueError as problem:
            errors.append(RowError(number, f"{table.title(name)}: {problem}"))
            failed.add(name)
            continue
        if value is not None and value != "":
            parsed[name] = value
    for name, limit in MAX_LENGTHS.items():
        if isinstance(parsed.get(name), str) and len(parsed[name]) > limit:
            errors.append(RowError(number, f"{table.title(name)}: длиннее {limit} символов."))
    for name in io_table.REQUIRED:
        if name not in parsed and name not in failed:
            errors.append(RowError(number, f"{table.title(name)}: не заполнено{io_table.REQUIRED_HINTS[name]}"))
    organisation = None
    if "organisation" in parsed:
        organisation, problem = organisations.find(str(parsed["organisation"]))
        if problem:
            errors.append(RowError(number, f"{table.title('organisation')}: {problem}"))
    if "publication" in parsed and "processing_on" not in parsed and "processing_on" not in failed:
        errors.append(RowError(number, f"{table.title('publication')}: заполнено, а даты согласия на обработку в "
                                       "этой строке нет. Без согласия на обработку распространять данные нельзя."))
    if errors or organisation is None:
        return None, errors
    row = PersonRow(row=number, full_name=str(parsed.pop("full_name")), organisation_id=organisation.id,
                    organisation_name=organisation.short_name, roles=set(parsed.pop("roles")))
    parsed.pop("organisation")
    for name, value in parsed.items():
        setattr(row, name, value)
    return row, []


class _OrganisationIndex:
    """Organisations by short name, full name or slug, compared without case, quotes or extra spaces."""

    def __init__(self, organisations: list[Organisation], allowed: set[int] | None) -> None:
        self.allowed = allowed
        self.by_key: dict[str, dict[int, Organisation]] = {}
        for organisation in organisations:
            for text in (organisation.short_name, organisation.name, organisation.slug):
                self.by_key.setdefault(io_values.organisation_key(text or ""), {})[organisation.id] = organisation

    def find(self, text: str) -> tuple[Organisation | None, str]:
        found = list(self.by_key.get(io_values.organisation_key(text), {}).values())
        if not found:
            return None, (f"нет организации «{text}». Укажите краткое или полное название либо адрес организации, "
                          "как в админке; новую организацию сначала добавьте там.")
        if len(found) > 1:
            names = ", ".join(f"{o.short_name} ({o.slug})" for o in found)
            return None, f"«{text}» подходит к нескольким организациям: {names}. Укажите адрес (slug)."
        if self.allowed is not None and found[0].id not in self.allowed:
            return None, (f"организация «{found[0].short_name}» вам недоступна: загружайте участников только своих "
                          "организаций.")
        return found[0], ""


def _existing_persons(organisation_ids: set[int]) -> dict[tuple[int, str], list[Person]]:
    found: dict[tuple[int, str], list[Person]] = {}
    if not organisation_ids:
        return found
    query = sa.select(Person).where(Person.organisation_id.in_(organisation_ids)).order_by(Person.id)
    for person in db.session.scalars(query):
        found.setdefault((person.organisation_id, name_key(person.full_name)), []).append(person)
    return found


def _merge(person: Person, row: PersonRow, *, apply: bool) -> bool:
    """Whether the row changes the person; with apply=True, also make the changes."""
    changed = False
    for name in UPDATABLE:
        value = getattr(row, name)
        if value is not None and getattr(person, name) != value:
            changed = True
            if apply:
                setattr(person, name, value)
    if not row.roles <= person.roles:
        changed = True
        if apply:
            person.roles = person.roles | row.roles
    consents = list(person.consents)
    signed_by = Signatory.REPRESENTATIVE if _is_minor(person, row) else Signatory.PERSON
    if row.processing_on and not _same_date(consents, ConsentKind.PROCESSING, row.processing_on):
        changed = True
        if apply:
            person.consents.append(Consent(kind=ConsentKind.PROCESSING, signed_on=row.processing_on,
                                           signed_by=signed_by))
    if row.publication is not None and row.processing_on:
        allowed = ",".join(f.value for f in PublicField if f in row.publication)
        same = _same_date(consents, ConsentKind.PUBLICATION, row.processing_on)
        live = [c for c in same if c.withdrawn_at is None]
        if not same:
            changed = True
            if apply:
                person.consents.append(Consent(kind=ConsentKind.PUBLICATION, signed_on=row.processing_on,
                                               signed_by=signed_by, allowed_fields=allowed))
        elif live and live[0].fields != set(row.publication):
            changed = True
            if apply:
                live[0].allowed_fields = allowed
    return changed


def _same_date(consents: list[Consent], kind: ConsentKind, signed_on: date) -> list[Consent]:
    return [c for c in consents if c.kind == kind and c.signed_on == signed_on]


def _is_minor(person: Person | None, row: PersonRow) -> bool:
    if row.is_minor is not None:
        return row.is_minor
    return bool(person and person.is_minor)


def _warnings(person: Person | None, row: PersonRow) -> list[RowError]:
    notes = []
    consents = list(person.consents) if person else []
    for kind, wanted in ((ConsentKind.PROCESSING, row.processing_on is not None),
                         (ConsentKind.PUBLICATION, row.publication is not None)):
        same = _same_date(consents, kind, row.processing_on) if wanted and row.processing_on else []
        if same and all(c.withdrawn_at is not None for c in same):
            notes.append(RowError(row.row, f"согласие {kind.label.lower()} от {row.processing_on:%d.%m.%Y} "
                                           "отозвано; импорт его не восстанавливает."))
    if row.publication and _is_minor(person, row):
        notes.append(RowError(row.row, f"«{row.full_name}» — несовершеннолетний: согласие на распространение "
                                       "сохранится, но сайт не публикует несовершеннолетних."))
    return notes
