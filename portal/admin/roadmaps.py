"""Roadmaps, and on the roadmap's page its stages and activities."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy.orm import joinedload

from portal.clock import local_now
from portal.extensions import db
from portal.models import Activity, Roadmap, Stage

from portal.roadmaps.progress import effective_status, progress
from portal.roadmaps.timeline import timeline_svg

from . import bp
from .crud import Column, Crud
from .forms import BaseForm
from .roadmap_forms import ActivityForm, RoadmapForm, StageForm
from .saving import commit_change

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
    extra_context=lambda roadmap: roadmap_overview(roadmap) if roadmap.id else {},
    list_options=[joinedload(Roadmap.organisation)],
).register(bp)


def roadmap_overview(roadmap: Roadmap) -> dict:
    """What the roadmap's page shows beside the form: progress, today's statuses and the timeline."""
    today = local_now().date()
    statuses = {a.id: effective_status(a, today) for stage in roadmap.stages for a in stage.activities}
    return {"progress": progress(roadmap, today), "statuses": statuses, "timeline": timeline_svg(roadmap, today)}


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
    if isinstance(form, ActivityForm):
        form.setup_for(roadmap)
    if form.validate_on_submit():
        position = obj.position
        form.populate_obj(obj)
        if not request.form.get("position", "").strip():
            obj.position = position or 0  # left empty: keep its place (a new one goes last)
        is_new, back = obj.id is None, url_for("admin.roadmaps_edit", id=roadmap.id) + "#structure"
        db.session.add(obj)
        if commit_change("create" if is_new else "save", obj, details=f"дорожная карта № {roadmap.id}"):
            flash(f"Сохранено: «{obj}».", "success")
        # Refused (the row or its roadmap changed meanwhile): the roadmap's page, with the reason, shows it as it is now.
        return redirect(back)
    if request.method == "POST":
        flash("Исправьте ошибки в форме: они отмечены у полей.", "error")
    return render_template("admin/part_form.html", form=form, obj=obj, roadmap=roadmap, heading=heading)


def _move(items: list, obj, direction: str) -> None:
    """Swap the row with its neighbour above or below, then number the list afresh (10, 20, …)."""
    index = items.index(obj)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(items):
        items[index], items[other] = items[other], items[index]
    for position, item in enumerate(items, start=1):
        item.position = position * 10


def _delete_part(obj, roadmap: Roadmap, what: str):
    if request.method == "POST" and BaseForm().validate_on_submit():
        label, back = str(obj), url_for("admin.roadmaps_edit", id=roadmap.id) + "#structure"
        if commit_change("delete", obj, details=f"дорожная карта № {roadmap.id}"):
            flash(f"Удалено: «{label}».", "success")
        return redirect(back)
    return render_template("admin/part_delete.html", obj=obj, roadmap=roadmap, what=what)


@bp.route("/roadmaps/<id:roadmap_id>/stages/new", methods=["GET", "POST"])
def stage_new(roadmap_id: int):
    roadmap = roadmaps.get_or_404(roadmap_id)
    # By id, not by relationship: a relationship would put the unsaved stage into the session at once.
    stage = Stage(roadmap_id=roadmap.id, position=_next_position(roadmap.stages))
    return _edit_part(stage, StageForm, roadmap, "Новый этап")


@bp.route("/stages/<id:id>/edit", methods=["GET", "POST"])
def stage_edit(id: int):
    stage = _stage_or_404(id)
    return _edit_part(stage, StageForm, stage.roadmap, "Этап")


@bp.route("/stages/<id:id>/delete", methods=["GET", "POST"])
def stage_delete(id: int):
    stage = _stage_or_404(id)
    return _delete_part(stage, stage.roadmap, "этап со всеми его мероприятиями")


@bp.post("/stages/<id:id>/move")
def stage_move(id: int):
    stage = _stage_or_404(id)
    back = url_for("admin.roadmaps_edit", id=stage.roadmap_id) + f"#stage-{stage.id}"
    if BaseForm().validate_on_submit():
        _move(list(stage.roadmap.stages), stage, request.form.get("direction", ""))
        commit_change("save", stage, details=f"дорожная карта № {stage.roadmap_id}: порядок этапов")
    return redirect(back)


@bp.post("/activities/<id:id>/move")
def activity_move(id: int):
    activity = _activity_or_404(id)
    roadmap_id = activity.stage.roadmap_id
    back = url_for("admin.roadmaps_edit", id=roadmap_id) + f"#activity-{activity.id}"
    if BaseForm().validate_on_submit():
        _move(list(activity.stage.activities), activity, request.form.get("direction", ""))
        commit_change("save", activity, details=f"дорожная карта № {roadmap_id}: порядок мероприятий")
    return redirect(back)


@bp.route("/stages/<id:stage_id>/activities/new", methods=["GET", "POST"])
def activity_new(stage_id: int):
    stage = _stage_or_404(stage_id)
    activity = Activity(stage_id=stage.id, position=_next_position(stage.activities))
    return _edit_part(activity, ActivityForm, stage.roadmap, f"Новое мероприятие этапа «{stage}»")


@bp.route("/activities/<id:id>/edit", methods=["GET", "POST"])
def activity_edit(id: int):
    activity = _activity_or_404(id)
    return _edit_part(activity, ActivityForm, activity.stage.roadmap, "Мероприятие")


@bp.route("/activities/<id:id>/delete", methods=["GET", "POST"])
def activity_delete(id: int):
    activity = _activity_or_404(id)
    return _delete_part(activity, activity.stage.roadmap, "мероприятие")

