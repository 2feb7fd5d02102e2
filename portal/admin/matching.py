"""Подбор наставника: suggested mentors on a mentee's page and for a program's unpaired mentees; one click pairs.

Ranking is portal/registries/matching.py; the records come from match_query.py. A mentor without a free place is
paired only after the curator ticks the warning.
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal import permissions
from portal.extensions import db
from portal.models import Person, Program, Role
from portal.models.base import utcnow
from portal.registries import match_query

from . import bp
from .forms import BaseForm
from .persons import persons
from .programs import programs


@bp.get("/persons/<id:id>/matches")
def person_matches(id: int):
    mentee = persons.get_or_404(id)
    suggestions = match_query.suggestions_for(current_user, mentee) if Role.MENTEE in mentee.roles else []
    return render_template("admin/matches.html", mentee=mentee, suggestions=suggestions, form=BaseForm(),
                           is_mentee=Role.MENTEE in mentee.roles, preset_program=None,
                           paired=match_query.is_paired(mentee), programs=_programs_of(mentee))


def _programs_of(mentee: Person) -> list[Program]:
    """Programs the pairing may belong to: those of the mentee's organisation or its network, of the same form."""
    ids = {mentee.organisation_id, *match_query.partners_of(mentee.organisation_id)}
    rows = db.session.scalars(db.select(Program).order_by(Program.title))
    return [p for p in rows if p.organisation_ids & ids and permissions.may_change(current_user, p)
            and (mentee.mentoring_form is None or p.mentoring_form == mentee.mentoring_form)]


@bp.post("/persons/<id:id>/pair")
def person_pair(id: int):
    mentee = persons.get_or_404(id)
    if not BaseForm().validate_on_submit() or Role.MENTEE not in mentee.roles:
        abort(400)
    suggestion = next((s for s in match_query.suggestions_for(current_user, mentee, limit=None)
                       if str(s.candidate.mentor_id) == request.form.get("mentor_id")), None)
    if suggestion is None:  # not a mentor this user may pair this mentee with
        abort(404)
    if suggestion.over_capacity and request.form.get("over_capacity") != "yes":
        flash(f"У наставника нет свободных мест ({suggestion.summary}). Чтобы всё равно закрепить пару, "
              "отметьте «Знаю, что мест нет» и нажмите ещё раз.", "error")
        return redirect(url_for("admin.person_matches", id=id))
    program = None
    if request.form.get("program_id"):
        program = next((p for p in _programs_of(mentee) if str(p.id) == request.form["program_id"]), None)
        if program is None:
            abort(404)
    mentor = db.session.get(Person, suggestion.candidate.mentor_id)
    if not (mentee.mentoring_form or mentor.mentoring_form or program):
        flash("Укажите форму наставничества у наставляемого или выберите программу.", "error")
        return redirect(url_for("admin.person_matches", id=id))
    pairing = match_query.pair(mentee, mentor, program, current_user, utcnow())
    db.session.commit()
    flash("Пара закреплена. Внесите номер и дату приказа о закреплении; проект приказа — в «Документы».",
          "success")
    return redirect(url_for("admin.pairings_edit", id=pairing.id))


@bp.get("/programs/<id:id>/matches")
def program_matches(id: int):
    program = programs.get_or_404(id)
    rows = [(mentee, match_query.suggestions_for(current_user, mentee, limit=3))
            for mentee in match_query.unpaired_mentees(program)
            if permissions.may_change(current_user, mentee)]
    return render_template("admin/program_matches.html", program=program, rows=rows, form=BaseForm())


@bp.context_processor
def matches_links():
    """«Подобрать наставника» on a mentee's page, «Подбор пар» on a program's (admin/form.html)."""
    def matches_link(crud_name: str, obj) -> tuple[str, str] | None:
        if obj is None or getattr(obj, "id", None) is None:
            return None
        if crud_name == "persons" and Role.MENTEE in obj.roles:
            return "Подобрать наставника", url_for("admin.person_matches", id=obj.id)
        if crud_name == "programs":
            return "Подбор пар", url_for("admin.program_matches", id=obj.id)
        return None

    return {"matches_link": matches_link}
