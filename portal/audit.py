"""Writing the audit log: logins, saves, deletions, publications, builds, imports and exports."""
from __future__ import annotations

from flask import has_request_context, request
from flask_login import current_user

from portal.extensions import db
from portal.models import AuditEntry


def record(action: str, obj=None, *, details: str = "", user=None, email: str | None = None,
           commit: bool = False) -> AuditEntry:
    """Add an entry to the session (the caller's commit saves it with the change it describes)."""
    if user is None and has_request_context() and current_user.is_authenticated:
        user = current_user
    entry = AuditEntry(
        action=action,
        user_id=getattr(user, "id", None),
        user_email=email if email is not None else getattr(user, "email", ""),
        object_kind=getattr(obj, "__tablename__", "") if obj is not None else "",
        object_id=getattr(obj, "id", None) if obj is not None else None,
        object_title=str(obj)[:400] if obj is not None else "",
        ip=(request.remote_addr or "")[:64] if has_request_context() else "",
        details=details,
    )
    db.session.add(entry)
    if commit:
        db.session.commit()
    return entry
