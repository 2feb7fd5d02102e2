"""Rows of the demo data set named by the YAML files: an organisation by its slug, a person by full name."""
from __future__ import annotations

import sqlalchemy as sa

from portal.extensions import db
from portal.models import Organisation, Person


def organisation(slug: str | None) -> Organisation | None:
    if slug is None:
        return None
    org = db.session.scalar(sa.select(Organisation).where(Organisation.slug == slug))
    if org is None:
        raise ValueError(f"В демо-данных указана неизвестная организация «{slug}»")
    return org


def person(full_name: str) -> Person:
    person = db.session.scalar(sa.select(Person).where(Person.full_name == full_name))
    if person is None:
        raise ValueError(f"В демо-данных указан неизвестный участник «{full_name}»")
    return person
