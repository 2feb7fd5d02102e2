"""Best-practice cases with their tags."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from portal.extensions import db
from portal.models import Case, Tag

from . import bp, covers
from .crud import Column, Crud
from .forms import CaseForm, split_tags


class NewCaseForm(CaseForm, covers.CoverFields):
    """The case form; a new case chooses its cover here too."""


def load_tags(case: Case, form: CaseForm) -> None:
    form.tags_text.data = ", ".join(tag.name for tag in case.tags)


def apply_tags(form: CaseForm, case: Case) -> None:
    names = split_tags(form.tags_text.data)
    existing = {
        tag.name.lower(): tag
        for tag in db.session.scalars(sa.select(Tag).where(sa.func.lower(Tag.name).in_([n.lower() for n in names])))
    } if names else {}
    case.tags = [existing.get(name.lower()) or Tag(name=name) for name in names]


cases = Crud(
    name="cases",
    model=Case,
    form=NewCaseForm,
    title="Кейсы лучших практик",
    new_label="Новый кейс",
    columns=[
        Column("title", "Название", link=True),
        Column("organisation", "Организация", sortable=False),
        Column("mentoring_form", "Форма"),
        Column("status", "Статус"),
        Column("updated_at", "Изменено"),
    ],
    search=["title", "summary", "body_md"],
    custom_fields=("tags_text",),
    load=load_tags,
    apply=apply_tags,
    prepare=covers.prepare,
    extra_validate=covers.validate,
    after_flush=covers.attach,
    list_options=[joinedload(Case.organisation)],
).register(bp)
