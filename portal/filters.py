"""Jinja filters shared by the admin and the site: Russian dates and labels."""
from __future__ import annotations

from datetime import date, datetime

from flask import Flask

MONTHS_GENITIVE = (
    "января", "февраля", "марта", "апреля", "мая", "июня",
    "июля", "августа", "сентября", "октября", "ноября", "декабря",
)


def ru_date(value: date | datetime | None) -> str:
    """22 ноября 2026; with a time for datetimes: 22 ноября 2026, 14:30."""
    if value is None:
        return ""
    text = f"{value.day} {MONTHS_GENITIVE[value.month - 1]} {value.year}"
    if isinstance(value, datetime):
        text += f", {value:%H:%M}"
    return text


def label(value: object) -> str:
    """The Russian label of a vocabulary value (Status.DRAFT → «Черновик»)."""
    return getattr(value, "label", "" if value is None else str(value))


def register(app: Flask) -> None:
    app.add_template_filter(ru_date)
    app.add_template_filter(label)
