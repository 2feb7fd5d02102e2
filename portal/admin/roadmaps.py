"""Roadmaps, and on the roadmap's page its stages and activities."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy.orm import joinedload

from portal.extensions import db
from portal.models import Activity, Roadmap, Stage

from . import bp
from .crud import Column, Crud
from .forms import ActivityForm, BaseForm, RoadmapForm, StageForm

roadmaps = Crud(
    name="roadmaps",
    model=Roadmap,
    form=RoadmapForm,
    title="Дорожные карты",
    new_label="Новая дорожная карта",
    columns=[
        Column("title", "Название", link=True),
        Column("organisation", "Организация", sortable=False),
        Column("period", "Период"),
        Column("status", "Статус"),
        Column("updated_at", "Изменено"),
    ],
    search=["title", "period"],
    edit_template="admin/roadmap_form.html",
    list_options=[joinedload(Roadmap.organisation)],
).register(bp)


def _stage_or_404(id: int) -> Stage:
    stage = db.session.get(Stage, id) or abort(404)
    roadmaps.get_or_404(stage.roadmap_id)  # the roadmap's organisation decides
    return stage


def _activity_or_404(id: int) -> Activity:
    activity = db.session.get(Activity, id) or abort(404)
    _stage_or_404(activity.stage_id)
    return activity


def _next_position(items: list) -> int:
    return max((item.position for item in items), default=0) + 10


def _edit_part(obj, form_cls: type[BaseForm], roadmap: Roadmap, heading: str):
    """Create or edit a stage or an activity; back to the roadmap's page when saved."""
    form = form_cls(obj=obj)
    if form.validate_on_submit():
        position = obj.position
        form.populate_obj(obj)
        if not request.form.get("position", "").strip():
            obj.position = position or 0  # left empty: keep its place (a new one goes last)
        db.session.add(obj)
        db.session.commit()
        flash(f"Сохранено: «{obj}».", "success")
        return redirect(url_for("admin.roadmaps_edit", id=roadmap.id) + "#structure")
    if request.method == "POST":
        flash("Исправьте ошибки в форме: они отмечены у полей.", "error")
    return render_template("admin/part_form.html", form=form, obj=obj, roadmap=roadmap, heading=heading)


def _delete_part(obj, roadmap: Roadmap, what: str):
    if request.method == "POST" and BaseForm().validate_on_submit():
        label = str(obj)
        db.session.delete(obj)
        db.session.commit()
        flash(f"Удалено: «{label}».", "success")
        return redirect(url_for("admin.roadmaps_edit", id=roadmap.id) + "#structure")
    return render_template("admin/part_delete.html", obj=obj, roadmap=roadmap, what=what)


@bp.route("/roadmaps/<int:roadmap_id>/stages/new", methods=["GET", "POST"])
def stage_new(roadmap_id: int):
    roadmap = roadmaps.get_or_404(roadmap_id)
    # By id, not by relationship: a relationship would put the unsaved stage into the session at once.
    stage = Stage(roadmap_id=roadmap.id, position=_next_position(roadmap.stages))
    return _edit_part(stage, StageForm, roadmap, "Новый этап")


@bp.route("/stages/<int:id>/edit", methods=["GET", "POST"])
def stage_edit(id: int):
    stage = _stage_or_404(id)
    return _edit_part(stage, StageForm, stage.roadmap, "Этап")


@bp.route("/stages/<int:id>/delete", methods=["GET", "POST"])
def stage_delete(id: int):
    stage = _stage_or_404(id)
    return _delete_part(stage, stage.roadmap, "этап со всеми его мероприятиями")


@bp.route("/stages/<int:stage_id>/activities/new", methods=["GET", "POST"])
def activity_new(stage_id: int):
    stage = _stage_or_404(stage_id)
    activity = Activity(stage_id=stage.id, position=_next_position(stage.activities))
    return _edit_part(activity, ActivityForm, stage.roadmap, f"Новое мероприятие этапа «{stage}»")


@bp.route("/activities/<int:id>/edit", methods=["GET", "POST"])
def activity_edit(id: int):
    activity = _activity_or_404(id)
    return _edit_part(activity, ActivityForm, activity.stage.roadmap, "Мероприятие")


@bp.route("/activities/<int:id>/delete", methods=["GET", "POST"])
def activity_delete(id: int):
    activity = _activity_or_404(id)
    return _delete_part(activity, activity.stage.roadmap, "мероприятие")

