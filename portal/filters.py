"""Jinja filters shared by the admin and the site: Russian dates, plural forms and labels."""
from __future__ import annotations

from datetime import date, datetime, timezone

import markupsafe
from flask import Flask

MONTHS_GENITIVE = (
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
)
MONTHS_NOMINATIVE = (
    "январь", "февраль", "март", "апрель", "май", "июнь",
    "июль", "август", "сентябрь", "октябрь", "ноябрь", "декабрь",
)
WEEKDAYS = (("Пн", "понедельник"), ("Вт", "вторник"), ("Ср", "среда"), ("Чт", "четверг"), ("Пт", "пятница"),
            ("Сб", "суббота"), ("Вс", "воскресенье"))


def ru_date(value: date | datetime | None) -> str:
    """12 марта 2024 г.; with a time for datetimes: 12 марта 2024 г., 14:30."""
    if value is None:
        return ""
    text = f"{value.day} {MONTHS_GENITIVE[value.month - 1]} {value.year} г."
    if isinstance(value, datetime):
        text += f", {value:%H:%M}"
    return text


def ru_month(value: date | datetime) -> str:
    """Март 2024 — a month as a calendar heading."""
    return f"{MONTHS_NOMINATIVE[value.month - 1].capitalize()} {value.year}"


def plural_form(number: int, one: str, few: str, many: str) -> str:
    """The Russian form for a count: 1 наставник, 3 наставника, 5 наставников, 11 наставников, 21 наставник."""
    number = abs(int(number))
    if number % 10 == 1 and number % 100 != 11:
        return one
    if 2 <= number % 10 <= 4 and not 12 <= number % 100 <= 14:
        return few
    return many


def plural(number: int, one: str, few: str, many: str) -> str:
    """«3 наставника»: the number and its word form."""
    return f"{number} {plural_form(number, one, few, many)}"


def file_size(size: int) -> str:
    """1,2 МБ — a size as Russian readers write it (decimal comma, binary units)."""
    for unit, scale in (("ГБ", 1024 ** 3), ("МБ", 1024 ** 2), ("КБ", 1024)):
        if size >= scale:
            return f"{size / scale:.1f}".replace(".", ",").replace(",0", "") + f" {unit}"
    return f"{size} Б"


def decimal(value: float | None) -> str:
    """3.5 → «3,5»: one decimal with the Russian decimal comma."""
    return "" if value is None else f"{value:.1f}".replace(".", ",")


def label(value: object) -> str:
    """The Russian label of a vocabulary value (Status.DRAFT → «Черновик»)."""
    return getattr(value, "label", "" if value is None else str(value))


def local_time(value: datetime | None) -> str:
    """A moment stored in UTC (audit, builds) as the municipality's clock shows it: «05.12.2026 16:40»."""
    if value is None:
        return ""
    from zoneinfo import ZoneInfo

    from flask import current_app

    zone = ZoneInfo(current_app.config["TIME_ZONE"])
    return value.replace(tzinfo=timezone.utc).astimezone(zone).strftime("%d.%m.%Y %H:%M")


def person_name(email: str | None) -> str:
    """A user by name: the audit log and the history keep the e-mail (it outlives a deleted account), people read
    names. «система» for what nobody did by hand (a scheduled build, an import from the command line)."""
    if not email:
        return "система"
    from flask import g

    names = g.setdefault("user_names", {})
    if email not in names:
        import sqlalchemy as sa

        from portal.extensions import db
        from portal.models import User

        name = db.session.scalar(sa.select(User.name).where(User.email == email))
        names[email] = f"{name} ({email})" if name else email
    return names[email]


def search_filter_text(value: object) -> str:
    """A value for Pagefind's filter list, escaped twice more than the page escapes it.

    Pagefind's search interface draws filter values as HTML, and Pagefind 1.x decodes a filter element's text
    twice (the page's escaping and one more): a page that escapes a name once hands the interface the name's
    markup. Escaped twice here and once by the template, the value reaches the interface as `&lt;…` and the
    search page shows the name as typed, inert (tests/e2e/test_search_page_inert.py). Plain names are unchanged.
    """
    return str(markupsafe.escape(str(markupsafe.escape("" if value is None else str(value)))))


def register(app: Flask) -> None:
    for function in (ru_date, ru_month, plural, plural_form, file_size, decimal, label, local_time, person_name,
                     search_filter_text):
        app.add_template_filter(function)
