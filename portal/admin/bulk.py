"""Actions on several rows of a list at once: approve and publish, return with a comment, unpublish, delete (after
a confirmation that lists what cannot go), export the chosen rows. Each row passes the same checks as one at a
time: a curator's rows only, the workflow's rights, the rows that block a deletion."""
from __future__ import annotations

import csv
import io

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal import audit, jobs, trash, workflow
from portal.extensions import db
from portal.models import Status
from portal.cell_text import safe_cell_text

from . import bp
from .crud import CRUDS, Crud
from .forms import BaseForm

MAX_ROWS = 200  # a list page holds at most this many
REVIEW_ACTIONS = {"publish": "Одобрить и опубликовать", "return": "Вернуть на доработку",
                  "unpublish": "Снять с публикации"}
ACTIONS = {**REVIEW_ACTIONS, "delete": "Удалить", "export": "Выгрузить в CSV"}


def actions_for(crud: Crud) -> dict[str, str]:
    """The actions the list offers this user."""
    offered = dict(REVIEW_ACTIONS) if crud.publishable and workflow.may_review(current_user) else {}
    if crud.curator_may_create or workflow.may_review(current_user):
        offered["delete"] = ACTIONS["delete"]
    offered["export"] = ACTIONS["export"]
    return offered


@bp.post("/<kind>/bulk")
def bulk(kind: str):
    crud = CRUDS.get(kind) or abort(404)
    crud.check_area()
    if not BaseForm().validate_on_submit():
        abort(400)
    action = request.form.get("action", "")
    if action not in actions_for(crud):
        abort(403 if action in ACTIONS else 400)
    ids = sorted({id for id in request.form.getlist("ids", type=int) if id > 0})[:MAX_ROWS]
    back = redirect(request.form.get("next") if _local(request.form.get("next")) else url_for(f"admin.{kind}_list"))
    if not ids:
        flash("Отметьте записи в списке, а потом выберите действие.", "error")
        return back
    rows = [crud.get_or_404(id) for id in ids]  # another organisation's row: 404, as one at a time
    if action == "export":
        return _export(crud, rows)
    if action == "delete":
        return _delete(crud, rows, back)
    return _review(crud, rows, action, back)


def _local(target: str | None) -> bool:
    return bool(target) and target.startswith("/admin/") and "//" not in target


def _review(crud: Crud, rows: list, action: str, back):
    comment = request.form.get("comment", "").strip()
    if action == "return" and not comment:
        flash("Напишите, что исправить: комментарий увидят авторы.", "error")
        return back
    on_site = False
    for row in rows:
        on_site = on_site or row.status == Status.PUBLISHED
        if action == "publish":
            workflow.publish(row)
        elif action == "return":
            workflow.send_back(row, comment)
        else:
            workflow.unpublish(row)
        on_site = on_site or row.status == Status.PUBLISHED
        audit.record(action, row, details=row.review_comment)
    db.session.commit()
    if on_site:
        jobs.request_publish("approval" if action == "publish" else "edit", user=current_user)
    done = {"publish": "Одобрено и опубликовано", "return": "Возвращено на доработку",
            "unpublish": "Снято с публикации"}[action]
    flash(f"{done}: {len(rows)}." + (" Сайт обновится через несколько секунд." if on_site else ""), "success")
    return back


def _delete(crud: Crud, rows: list, back):
    blocked = {row.id: crud.blockers(row) for row in rows} if crud.blockers else {}
    free = [row for row in rows if not blocked.get(row.id)]
    if request.form.get("confirm") != "1":
        return render_template("admin/bulk_delete.html", crud=crud, rows=rows, blocked=blocked, free=free,
                               next=request.form.get("next", ""))
    on_site = any(crud._on_site(row) for row in free)
    for row in free:
        audit.record("delete", row)
        if trash.keeps(crud.model):
            trash.discard(row, current_user)
        else:
            db.session.delete(row)
    db.session.commit()
    if on_site:
        jobs.request_publish("edit", user=current_user)
    skipped = len(rows) - len(free)
    flash(f"Удалено: {len(free)}." + (f" Не удалено (с ними связаны другие данные): {skipped}." if skipped else ""),
          "success")
    return back


def _export(crud: Crud, rows: list) -> Response:
    """The chosen rows with the list's columns, as the list shows them; cells that a spreadsheet would take for
    a formula are escaped."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([column.label for column in crud.columns])
    for row in rows:
        writer.writerow([safe_cell_text(_text(column.cell(row))) for column in crud.columns])
    audit.record("export", details=f"{crud.title}: {len(rows)}", commit=True)
    response = Response("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{crud.name}.csv"'
    return response


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "да" if value else "нет"
    if hasattr(value, "label"):
        return value.label
    if hasattr(value, "strftime"):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, (set, list, tuple)):
        return ", ".join(_text(item) for item in value)
    return str(value)
