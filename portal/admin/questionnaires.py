"""Questionnaires: the builder (a questionnaire and its ordered questions), ready-made templates, the public
link and closing it. Results and the import of answers are in questionnaire_answers.py."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm import joinedload

from portal import audit, permissions
from portal.clock import local_now
from portal.extensions import db
from portal.models import Question, QuestionKind, Questionnaire
from portal.models.monitoring import CHOICE_KINDS
from portal.monitoring.questionnaires import TEMPLATES, from_template, response_count, state_label

from . import bp
from .crud import Column, Crud
from .forms import BaseForm
from .monitoring_forms import QuestionForm, QuestionnaireForm, TemplateForm

LOCKED = ("На анкету уже есть ответы: вопросы нельзя добавлять, удалять, менять их тип и варианты — иначе "
          "ответы перестанут совпадать с вопросами. Исправить опечатку в тексте вопроса можно. Для другой "
          "анкеты создайте новую.")


def questionnaire_context(questionnaire: Questionnaire) -> dict:
    """What the questionnaire's page shows beside its form: the link, its state and the questions."""
    count = response_count(db.session, questionnaire.id)
    return {"questions": questionnaire.questions, "responses": count, "locked": count > 0,
            "state": state_label(questionnaire, local_now()),
            "public_url": url_for("respond.form", token=questionnaire.token, _external=True)}


questionnaires = Crud(
    name="questionnaires",
    model=Questionnaire,
    form=QuestionnaireForm,
    title="Анкеты",
    new_label="Новая анкета",
    columns=[
        Column("title", "Название", link=True),
        Column("organisation", "Организация", sortable=False),
        Column("stage", "Этап"),
        Column("audience", "Кто отвечает"),
        Column("closes_on", "Ответы по"),
        Column("state", "Состояние", sortable=False, value=lambda q: state_label(q, local_now())),
        Column("responses", "Ответов", sortable=False, value=lambda q: response_count(db.session, q.id)),
    ],
    search=["title", "intro"],
    edit_template="admin/questionnaire_form.html",
    extra_context=lambda questionnaire: questionnaire_context(questionnaire) if questionnaire.id else {},
    list_options=[joinedload(Questionnaire.organisation)],
).register(bp)


@bp.route("/questionnaires/templates", methods=["GET", "POST"])
def questionnaire_templates():
    """Create a questionnaire from a ready-made template (the satisfaction questionnaires)."""
    questionnaires.check_area()
    form = TemplateForm()
    form.setup(current_user)
    if form.validate_on_submit():
        if not (permissions.is_staff(current_user) or permissions.may_use_organisation(current_user,
                                                                                       form.organisation_id.data)):
            abort(403)  # the form offers only allowed organisations; this guards the rest
        questionnaire = from_template(form.template.data, form.organisation_id.data)
        db.session.add(questionnaire)
        db.session.flush()
        audit.record("create", questionnaire, details=f"из шаблона «{TEMPLATES[form.template.data].title}»")
        db.session.commit()
        flash("Анкета создана из шаблона. Проверьте даты приёма ответов и вопросы, затем отправьте участникам "
              "ссылку.", "success")
        return redirect(url_for("admin.questionnaires_edit", id=questionnaire.id))
    if request.method == "POST":
        flash("Исправьте ошибки в форме: они отмечены у полей.", "error")
    return render_template("admin/questionnaire_templates.html", form=form, templates=TEMPLATES)


@bp.post("/questionnaires/<id:id>/close")
def questionnaire_close(id: int):
    """Stop (or resume) taking answers now, whatever the dates say."""
    questionnaire = questionnaires.get_or_404(id)
    if BaseForm().validate_on_submit():
        reopen = request.form.get("action") == "reopen"
        questionnaire.closed_at = None if reopen else local_now()
        audit.record("save", questionnaire, details="приём ответов возобновлён" if reopen else "анкета закрыта")
        db.session.commit()
        flash("Приём ответов возобновлён." if reopen else "Анкета закрыта: новые ответы не принимаются.", "success")
    return redirect(url_for("admin.questionnaires_edit", id=id) + "#link")


