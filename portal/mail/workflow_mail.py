"""Mail on the review workflow: editors hear of an item sent to review; its author of its return with the comment
and of its publication. Watched on every flush (status changes of publishable rows), so that every way of changing
a status — the review buttons, bulk actions, the edit form — tells the same people.

The author is whoever last sent the item to review (the audit log's «submit»): an editor publishing their own
draft is told nothing.
"""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from portal.models import AuditEntry, Status, User, UserRole
from portal.models.base import PublishableMixin

from .outbox import enabled, queue_mail

# The admin's address of each publishable kind (admin/<crud>/<id>/edit), by table: the mail package does not
# import the admin.
ADMIN_PATHS = {"case": "cases", "news_item": "news", "event": "events", "page": "pages", "roadmap": "roadmaps",
               "media_file": "media"}


def _status_change(obj) -> tuple[Status | None, Status] | None:
    history = inspect(obj).attrs.status.history
    if not history.has_changes() or not history.added:
        return None
    before = history.deleted[0] if history.deleted else None
    return (Status(before) if before else None), Status(history.added[0])


def _author(session: Session, obj) -> User | None:
    user_id = session.scalar(sa.select(AuditEntry.user_id).where(
        AuditEntry.object_kind == obj.__tablename__, AuditEntry.object_id == obj.id, AuditEntry.action == "submit")
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(1))
    user = session.get(User, user_id) if user_id else None
    return user if user is not None and user.active else None


def _before_flush(session: Session, _context, _instances) -> None:
    if not enabled():
        return
    for obj in list(session.dirty):
        if not isinstance(obj, PublishableMixin) or obj.__tablename__ not in ADMIN_PATHS or obj.id is None:
            continue
        change = _status_change(obj)
        if change is None:
            continue
        before, after = change
        link = f"/admin/{ADMIN_PATHS[obj.__tablename__]}/{obj.id}/edit"
        title = str(obj)[:200]
        organisation_id = getattr(obj, "organisation_id", None)
        with session.no_autoflush:
            if after == Status.REVIEW and before != Status.REVIEW:
                editors = session.scalars(sa.select(User).where(User.role == UserRole.EDITOR, User.active.is_(True)))
                for editor in editors:
                    queue_mail("review_requested", editor.email, user=editor, organisation_id=organisation_id,
                               link=link, reason="вы редактор портала: материалы проверяете вы", title=title)
            elif before == Status.REVIEW and after in (Status.DRAFT, Status.PUBLISHED):
                author = _author(session, obj)
                if author is not None:
                    kind = "published" if after == Status.PUBLISHED else "returned"
                    queue_mail(kind, author.email, user=author, organisation_id=organisation_id, link=link,
                               reason="вы отправили этот материал на проверку", title=title,
                               comment=obj.review_comment)


def listen() -> None:
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
