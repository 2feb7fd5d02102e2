"""«Заявки»: applications from the site, per organisation for its curators; accept, decline or ask for more."""
from __future__ import annotations

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal import permissions
from portal.extensions import db
from portal.models import Application, ApplicationStatus, Person
from portal.models.base import utcnow
from portal.registries import applications

from . import bp
from .forms import BaseForm

PER_PAGE = 50


def _application_or_404(id: int) -> Application:
    application = db.session.get(Application, id)
    if application is None or not permissions.may_use_organisation(current_user, application.organisation_id):
        abort(404)
    return application


@bp.get("/applications/")
def applications_list():
    status = request.args.get("status", ApplicationStatus.NEW.value)
    query = sa.select(Application).order_by(Application.created_at.desc())
    allowed = permissions.organisation_ids(current_user)
    if allowed is not None:
        query = query.where(Application.organisation_id.in_(allowed or {-1}))
    if status in ApplicationStatus._value2member_map_:
        query = query.where(Application.status == status)
    rows = list(db.session.scalars(query.limit(PER_PAGE)))
    return render_template("admin/applications.html", rows=rows, status=status, statuses=list(ApplicationStatus))


@bp.get("/applications/<id:id>")
def applications_view(id: int):
    application = _application_or_404(id)
    person = db.session.get(Person, application.person_id) if application.person_id else None
    return render_template("admin/application.html", application=application, person=person, form=BaseForm(),
                           tags=applications.parse_tags(application.tags))


@bp.post("/applications/<id:id>/decide")
def applications_decide(id: int):
    application = _application_or_404(id)
    if not BaseForm().validate_on_submit():
        abort(400)
    action, comment, now = request.form.get("action"), request.form.get("comment", ""), utcnow()
    try:
        if action == "accept":
            person = applications.accept(application, current_user, now)
            db.session.commit()
            flash("Заявка принята: участник добавлен в реестр с согласием из заявки. Заявителю отправлено "
                  "письмо.", "success")
            return redirect(url_for("admin.persons_edit", id=person.id))
        if action == "decline":
            applications.decline(application, current_user, comment, now)
        elif action == "more":
            applications.ask_more(application, current_user, comment, now)
        else:
            abort(400)
    except applications.DecisionError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("admin.applications_view", id=id))
    db.session.commit()
    flash("Решение сохранено, заявителю отправлено письмо.", "success")
    return redirect(url_for("admin.applications_list"))


@bp.context_processor
def application_counts():
    """For the dashboard: new applications and mails not sent, within the user's organisations."""
    from portal.mail.outbox import failed_count

    def new_applications() -> int:
        query = sa.select(sa.func.count()).select_from(Application).where(Application.status == ApplicationStatus.NEW)
        allowed = permissions.organisation_ids(current_user)
        if allowed is not None:
            query = query.where(Application.organisation_id.in_(allowed or {-1}))
        return db.session.scalar(query) or 0

    return {"new_applications": new_applications,
            "failed_mails": lambda: failed_count(permissions.organisation_ids(current_user))}
