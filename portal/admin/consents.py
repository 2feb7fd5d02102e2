"""Consents of a person (согласие на обработку / на распространение ПДн): given and withdrawn from the person's page.

Both are written to the audit log: a withdrawal is what 152-ФЗ asks us to be able to show.
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from portal.clock import local_now
from portal.extensions import db
from portal.models import Consent, ConsentKind, Signatory

from . import bp
from .forms import BaseForm, ConsentForm
from .persons import persons
from .saving import commit_change


@bp.route("/persons/<id:id>/consents/new", methods=["GET", "POST"])
def consent_new(id: int):
    person = persons.get_or_404(id)
    form = ConsentForm()
    if request.method == "GET" and person.is_minor:
        form.signed_by.data = Signatory.REPRESENTATIVE
    if form.validate_on_submit():
        record = Consent(person=person, kind=ConsentKind(form.kind.data), signed_on=form.signed_on.data,
                         document=form.document.data, signed_by=Signatory(form.signed_by.data),
                         representative_name=form.representative_name.data,
                         allowed_fields=",".join(form.allowed_fields.data)
                         if form.kind.data == ConsentKind.PUBLICATION else "")
        back = url_for("admin.persons_edit", id=person.id) + "#consents"
        db.session.add(record)
        if commit_change("create", record, details=f"согласие участника № {person.id}"):
            flash(f"Согласие записано: {record}.", "success")
        return redirect(back)  # refused: the person's page, with the reason, shows the consents as they are now
    if request.method == "POST":
        flash("Исправьте ошибки в форме: они отмечены у полей.", "error")
    return render_template("admin/consent_form.html", form=form, person=person)


@bp.post("/consents/<id:id>/withdraw")
def consent_withdraw(id: int):
    record = db.session.get(Consent, id) or abort(404)
    person = persons.get_or_404(record.person_id)
    back = url_for("admin.persons_edit", id=person.id) + "#consents"
    if BaseForm().validate_on_submit() and record.withdrawn_at is None:
        record.withdrawn_at = local_now()
        if commit_change("withdraw", record, details=f"согласие участника № {person.id}"):
            flash(f"Согласие отозвано: {record}. Данные уйдут с сайта при следующей публикации.", "success")
    return redirect(back)
