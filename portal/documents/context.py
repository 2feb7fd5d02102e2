"""What every kind of document shares: dates as written in Russian papers, the organisation's requisites, names
as the reader may see them, and the list of what to fill in when the registry lacks something."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from portal.models import Organisation, Person, Role
from portal.registries import network

MONTHS = ("января", "февраля", "марта", "апреля", "мая", "июня", "июля", "августа", "сентября", "октября",
          "ноября", "декабря")


def ru_date(value: date | None) -> str:
    """01.10.2026, or "" for no date."""
    return f"{value:%d.%m.%Y}" if value else ""


def long_date(value: date | None) -> str:
    """«01» октября 2026 г."""
    return f"«{value:%d}» {MONTHS[value.month - 1]} {value.year} г." if value else ""


@dataclass(frozen=True)
class Missing:
    """One thing to fill in, with the admin page where it is filled (an endpoint and its arguments)."""

    text: str
    endpoint: str | None = None
    params: dict = field(default_factory=dict)
    anchor: str = ""


class MissingData(Exception):
    """The registry lacks what the document needs: the list of what to fill instead of a document with gaps."""

    def __init__(self, items: list[Missing]):
        super().__init__("; ".join(item.text for item in items))
        self.items = items


def requisites(organisation: Organisation) -> dict:
    contacts = [organisation.address, f"тел. {organisation.phone}" if organisation.phone else "",
                f"e-mail: {organisation.email}" if organisation.email else ""]
    return {
        "название": organisation.name,
        "краткое_название": organisation.short_name,
        "адрес": organisation.address,
        "телефон": organisation.phone,
        "почта": organisation.email,
        "сайт": organisation.website,
        "реквизиты": ", ".join(part for part in contacts if part),
        "руководитель": organisation.head_name,
        "должность_руководителя": organisation.head_position,
        "муниципалитет": organisation.municipality,
    }


def need_head(organisation: Organisation) -> list[Missing]:
    """An order is signed by the head: without their name and position there is nobody to sign."""
    if organisation.head_name.strip() and organisation.head_position.strip():
        return []
    return [Missing(f"{organisation.short_name}: не указаны ФИО и должность руководителя (подписывает приказ)",
                    "admin.organisations_edit", {"id": organisation.id})]


def name(person: Person | None, reader: set[int] | None, role: Role) -> str:
    """The person's name for readers of these organisations (None: all), else «Наставник из …»."""
    return network.name_for(person, reader, role)


def person(person: Person, reader: set[int] | None, role: Role) -> dict:
    own = reader is None or person.organisation_id in reader
    return {
        "фио": name(person, reader, role),
        "должность": person.position if own else "",
        "организация": person.organisation.short_name if person.organisation else "",
    }


def check(items: list[Missing]) -> None:
    if items:
        raise MissingData(items)
