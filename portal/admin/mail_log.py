"""«Письма»: what the portal mailed and what failed; «Мои уведомления»: the kinds a user turns on or off."""
from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal import permissions
from portal.extensions import db
from portal.mail.kinds import KINDS, optional_kinds
from portal.models import MailMessage, MailOptOut, MailStatus

from . import bp
from .forms import BaseForm

PER_PAGE = 100


@bp.get("/mail/")
def mail_log():
    """Newest first; failures first when asked. A curator sees the mail of their organisations."""
    query = sa.select(MailMessage).order_by(MailMessage.created_at.desc(), MailMessage.id.desc())
    allowed = permissions.organisation_ids(current_user)
    if allowed is not None:
        query = query.where(MailMessage.organisation_id.in_(allowed or {-1}))
    failed_only = request.args.get("failed") == "1"
    if failed_only:
        query = query.where(MailMessage.status.in_((MailStatus.FAILED, MailStatus.RETRYING)))
    rows = list(db.session.scalars(query.limit(PER_PAGE)))
    return render_template("admin/mail_log.html", rows=rows, kinds=KINDS, failed_only=failed_only)


@bp.route("/notifications", methods=["GET", "POST"])
def notifications():
    form = BaseForm()
    off = set(db.session.scalars(sa.select(MailOptOut.kind).where(MailOptOut.user_id == current_user.id)))
    if form.validate_on_submit():
        wanted_off = {name for name, _kind in optional_kinds() if request.form.get(name) != "on"}
        db.session.execute(sa.delete(MailOptOut).where(MailOptOut.user_id == current_user.id))
        db.session.add_all(MailOptOut(user_id=current_user.id, kind=name) for name in sorted(wanted_off))
        db.session.commit()
        flash("Настройки уведомлений сохранены.", "success")
        return redirect(url_for("admin.notifications"))
    return render_template("admin/notifications.html", form=form, kinds=optional_kinds(), off=off)
