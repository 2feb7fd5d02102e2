"""What of a person may be published now. The public site gets persons only through `public_person`.

Rules (152-ФЗ): processing needs a consent to processing; publishing needs, on top, a consent to
distribution that lists the field; a withdrawn consent counts from the moment of withdrawal; a minor is never
published by name, whatever a form says; contacts are never publishable at all.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from portal.models import Consent, ConsentKind, Person, PublicField


def _valid(consent: Consent, kind: ConsentKind, now: datetime) -> bool:
    return (consent.kind == kind and consent.signed_on <= now.date()
            and (consent.withdrawn_at is None or consent.withdrawn_at > now))


def has_processing_consent(person: Person, now: datetime) -> bool:
    return any(_valid(c, ConsentKind.PROCESSING, now) for c in person.consents)


def published_fields(person: Person, now: datetime) -> set[PublicField]:
    """The fields that may be on the site now (empty for a minor and without a processing consent)."""
    if person.is_minor or not has_processing_consent(person, now):
        return set()
    allowed: set[PublicField] = set()
    for consent in person.consents:
        if _valid(consent, ConsentKind.PUBLICATION, now):
            allowed |= consent.fields
    return allowed


def may_publish(person: Person, field: PublicField | str, now: datetime) -> bool:
    return PublicField(field) in published_fields(person, now)


@dataclass(frozen=True)
class PublicPerson:
    """A mentor as the site may show them: only consented fields, the rest None. Never contacts."""

    key: str  # stable anchor, meaningless outside the site: no database id, no name
    full_name: str
    position: str | None
    organisation: str | None
    organisation_slug: str | None
    competencies: str | None
    achievements: str | None


def public_person(person: Person, now: datetime) -> PublicPerson | None:
    """The person for the site, or None: without the name, a list entry would say nothing."""
    fields = published_fields(person, now)
    if PublicField.FULL_NAME not in fields:
        return None
    shown = lambda field, value: (value or None) if field in fields else None  # noqa: E731
    organisation = person.organisation if PublicField.ORGANISATION in fields else None
    return PublicPerson(
        key="p" + hashlib.sha256(f"{person.id}:{person.created_at.isoformat()}".encode()).hexdigest()[:10],
        full_name=person.full_name,
        position=shown(PublicField.POSITION, person.position),
        organisation=organisation.short_name if organisation else None,
        organisation_slug=organisation.slug if organisation else None,
        competencies=shown(PublicField.COMPETENCIES, person.competencies),
        achievements=shown(PublicField.ACHIEVEMENTS, person.achievements),
    )
