"""Registry of persons: mentors and mentees (база наставников и наставляемых), with their consents and honours."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from portal.clock import local_now
from portal.extensions import db
from portal.models import Pairing, Person, PublicField
from portal.registries import consent
from portal.models.registry import pairing_mentee

from . import bp
from .crud import Column, Crud
from .forms import PersonForm


def person_in_use(person: Person) -> list[str]:
    as_mentor = db.session.scalar(sa.select(sa.func.count()).where(Pairing.mentor_id == person.id))
    as_mentee = db.session.scalar(
        sa.select(sa.func.count()).select_from(pairing_mentee).where(pairing_mentee.c.person_id == person.id)
    )
    reasons = []
    if as_mentor:
        reasons.append(f"наставник в парах: {as_mentor}")
    if as_mentee:
        reasons.append(f"наставляемый в парах: {as_mentee}")
    return reasons


def _person_context(person: Person) -> dict:
    """Consents, and the «best mentor» honours with whether one may be given (portal/monitoring/recognition)."""
    from portal.models import MentorAward
    from portal.monitoring.recognition import award_refusal

    now = local_now()
    awards = list(db.session.scalars(sa.select(MentorAward).where(MentorAward.person_id == person.id)
                                     .order_by(MentorAward.year.desc())))
    return {"consents": person.consents, "today": now, "awards": awards, "award_refusal": award_refusal(person, now),
            "award_year": now.year}


def _publishable(person: Person) -> str:
    """What the person's publication consent allows on the site (minors: never by name), for the people list."""
    fields = consent.published_fields(person, local_now())
    return ", ".join(field.label for field in PublicField if field in fields) or "—"


persons = Crud(
    name="persons",
    model=Person,
    form=PersonForm,
    title="Наставники и наставляемые",
    new_label="Новый участник",
    columns=[
        Column("full_name", "ФИО", link=True),
        Column("roles", "Роль", sortable=False),
        Column("category", "Категория"),
        Column("organisation", "Организация", sortable=False),
        Column("is_minor", "Несовершеннолетний"),
        Column("consent", "Согласие на обработку", sortable=False,
               value=lambda p: "есть" if consent.has_processing_consent(p, local_now()) else "⚠ нет"),
        Column("publication", "Можно публиковать", sortable=False, value=_publishable),
    ],
    search=["full_name", "position", "email"],
    default_sort="full_name",
    blockers=person_in_use,
    list_options=[joinedload(Person.organisation)],
    edit_template="admin/person_form.html",
    extra_context=lambda person: _person_context(person) if person.id else {},
).register(bp)
