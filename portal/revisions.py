"""Revisions: every save of a content row keeps a snapshot of its fields, with the author and time.

Taken in a session event (registered by `init_app`, which portal/save_effects.py calls for every app), so the
admin, the CLI and imports all leave history. Restoring a revision is a save
like any other, and so makes a new revision.
"""
from __future__ import annotations

import difflib
from datetime import date, datetime
from enum import Enum
from typing import Any

import sqlalchemy as sa
from flask import Flask, has_request_context
from flask_login import current_user
from sqlalchemy import event
from sqlalchemy.orm import Session

from portal.models import Revision
from portal.models.base import VersionedMixin

# Derived or bookkeeping columns: not worth a diff, and never restored.
SKIPPED = {"id", "version", "created_at", "updated_at", "last_meeting_on"}  # the last: kept from the journal


def snapshot(obj) -> dict[str, Any]:
    data = {}
    for column in sa.inspect(type(obj)).columns:
        key = column.key
        if key in SKIPPED or key.endswith("_html"):
            continue
        value = getattr(obj, key)
        if isinstance(value, Enum):
            value = value.value
        elif isinstance(value, (date, datetime)):
            value = value.isoformat()
        data[key] = value
    return data


def init_app(_app: Flask) -> None:
    """Session events are global to SQLAlchemy's Session class: registered once, however many apps are made."""
    if not event.contains(Session, "after_flush", _keep_revisions):
        event.listen(Session, "after_flush", _keep_revisions)


def _keep_revisions(session: Session, _context) -> None:
    author = current_user if has_request_context() and current_user.is_authenticated else None
    for obj in list(session.new) + [o for o in session.dirty if session.is_modified(o, include_collections=False)]:
        if isinstance(obj, VersionedMixin) and obj.id is not None:
            session.add(Revision(object_kind=obj.__tablename__, object_id=obj.id, data=snapshot(obj),
                                 author_id=getattr(author, "id", None), author_email=getattr(author, "email", ""),
                                 comment=session.info.pop("revision_comment", "")))


def revisions_of(obj, limit: int = 30) -> list[Revision]:
    from portal.extensions import db

    query = (sa.select(Revision).where(Revision.object_kind == obj.__tablename__, Revision.object_id == obj.id)
             .order_by(Revision.id.desc()).limit(limit))
    return list(db.session.scalars(query))


def changes(revision: Revision, obj) -> list[dict[str, Any]]:
    """Field by field, what differs between the revision and the row now; long texts as a line diff."""
    now = snapshot(obj)
    result = []
    for key, old in revision.data.items():
        new = now.get(key)
        if old == new:
            continue
        if isinstance(old, str) and isinstance(new, str) and ("\n" in old or "\n" in new or len(old) > 120):
            lines = list(difflib.unified_diff(old.splitlines(), new.splitlines(), "было", "стало", lineterm="", n=1))
            result.append({"field": key, "diff": lines[2:]})
        else:
            result.append({"field": key, "old": old, "new": new})
    return result


def restore(revision: Revision, obj) -> None:
    """Put the revision's fields back on the row (the caller commits; that save is a new revision)."""
    mapper = sa.inspect(type(obj))
    for key, value in revision.data.items():
        column = mapper.columns.get(key)
        if column is None or key in SKIPPED:
            continue
        python_type = getattr(column.type, "python_type", None) if not isinstance(column.type, sa.Enum) else None
        if value is not None and python_type is date:
            value = date.fromisoformat(value)
        elif value is not None and python_type is datetime:
            value = datetime.fromisoformat(value)
        setattr(obj, key, value)
