"""Recognition of mentors: the year's best (only with a consent to publish the name) and letters of thanks
(благодарственные письма) as .docx, one file or a .zip for many."""
from __future__ import annotations

import io

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from sqlalchemy.orm import joinedload

from portal import audit, permissions
from portal.clock import local_now
from portal.extensions import db
from portal.models import MentorAward, Person, Role
from portal.monitoring import letters
from portal.monitoring import recognition as honours  # `recognition` is the page's view

from . import bp, choices
from .forms import BaseForm, options
from .monitoring_forms import AwardForm, LettersForm
from .persons import persons

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def awards_of(person: Person) -> list[MentorAward]:
    return list(db.session.scalars(sa.select(MentorAward).where(MentorAward.person_id == person.id)
                                   .order_by(MentorAward.year.desc())))


@bp.get("/recognition/")
def recognition():
    """The year's best mentors of the user's organisations, newest year first."""
    persons.check_area()
    query = (sa.select(MentorAward).join(Person, Person.id == MentorAward.person_id)
             .options(joinedload(MentorAward.person).joinedload(Person.organisation))
             .order_by(MentorAward.year.desc(), Person.full_name))
    awards = list(db.session.scalars(permissions.scope(query, Person, current_user)))
    return render_template("admin/recognition.html", awards=awards, year=local_now().year)


@bp.post("/persons/<id:id>/award")
def award_new(id: int):
    person = persons.get_or_404(id)
    form = AwardForm()
    if form.validate_on_submit():
        try:
            award = honours.give_award(db.session, person, form.year.data, form.title.data or "", local_now())
        except ValueError as refusal:
            flash(str(refusal), "error")
        else:
            db.session.flush()
            audit.record("create", award, details=person.full_name)
            db.session.commit()
            flash(f"{person.full_name}: «{award.title}», {award.year}. Имя появится на сайте при следующей "
                  "публикации.", "success")
    else:
        flash("Укажите год от 2000 до 2100.", "error")
    return redirect(url_for("admin.persons_edit", id=person.id) + "#award")


@bp.post("/awards/<id:id>/delete")
def award_delete(id: int):
    award = db.session.get(MentorAward, id) or abort(404)
    person = persons.get_or_404(award.person_id)
    if BaseForm().validate_on_submit():
        audit.record("delete", award, details=person.full_name)
        db.session.delete(award)
        db.session.commit()
        flash("Отметка «лучший наставник» снята.", "success")
    return redirect(url_for("admin.persons_edit", id=person.id) + "#award")


def _template_errors(template: bytes) -> list[str]:
    """The uploaded letter template checked as the documents' templates are (portal/documents/letters.py)."""
    from portal.documents import engine
    from portal.documents.letters import check_upload

    try:
        check_upload(template)
    except engine.TemplateProblem as problem:
        return [f"{problem} Можно: " + ", ".join(letters.PLACEHOLDERS) + "."]
    return []


@bp.route("/recognition/letters", methods=["GET", "POST"], endpoint="letters")
def letters_view():
    """Letters of thanks to the chosen mentors of the user's organisations."""
    persons.check_area()
    form = LettersForm()
    form.person_ids.choices = options(choices.persons(current_user, Role.MENTOR))
    if request.method == "GET":
        year = request.args.get("year", type=int)
        form.year.data = year if year is not None and 2000 <= year <= 2100 else local_now().year
        awarded = set(db.session.scalars(sa.select(MentorAward.person_id).where(MentorAward.year == form.year.data)))
        form.person_ids.data = [int(c.value) for c in form.person_ids.choices if int(c.value) in awarded]
    upload = request.files.get("template")
    template = upload.read() if request.method == "POST" and upload and upload.filename else None
    template_errors = _template_errors(template) if template else []
    if form.validate_on_submit() and not template_errors:
        chosen = list(db.session.scalars(sa.select(Person).where(Person.id.in_(form.person_ids.data))
                                         .options(joinedload(Person.organisation)).order_by(Person.full_name)))
        from portal.documents.letters import check_upload, letter

        jinja = check_upload(template) if template else None
        files = []
        for person in chosen:
            data = honours.letter_data(db.session, person, form.year.data, form.signatory.data.strip())
            body = letter(db.session, person, form.year.data, data.signatory, local_now(), template=jinja,
                          text=form.text.data)
            files.append((letters.filename(data), body))
        audit.record("export", details=f"благодарственные письма ({len(files)}), {form.year.data}", commit=True)
        if len(files) == 1:
            return send_file(io.BytesIO(files[0][1]), mimetype=DOCX, as_attachment=True, download_name=files[0][0])
        return send_file(io.BytesIO(letters.letters_zip(files)), mimetype="application/zip", as_attachment=True,
                         download_name=f"Благодарственные письма {form.year.data}.zip")
    if request.method == "POST":
        flash("Исправьте ошибки в форме: они отмечены у полей.", "error")
    return render_template("admin/letters.html", form=form, template_errors=template_errors,
                           placeholders=letters.PLACEHOLDERS)
