"""The audit log for admins: read only, with filters."""
from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import abort, render_template, request
from flask_login import current_user

from portal import permissions
from portal.extensions import db
from portal.models import AuditEntry

from . import bp

ACTIONS = {
    "login": "Вход", "login_failed": "Неудачный вход", "create": "Создание", "save": "Сохранение",
    "delete": "Удаление", "submit": "На проверку", "publish": "Публикация записи", "return": "Возврат на доработку",
    "restore": "Восстановление версии", "build": "Публикация сайта", "import": "Импорт", "export": "Экспорт",
    "withdraw": "Отзыв согласия", "document": "Документ по реестру", "upload": "Загрузка шаблона документа",
}


@bp.get("/audit")
def audit_log():
    if not permissions.is_admin(current_user):
        abort(403)
    args = request.args
    query = sa.select(AuditEntry)
    if (action := args.get("action", "")) in ACTIONS:
        query = query.where(AuditEntry.action == action)
    if user := args.get("user", "").strip()[:200]:
        query = query.where(sa.func.lower(AuditEntry.user_email).contains(user.lower(), autoescape=True))
    for name, op in (("from", "__ge__"), ("to", "__lt__")):
        try:
            day = datetime.strptime(args.get(name, ""), "%Y-%m-%d")
        except ValueError:
            continue
        query = query.where(getattr(AuditEntry.at, op)(day + timedelta(days=1) if name == "to" else day))
    page = db.paginate(query.order_by(AuditEntry.id.desc()), per_page=50, error_out=False,
                       page=min(max(args.get("page", 1, type=int), 1), 100_000))
    return render_template("admin/audit.html", page=page, actions=ACTIONS, filters=args)
