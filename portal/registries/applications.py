"""Applications from the public site: storing a checked one, flagging duplicates, and the curator's decisions.

Domain code for the public form (portal/apply/) and the admin (portal/admin/applications.py): the caller
commits. Nothing partial is ever added: `check` (application_form.py) returns values or errors, and only whole
values are stored.
"""
from __future__ import annotations

import re
from datetime import datetime

import sqlalchemy as sa

from portal import audit
from portal.extensions import db
from portal.mail.outbox import queue_mail
from portal.models import (Application, ApplicationStatus, Consent, ConsentKind, Organisation, Person, PublicField,
                           Role, Signatory, User, UserRole)
from portal.models.user import user_organisation

from .application_form import check, kind_of  # noqa: F401  (the public view's one import)
from .tags import parse_tags


def _digits(phone: str) -> str:
    return re.sub(r"\D", "", phone)[-10:]


def duplicate_note(values: dict) -> str:
    """What the new application repeats, by number only (no names: the note is shown and mailed to curators)."""
    email, name, phone = values["email"], values["full_name"].casefold(), _digits(values["phone"])
    notes = []
    # The phone narrowed in SQL by its last digits, compared whole (with the name) here: people type phones
    # in many ways, and SQLite's lower() knows no Cyrillic.
    same_phone = Person.phone.like(f"%{phone[-2:]}") if phone else sa.false()
    for person in db.session.scalars(sa.select(Person).where(sa.or_(sa.func.lower(Person.email) == email,
                                                                    same_phone))):
        if person.email.lower() == email or (_digits(person.phone) == phone and person.full_name.casefold() == name):
            notes.append(f"совпадает с участником реестра № {person.id}")
    open_statuses = (ApplicationStatus.NEW, ApplicationStatus.MORE_INFO)
    for other in db.session.scalars(sa.select(Application).where(Application.status.in_(open_statuses))):
        if other.email == email or (phone and _digits(other.phone) == phone and other.full_name.casefold() == name):
            notes.append(f"совпадает с заявкой № {other.id}")
    return "; ".join(notes)[:300]


def curators_of(organisation_id: int) -> list[User]:
    """Who is told of a new application: the organisation's curators, or the editors if it has none."""
    curators = list(db.session.scalars(
        sa.select(User).join(user_organisation, user_organisation.c.user_id == User.id)
        .where(user_organisation.c.organisation_id == organisation_id, User.active.is_(True))))
    return curators or list(db.session.scalars(sa.select(User).where(User.role == UserRole.EDITOR,
                                                                   User.active.is_(True))))


def submit(values: dict, address: str, now: datetime) -> Application:
    """Store a checked application, flag duplicates, tell the applicant and the curators."""
    application = Application(**values, consent_at=now, consent_address=address[:64],
                              duplicate_note=duplicate_note(values), status=ApplicationStatus.NEW)
    db.session.add(application)
    db.session.flush()
    organisation = db.session.get(Organisation, application.organisation_id)
    context = dict(title=application.title, number=application.id, organisation=organisation.short_name)
    queue_mail("application_received", application.email, link="", organisation_id=organisation.id,
               reason="вы подали заявку на сайте", **context)
    for user in curators_of(organisation.id):
        queue_mail("new_application", user.email, user=user, organisation_id=organisation.id,
                   link=f"/admin/applications/{application.id}", duplicate=application.duplicate_note,
                   reason=f"вы куратор организации «{organisation.short_name}»", **context)
    return application


class DecisionError(ValueError):
    """A decision that cannot be taken now (already decided, no reason given): the message says why."""


def _decide(application: Application, user: User, status: ApplicationStatus, comment: str, now: datetime) -> None:
    if application.status in (ApplicationStatus.ACCEPTED, ApplicationStatus.DECLINED):
        raise DecisionError(f"Заявка уже рассмотрена: {application.status.label.lower()}.")
    application.status, application.decision_comment = status, comment
    application.decided_at, application.decided_by_id = now, user.id
    kind = {ApplicationStatus.ACCEPTED: "application_accepted", ApplicationStatus.DECLINED: "application_declined",
            ApplicationStatus.MORE_INFO: "application_more_info"}[status]
    link = f"join/{application.kind.value}/" if status == ApplicationStatus.MORE_INFO else ""  # on the site
    queue_mail(kind, application.email, link=link, organisation_id=application.organisation_id,
               reason="вы подали заявку на сайте", title=application.title, number=application.id,
               organisation=application.organisation.short_name, comment=comment)
    audit.record(status.value, application, user=user, details=comment[:200])


def accept(application: Application, user: User, now: datetime) -> Person:
    """The Person with its role and its consents (as given on the form: version, time, address)."""
    if application.status in (ApplicationStatus.ACCEPTED, ApplicationStatus.DECLINED):
        raise DecisionError(f"Заявка уже рассмотрена: {application.status.label.lower()}.")
    person = Person(organisation_id=application.organisation_id, full_name=application.full_name,
                    category=application.category, is_minor=application.is_minor, position=application.position,
                    email=application.email, phone=application.phone, mentoring_form=application.mentoring_form,
                    tags=application.tags, capacity=application.capacity, availability=application.availability,
                    competencies=", ".join(parse_tags(application.tags)) if application.kind == Role.MENTOR else "",
                    achievements=application.about if application.kind == Role.MENTOR else "",
                    joined_on=now.date())
    person.roles = [application.kind]
    where = (f"Заявка № {application.id} на сайте, текст {application.consent_version}, "
             f"{application.consent_at:%d.%m.%Y %H:%M} UTC, адрес {application.consent_address}")[:200]
    signed_by = Signatory.REPRESENTATIVE if application.is_minor else Signatory.PERSON
    person.consents = [Consent(kind=ConsentKind.PROCESSING, signed_on=application.consent_at.date(), document=where,
                               signed_by=signed_by, representative_name=application.representative_name)]
    if application.publication_consent and not application.is_minor:
        fields = (PublicField.FULL_NAME, PublicField.ORGANISATION, PublicField.POSITION, PublicField.COMPETENCIES)
        person.consents.append(Consent(kind=ConsentKind.PUBLICATION, signed_on=application.consent_at.date(),
                                       document=where, allowed_fields=",".join(f.value for f in fields)))
    db.session.add(person)
    db.session.flush()
    application.person_id = person.id
    _decide(application, user, ApplicationStatus.ACCEPTED, "", now)
    audit.record("create", person, user=user, details=f"из заявки № {application.id}")
    return person


def decline(application: Application, user: User, reason: str, now: datetime) -> None:
    reason = reason.strip()
    if not reason:
        raise DecisionError("Укажите причину отказа: она уйдёт заявителю в письме.")
    _decide(application, user, ApplicationStatus.DECLINED, reason[:2000], now)


def ask_more(application: Application, user: User, what: str, now: datetime) -> None:
    what = what.strip()
    if not what:
        raise DecisionError("Напишите, каких сведений не хватает: это уйдёт заявителю в письме.")
    _decide(application, user, ApplicationStatus.MORE_INFO, what[:2000], now)
