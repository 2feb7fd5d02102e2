"""Mails as rows, and their jobs started when the transaction that made them commits.

The job is started after the commit, not before: a job that ran before the commit (the in-memory queue of the
tests runs it at once, a fast worker might) would not find its row, and a rolled-back request sends nothing.
"""
from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import sqlalchemy as sa
from flask import current_app, has_app_context, render_template
from sqlalchemy import event
from sqlalchemy.orm import Session

from portal.extensions import db
from portal.models import MailMessage, MailOptOut, MailStatus, User

from .kinds import KINDS

PENDING = "portal.mail.pending"


def opted_out(session: Session, user: User | None, kind: str) -> bool:
    if user is None or not KINDS[kind].optional:
        return False
    return session.get(MailOptOut, (user.id, kind)) is not None


def absolute(path: str) -> str:
    """An address for a mail: the admin's paths at the host's root (from SITE_URL), the site's under SITE_URL
    (which may be a sub-path)."""
    site = current_app.config["SITE_URL"].rstrip("/") + "/"
    if path.startswith("/admin"):
        parts = urlsplit(site)
        return f"{parts.scheme}://{parts.netloc}{path}"
    return urljoin(site, path.lstrip("/"))


def enabled() -> bool:
    """Mail is an admin app's business (create_app); a site app in the same process sends none."""
    return has_app_context() and bool(current_app.extensions.get("portal.mail"))


def queue_mail(kind: str, recipient: str, *, reason: str, link: str, user: User | None = None,
               organisation_id: int | None = None, **context) -> MailMessage | None:
    """Add the mail to the session; its job starts when the session commits. None if the user turned it off."""
    session = db.session
    if not recipient or not enabled() or opted_out(session, user, kind):
        return None
    context.update(site_name=current_app.config["SITE_NAME"], reason=reason, link=absolute(link))
    message = MailMessage(kind=kind, recipient=recipient, user_id=user.id if user else None,
                          organisation_id=organisation_id, subject=KINDS[kind].subject.format(**context),
                          body_text=render_template(f"mail/{kind}.txt", **context),
                          body_html=render_template(f"mail/{kind}.html", **context), status=MailStatus.QUEUED)
    session.add(message)
    session.info.setdefault(PENDING, []).append(message)
    return message


def _after_commit(session: Session) -> None:
    pending = session.info.pop(PENDING, [])
    if not pending:
        return
    from portal import jobs

    send = jobs.queue().portal_tasks["send_mail"]
    for message in pending:
        send(message.id)


def _after_rollback(session: Session) -> None:
    session.info.pop(PENDING, None)


def listen() -> None:
    """On every session of the process: the app's scoped session makes a Session per request or job."""
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_soft_rollback", lambda session, _tx: _after_rollback(session))


def failed_count(organisation_ids: set[int] | None) -> int:
    query = sa.select(sa.func.count()).select_from(MailMessage).where(MailMessage.status == MailStatus.FAILED)
    if organisation_ids is not None:
        query = query.where(MailMessage.organisation_id.in_(organisation_ids or {-1}))
    return db.session.scalar(query) or 0