# ---- questions ----------------------------------------------------------------------------------------------
def _question_or_404(id: int) -> Question:
    question = db.session.get(Question, id) or abort(404)
    questionnaires.get_or_404(question.questionnaire_id)  # the questionnaire's organisation decides
    return question


def _back(questionnaire_id: int):
    return redirect(url_for("admin.questionnaires_edit", id=questionnaire_id) + "#questions")


def _options_text(text: str | None) -> str:
    return "\n".join(line.strip() for line in (text or "").splitlines() if line.strip())


def _edit_question(question: Question, questionnaire: Questionnaire, heading: str):
    locked = response_count(db.session, questionnaire.id) > 0
    form = QuestionForm(obj=question)
    if form.validate_on_submit():
        kind = QuestionKind(form.kind.data)
        options = _options_text(form.options.data) if kind in CHOICE_KINDS else ""
        if locked and (kind != question.kind or options != _options_text(question.options)):
            form.kind.errors.append(LOCKED)
        else:
            question.text, question.kind, question.required = form.text.data.strip(), kind, form.required.data
            question.options = options
            if form.position.data is not None:
                question.position = form.position.data
            db.session.add(question)
            db.session.commit()
            flash(f"Вопрос сохранён: «{question.text[:80]}».", "success")
            return _back(questionnaire.id)
    if request.method == "POST":
        flash("Исправьте ошибки в форме: они отмечены у полей.", "error")
    return render_template("admin/question_form.html", form=form, question=question, questionnaire=questionnaire,
                           heading=heading, locked=locked)


@bp.route("/questionnaires/<id:questionnaire_id>/questions/new", methods=["GET", "POST"])
def question_new(questionnaire_id: int):
    questionnaire = questionnaires.get_or_404(questionnaire_id)
    if response_count(db.session, questionnaire.id):
        flash(LOCKED, "error")
        return _back(questionnaire.id)
    position = max((q.position for q in questionnaire.questions), default=0) + 10
    # By id, not by relationship: a relationship would put the unsaved question into the session at once.
    question = Question(questionnaire_id=questionnaire.id, position=position, kind=QuestionKind.SCALE10,
                        required=True, options="")
    return _edit_question(question, questionnaire, "Новый вопрос")


@bp.route("/questions/<id:id>/edit", methods=["GET", "POST"])
def question_edit(id: int):
    question = _question_or_404(id)
    return _edit_question(question, question.questionnaire, "Вопрос")


@bp.route("/questions/<id:id>/delete", methods=["GET", "POST"])
def question_delete(id: int):
    question = _question_or_404(id)
    questionnaire = question.questionnaire
    if response_count(db.session, questionnaire.id):
        flash(LOCKED, "error")
        return _back(questionnaire.id)
    if request.method == "POST" and BaseForm().validate_on_submit():
        db.session.delete(question)
        db.session.commit()
        flash("Вопрос удалён.", "success")
        return _back(questionnaire.id)
    return render_template("admin/question_delete.html", question=question, questionnaire=questionnaire)


@bp.post("/questions/<id:id>/move")
def question_move(id: int):
    """Swap the question with its neighbour above or below, then number them afresh (10, 20, …)."""
    question = _question_or_404(id)
    if BaseForm().validate_on_submit():
        items = list(question.questionnaire.questions)
        index = items.index(question)
        other = index - 1 if request.form.get("direction") == "up" else index + 1
        if 0 <= other < len(items):
            items[index], items[other] = items[other], items[index]
        for position, item in enumerate(items, start=1):
            item.position = position * 10
        db.session.commit()
    return redirect(url_for("admin.questionnaires_edit", id=question.questionnaire_id) + f"#question-{question.id}")
