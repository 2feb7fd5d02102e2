"""Review actions on an item's page: submit for review, publish, return to the author with a comment;
and its history: compare a revision with the current text, restore it."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal import audit, jobs, permissions, revisions, workflow
from portal.extensions import db
from portal.models import Revision

from . import bp, field_changes
from .crud import CRUDS
from .forms import BaseForm


def _item(kind: str, id: int):
    crud = CRUDS.get(kind) or abort(404)
    return crud, crud.get_or_404(id)


@bp.post("/review/<kind>/<id:id>")
def review(kind: str, id: int):
    crud, item = _item(kind, id)
    if not crud.publishable or not BaseForm().validate_on_submit():
        abort(400)
    action = request.form.get("action", "")
    if action == "submit":
        workflow.submit(item)
        message = "Отправлено на проверку координатору."
    elif action in ("publish", "return") and workflow.may_review(current_user):
        if action == "publish":
            workflow.publish(item)
            message = "Одобрено и опубликовано: сайт обновится через несколько секунд."
        else:
            comment = request.form.get("comment", "").strip()
            if not comment:
                flash("Напишите, что исправить: комментарий увидит автор.", "error")
                return redirect(url_for(f"admin.{kind}_edit", id=id))
            workflow.send_back(item, comment)
            message = "Возвращено на доработку с комментарием."
    else:
        abort(403)
    audit.record(action, item, details=item.review_comment)
    db.session.commit()
    if action == "publish":
        jobs.request_publish("approval", user=current_user)  # the site follows the approval by itself
    flash(message, "success")
    return redirect(url_for(f"admin.{kind}_edit", id=id))


@bp.get("/history/<kind>/<id:id>/<id:revision_id>")
def revision_compare(kind: str, id: int, revision_id: int):
    crud, item = _item(kind, id)
    revision = db.session.get(Revision, revision_id)
    if revision is None or revision.object_kind != item.__tablename__ or revision.object_id != item.id:
        abort(404)
    changes = field_changes.compare(type(item), field_changes.labels_of(crud.form(obj=item)), revision.data,
                                    revisions.snapshot(item))
    return render_template("admin/revision.html", crud=crud, obj=item, revision=revision, changes=changes,
                           form=BaseForm())


@bp.post("/history/<kind>/<id:id>/<id:revision_id>/restore")
def revision_restore(kind: str, id: int, revision_id: int):
    crud, item = _item(kind, id)
    revision = db.session.get(Revision, revision_id)
    if revision is None or revision.object_kind != item.__tablename__ or revision.object_id != item.id:
        abort(404)
    if not BaseForm().validate_on_submit():
        abort(400)
    # A restore is a save by this user: the same workflow and organisation rules, checked against the row as it
    # was before the restore (not the revision's own status, which would allow itself).
    status_before = item.status if crud.publishable else None
    with db.session.no_autoflush:
        revisions.restore(revision, item)
    if crud.owned and not permissions.may_change(current_user, item):
        db.session.rollback()
        flash("Эта версия относится к организации, с которой вы не работаете: восстановить её нельзя.", "error")
        return redirect(url_for(f"admin.{kind}_edit", id=id))
    kept_status = crud.publishable and item.status not in workflow.status_choices(current_user, status_before)
    if kept_status:
        item.status = status_before  # the text comes back; publishing it again goes through review
    db.session.info["revision_comment"] = f"восстановлена версия от {revision.created_at:%d.%m.%Y %H:%M}"
    audit.record("restore", item, details=f"revision {revision.id}")
    db.session.commit()
    flash("Версия восстановлена. Это сохранение тоже попало в историю."
          + (f" Состояние осталось прежним («{status_before.label}»): менять его может координатор."
             if kept_status else ""), "success")
    return redirect(url_for(f"admin.{kind}_edit", id=id))
