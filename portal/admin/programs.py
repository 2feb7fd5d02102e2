"""Registry of mentoring programs (программы наставничества), network programs with their partner organisations."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from portal.extensions import db
from portal.models import Organisation, Pairing, Program

from . import bp
from .crud import Column, Crud
from .forms import ProgramForm


def program_in_use(program: Program) -> list[str]:
    count = db.session.scalar(sa.select(sa.func.count()).where(Pairing.program_id == program.id))
    return [f"наставнических пар по программе: {count}"] if count else []


def load_network(program: Program, form: ProgramForm) -> None:
    form.network_organisation_ids.data = [org.id for org in program.network_organisations]


def apply_network(form: ProgramForm, program: Program) -> None:
    # Any organisation may be a partner (their names are public); the lead one is not its own partner.
    wanted = set(form.network_organisation_ids.data or []) - {program.organisation_id}
    program.network_organisations = list(db.session.scalars(sa.select(Organisation).where(Organisation.id.in_(wanted))))


programs = Crud(
    name="programs",
    model=Program,
    form=ProgramForm,
    title="Программы наставничества",
    new_label="Новая программа",
    columns=[
        Column("title", "Название", link=True),
        Column("mentoring_form", "Форма"),
        Column("organisation", "Организация", sortable=False),
        Column("starts_on", "Начало"),
        Column("ends_on", "Окончание"),
    ],
    search=["title", "description_md"],
    default_sort="title",
    blockers=program_in_use,
    list_options=[joinedload(Program.organisation)],
    custom_fields=("network_organisation_ids",),
    load=load_network,
    apply=apply_network,
).register(bp)
