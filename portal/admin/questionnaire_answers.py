"""A questionnaire's results (counts, means, SVG charts, free answers) and the import of answers from a CSV
export of an online form service: upload, map columns to questions, then all rows or none."""
from __future__ import annotations

import re
import secrets
from io import BytesIO
from pathlib import Path

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, send_file, url_for

from portal import audit, private_files, text
from portal.clock import local_now
from portal.extensions import db
from portal.models import Questionnaire, QuestionnaireResponse
from portal.monitoring import answers_export, answers_import
from portal.monitoring.charts import distribution_svg
from portal.monitoring.results import questionnaire_results

from . import bp, import_files
from .forms import BaseForm
from .questionnaires import questionnaires

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,60}$")


@bp.get("/questionnaires/<id:id>/results", endpoint="questionnaire_results")
def questionnaire_results_view(id: int):
    questionnaire = questionnaires.get_or_404(id)
    results = questionnaire_results(db.session, questionnaire)
    charts = {r.question_id: distribution_svg(f"q{r.question_id}", r.text, r.distribution, r.answered, r.mean,
                                              r.scale_max)
              for r in results.questions if not r.is_text}
    return render_template("admin/questionnaire_results.html", questionnaire=questionnaire, results=results,
                           charts=charts)


@bp.get("/questionnaires/<id:id>/answers.<any(csv, xlsx):fmt>", endpoint="answers_export")
def answers_export_view(id: int, fmt: str):
    """Every response as a row, every question as a column."""
    questionnaire = questionnaires.get_or_404(id)
    responses = list(db.session.scalars(sa.select(QuestionnaireResponse)
                                        .where(QuestionnaireResponse.questionnaire_id == questionnaire.id)))
    data = answers_export.export_answers(questionnaire, responses, fmt)
    audit.record("export", questionnaire, details=f"ответы анкеты ({len(responses)}), {fmt}", commit=True)
    return send_file(BytesIO(data), mimetype=answers_export.FORMATS[fmt], as_attachment=True,
                     download_name=f"Ответы — {questionnaire.title[:80]}.{fmt}".replace("/", " "))


def _uploads() -> Path:
    return import_files.folder()


def _render(questionnaire: Questionnaire, form: BaseForm, **context):
    context.setdefault("sheet", None)
    return render_template("admin/answers_import.html", questionnaire=questionnaire, form=form,
                           questions=questionnaire.questions, submitted_at=answers_import.SUBMITTED_AT, **context)


@bp.route("/questionnaires/<id:id>/import", methods=["GET", "POST"], endpoint="answers_import")
def answers_import_view(id: int):
    questionnaire = questionnaires.get_or_404(id)
    form = BaseForm()
    if request.method != "POST" or not form.validate_on_submit():
        return _render(questionnaire, form)
    upload = request.files.get("file")
    token = request.form.get("token", "")
    try:
        if upload and upload.filename:
            data = upload.read()
            sheet = answers_import.read_csv(data)
            token = secrets.token_urlsafe(24)
            private_files.write(_uploads() / f"answers-{token}", data)  # kept between the mapping and the save
            mapping = answers_import.suggest_mapping(sheet.headers, questionnaire.questions)
            return _render(questionnaire, form, sheet=sheet, token=token, mapping=mapping,
                           filename=Path(text.strip_control_characters(upload.filename)).name)
        path = _uploads() / f"answers-{token}"
        if not _TOKEN.match(token) or not path.exists():
            flash("Выберите файл CSV с ответами.", "error")
            return _render(questionnaire, form)
        sheet = answers_import.read_csv(path.read_bytes())
    except answers_import.AnswersFileError as error:
        flash(str(error), "error")
        return _render(questionnaire, form)
    filename = Path(text.strip_control_characters(request.form.get("filename", ""))).name[:200]
    targets = {str(q.id) for q in questionnaire.questions} | {answers_import.SUBMITTED_AT}
    mapping = {index: value if (value := request.form.get(f"column-{index}", "")) in targets else ""
               for index in range(len(sheet.headers))}
    problems = answers_import.check_mapping(mapping, questionnaire.questions, sheet.headers)
    plan = None if problems else answers_import.plan_import(questionnaire, sheet, mapping, local_now())
    if problems or plan.errors:
        flash("Ничего не загружено: исправьте ошибки и загрузите снова.", "error")
        return _render(questionnaire, form, sheet=sheet, token=token, mapping=mapping, filename=filename,
                       problems=problems, plan=plan)
    saved = answers_import.save_import(db.session, questionnaire, plan)
    audit.record("import", questionnaire, details=f"ответы анкеты из «{filename}»: {saved}")
    db.session.commit()
    path.unlink(missing_ok=True)
    flash(f"Загружено ответов: {saved}.", "success")
    return redirect(url_for("admin.questionnaire_results", id=questionnaire.id))
