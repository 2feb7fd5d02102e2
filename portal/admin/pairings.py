"""Registry of pairings and groups fixed by order (наставнические пары и группы), with the journal on the pairing's
page: meetings and the development plan. The curators of every side of a network pairing keep it; the other side
sees the pairing read-only, without the names of people not its own."""
from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import aliased, joinedload

from portal import audit, permissions
from portal.clock import local_now
from portal.extensions import db
from portal.models import Meeting, Pairing, Person, PlanGoal, Role
from portal.monitoring import journals
from portal.registries import network

from . import bp
from .crud import Column, Crud
from .forms import BaseForm, PairingForm
from .monitoring_forms import GoalForm, MeetingForm


def journal_context(pairing: Pairing) -> dict:
    """The journal below the pairing's form (and on the read-only page)."""
    today = local_now().date()
    goals = journals.goals_of(db.session, pairing.id)
    return {"meetings": journals.meetings_of(db.session, pairing.id), "goals": goals,
            "overdue": {goal.id for goal in goals if journals.is_overdue(goal, today)},
            "network": network.is_network(pairing), "pairing_title": network.pairing_label(current_user, pairing)}


def pairing_view(pairing: Pairing):
    """A network pairing for the curators of the other side: the pairing without others' personal data."""
    return render_template("admin/pairing_view.html", pairing=pairing, obj=pairing,
                           mentor=network.person_label(current_user, pairing.mentor, Role.MENTOR),
                           mentees=[network.person_label(current_user, m, Role.MENTEE) for m in pairing.mentees],
                           **journal_context(pairing))


def load_mentees(pairing: Pairing, form: PairingForm) -> None:
    form.mentee_ids.data = [person.id for person in pairing.mentees]


def apply_mentees(form: PairingForm, pairing: Pairing) -> None:
    # The field's choices hold only persons the user may see, so these ids are already checked.
    pairing.mentees = list(db.session.scalars(sa.select(Person).where(Person.id.in_(form.mentee_ids.data))))


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
    read_only=pairing_view,
    edit_template="admin/pairing_form.html",
    extra_context=lambda pairing: journal_context(pairing) if pairing.id else {},
).register(bp)


def _pairing_or_404(id: int) -> Pairing:
    return pairings.get_or_404(id, see_only=True)


def _back(pairing_id: int):
    return redirect(url_for("admin.pairings_edit", id=pairing_id) + "#journal")


def _edit_entry(obj, form_cls, pairing: Pairing, heading: str):
    form = form_cls(obj=obj)
    if form.validate_on_submit():
        is_new = obj.id is None
        form.populate_obj(obj)
        db.session.add(obj)
        db.session.flush()
        audit.record("create" if is_new else "save", obj, details=f"журнал пары № {pairing.id}")
        db.session.commit()
        flash("Сохранено в журнале пары.", "success")
        return _back(pairing.id)
    if request.method == "POST":
        flash("Исправьте ошибки в форме: они отмечены у полей.", "error")
    return render_template("admin/journal_form.html", form=form, obj=obj, pairing=pairing, heading=heading,
                           pairing_title=network.pairing_label(current_user, pairing))


def _delete_entry(obj, pairing: Pairing, what: str):
    if request.method == "POST" and BaseForm().validate_on_submit():
        audit.record("delete", obj, details=f"журнал пары № {pairing.id}")
        db.session.delete(obj)
        db.session.commit()
        flash("Удалено из журнала пары.", "success")
        return _back(pairing.id)
    return render_template("admin/journal_delete.html", obj=obj, pairing=pairing, what=what,
                           pairing_title=network.pairing_label(current_user, pairing))


def _meeting_or_404(id: int) -> Meeting:
    meeting = db.session.get(Meeting, id) or abort(404)
    _pairing_or_404(meeting.pairing_id)
    return meeting


def _goal_or_404(id: int) -> PlanGoal:
    goal = db.session.get(PlanGoal, id) or abort(404)
    _pairing_or_404(goal.pairing_id)
    return goal


@bp.route("/pairings/<id:pairing_id>/meetings/new", methods=["GET", "POST"])
def meeting_new(pairing_id: int):
    pairing = _pairing_or_404(pairing_id)
    # By id, not by relationship: a relationship would put the unsaved meeting into the session at once.
    return _edit_entry(Meeting(pairing_id=pairing.id, held_on=local_now().date()), MeetingForm, pairing,
                       "Новая встреча")


@bp.route("/meetings/<id:id>/edit", methods=["GET", "POST"])
def meeting_edit(id: int):
    meeting = _meeting_or_404(id)
    return _edit_entry(meeting, MeetingForm, meeting.pairing, "Встреча")


@bp.route("/meetings/<id:id>/delete", methods=["GET", "POST"])
def meeting_delete(id: int):
    meeting = _meeting_or_404(id)
    return _delete_entry(meeting, meeting.pairing, "встречу")


@bp.route("/pairings/<id:pairing_id>/goals/new", methods=["GET", "POST"])
def goal_new(pairing_id: int):
    pairing = _pairing_or_404(pairing_id)
    goal = PlanGoal(pairing_id=pairing.id, position=journals.next_goal_position(db.session, pairing.id), done=False)
    return _edit_entry(goal, GoalForm, pairing, "Новая цель плана развития")


@bp.route("/goals/<id:id>/edit", methods=["GET", "POST"])
def goal_edit(id: int):
    goal = _goal_or_404(id)
    return _edit_entry(goal, GoalForm, goal.pairing, "Цель плана развития")


@bp.route("/goals/<id:id>/delete", methods=["GET", "POST"])
def goal_delete(id: int):
    goal = _goal_or_404(id)
    return _delete_entry(goal, goal.pairing, "цель плана развития")


@bp.post("/goals/<id:id>/done")
def goal_done(id: int):
    """Mark a goal done, or not done again, from the pairing's page."""
    goal = _goal_or_404(id)
    if BaseForm().validate_on_submit():
        goal.done = request.form.get("done") == "1"
        db.session.commit()
    return redirect(url_for("admin.pairings_edit", id=goal.pairing_id) + f"#goal-{goal.id}")

