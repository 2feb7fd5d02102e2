"""The journal of a pairing on its page: meetings and the development plan. The curators of every side of a
network pairing keep it; the other side sees the pairing read-only, without the names of people not its own."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal import audit
from portal.clock import local_now
from portal.extensions import db
from portal.models import Meeting, Pairing, PlanGoal, Role
from portal.monitoring import journals
from portal.registries import network

from . import bp
from .forms import BaseForm
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


def _pairing_or_404(id: int) -> Pairing:
    from .registries import pairings

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

