"""Registries: persons (mentors and mentees), mentoring programs, pairings fixed by order."""
from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import aliased, joinedload

from portal.clock import local_now
from portal.extensions import db
from portal import permissions
from portal.models import Consent, ConsentKind, Organisation, Pairing, Person, Program, Role, Signatory
from portal.registries import network
from portal.registries import consent
from portal.models.registry import pairing_mentee

from . import bp
from .crud import Column, Crud
from .forms import BaseForm, ConsentForm, PairingForm, PersonForm, ProgramForm


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


def program_in_use(program: Program) -> list[str]:
    count = db.session.scalar(sa.select(sa.func.count()).where(Pairing.program_id == program.id))
    return [f"наставнических пар по программе: {count}"] if count else []


def _person_context(person: Person) -> dict:
    """Consents, and the «best mentor» honours with whether one may be given (portal/monitoring/recognition)."""
    from portal.models import MentorAward
    from portal.monitoring.recognition import award_refusal

    now = local_now()
    awards = list(db.session.scalars(sa.select(MentorAward).where(MentorAward.person_id == person.id)
                                     .order_by(MentorAward.year.desc())))
    return {"consents": person.consents, "today": now, "awards": awards, "award_refusal": award_refusal(person, now),
            "award_year": now.year}


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
    ],
    search=["full_name", "position", "email"],
    default_sort="full_name",
    blockers=person_in_use,
    list_options=[joinedload(Person.organisation)],
    edit_template="admin/person_form.html",
    extra_context=lambda person: _person_context(person) if person.id else {},
).register(bp)


@bp.route("/persons/<id:id>/consents/new", methods=["GET", "POST"])
def consent_new(id: int):
    person = persons.get_or_404(id)
    form = ConsentForm()
    if request.method == "GET" and person.is_minor:
        form.signed_by.data = Signatory.REPRESENTATIVE
    if form.validate_on_submit():
        record = Consent(person=person, kind=form.kind.data, signed_on=form.signed_on.data,
                         document=form.document.data, signed_by=form.signed_by.data,
                         representative_name=form.representative_name.data,
                         allowed_fields=",".join(form.allowed_fields.data)
                         if form.kind.data == ConsentKind.PUBLICATION else "")
        db.session.add(record)
        db.session.commit()
        flash(f"Согласие записано: {record}.", "success")
        return redirect(url_for("admin.persons_edit", id=person.id) + "#consents")
    if request.method == "POST":
        flash("Исправьте ошибки в форме: они отмечены у полей.", "error")
    return render_template("admin/consent_form.html", form=form, person=person)


@bp.post("/consents/<id:id>/withdraw")
def consent_withdraw(id: int):
    record = db.session.get(Consent, id) or abort(404)
    person = persons.get_or_404(record.person_id)
    if BaseForm().validate_on_submit() and record.withdrawn_at is None:
        record.withdrawn_at = local_now()
        db.session.commit()
        flash(f"Согласие отозвано: {record}. Данные уйдут с сайта при следующей публикации.", "success")
    return redirect(url_for("admin.persons_edit", id=person.id) + "#consents")

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


def load_mentees(pairing: Pairing, form: PairingForm) -> None:
    form.mentee_ids.data = [person.id for person in pairing.mentees]


def apply_mentees(form: PairingForm, pairing: Pairing) -> None:
    # The field's choices hold only persons the user may see, so these ids are already checked.
    pairing.mentees = list(db.session.scalars(sa.select(Person).where(Person.id.in_(form.mentee_ids.data))))


def _pairing_journal(pairing: Pairing) -> dict:
    from .journals import journal_context  # the journal's views import this module

    return journal_context(pairing)


def _pairing_read_only(pairing: Pairing):
    from .journals import pairing_view

    return pairing_view(pairing)


def _mentor_name():
    """The quick filter finds pairings by the mentor's name only where the user may read that name: a
    network pairing's other side must not be probed name by name."""
    allowed = permissions.organisation_ids(current_user)
    if allowed is None:
        return _mentor.full_name
    return sa.case((_mentor.organisation_id.in_(allowed or {-1}), _mentor.full_name), else_="")


_mentor = aliased(Person)
pairings = Crud(
    name="pairings",
    model=Pairing,
    form=PairingForm,
    title="Наставнические пары и группы",
    new_label="Новая пара",
    columns=[
        Column("mentor", "Наставник", sortable=False, link=True,
               value=lambda p: network.person_label(current_user, p.mentor, Role.MENTOR)),
        Column("mentees", "Наставляемые", sortable=False, value=lambda p: network.mentees_label(current_user, p)),
        Column("mentoring_form", "Форма"),
        Column("order_number", "Приказ"),
        Column("order_date", "Дата приказа"),
        Column("status", "Состояние"),
    ],
    search=["order_number", _mentor_name],
    default_sort="-order_date",
    custom_fields=("mentee_ids",),
    load=load_mentees,
    prepare=lambda form, pairing: form.keep_members(pairing) if pairing.id else None,
    apply=apply_mentees,
    base_query=lambda: sa.select(Pairing).join(_mentor, Pairing.mentor_id == _mentor.id),
    list_options=[joinedload(Pairing.mentor).joinedload(Person.organisation), joinedload(Pairing.organisation)],
    # Network pairings (сетевое наставничество): names only of the user's own people; the journal below.
    label=lambda pairing: network.pairing_label(current_user, pairing),
    read_only=_pairing_read_only,
    edit_template="admin/pairing_form.html",
    extra_context=lambda pairing: _pairing_journal(pairing) if pairing.id else {},
).register(bp)
