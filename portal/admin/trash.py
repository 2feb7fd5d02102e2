"""«Корзина»: deleted cases, news, events and pages, restorable by whoever may edit them for TRASH_DAYS days."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, url_for
from flask_login import current_user

from portal import audit, jobs, trash
from portal.extensions import db
from portal.models import Status, TrashItem

from . import bp
from .saving import commit_change

# The CRUD area of each trashed table, for the link to a restored row.
AREAS = {"case": "cases", "news_item": "news", "event": "events", "page": "pages"}


@bp.get("/trash")
def trash_list():
    items = db.paginate(trash.visible(current_user), per_page=50, error_out=False)
    return render_template("admin/trash.html", page=items, label=trash.label, days=current_app.config["TRASH_DAYS"],
                           purge_date=trash.purge_date)


@bp.post("/trash/<id:id>/restore")
def trash_restore(id: int):
    item = db.session.scalar(trash.visible(current_user).where(TrashItem.id == id))
    if item is None:
        abort(404)
    title = item.title
    try:
        obj = trash.restore(item)
    except trash.RestoreError as error:
        db.session.rollback()
        flash(f"Не удалось восстановить «{title}»: {error}", "error")
        return redirect(url_for("admin.trash_list"))
    if not commit_change("restore", obj, details="из корзины"):
        return redirect(url_for("admin.trash_list"))
    on_site = obj.status == Status.PUBLISHED
    if on_site:
        jobs.request_publish("edit", user=current_user)
    flash(f"Восстановлено: «{title}»." + (" Сайт обновится через несколько секунд." if on_site else ""), "success")
    return redirect(url_for(f"admin.{AREAS[item.object_kind]}_edit", id=obj.id))
