"""One save of a hand-written admin view (outside the generic CRUD), as the CRUD saves: the change and its audit
entry in one commit, and a stale or conflicting save answered with the Russian message instead of a 500."""
from __future__ import annotations

from flask import current_app, flash
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from portal import audit
from portal.extensions import db

CONFLICT = "Эту запись только что изменил другой пользователь. Обновите страницу и повторите действие."
INTEGRITY = "Не удалось сохранить: такая запись уже есть или связанная запись удалена. Обновите страницу."
UNAVAILABLE = "Не удалось сохранить: база данных сейчас не отвечает. Подождите минуту и повторите действие."


def commit_change(action: str, obj, *, details: str = "") -> bool:
    """Write the change with its audit entry and commit: "create" and "save" flush first (a new row gets its id),
    "delete" records the row before deleting it. False, with the reason flashed and the session rolled back, when
    the database refuses."""
    try:
        if action == "delete":
            audit.record(action, obj, details=details)
            db.session.delete(obj)
        else:
            db.session.flush()
            audit.record(action, obj, details=details)
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        flash(INTEGRITY, "error")
    except StaleDataError:
        db.session.rollback()
        flash(CONFLICT, "error")
    except DBAPIError:  # after IntegrityError: a lock timeout, a lost connection, a full disk…
        db.session.rollback()
        current_app.logger.exception("Saving %s failed in the database", getattr(obj, "__tablename__", obj))
        flash(UNAVAILABLE, "error")
    else:
        return True
    return False
