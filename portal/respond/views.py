"""Answering a questionnaire: the form, the check (what was typed stays on an error), the thanks page."""
from __future__ import annotations

import re

import sqlalchemy as sa
from flask import abort, current_app, redirect, render_template, request, url_for
from flask_wtf.csrf import CSRFError
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException, TooManyRequests

from portal.clock import local_now
from portal.extensions import db, limiter
from portal.models import Questionnaire
from portal.security_headers import no_store
from portal.monitoring.questionnaires import check_submission, closed_reason, make_response

from . import bp

TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")


def _questionnaire(token: str) -> Questionnaire:
    if not TOKEN.fullmatch(token):
        abort(404)
    return db.session.scalar(sa.select(Questionnaire).where(Questionnaire.token == token)) or abort(404)


def _form(questionnaire: Questionnaire, values: MultiDict, errors: dict[int, str], notice: str = "",
          status: int = 200):
    return render_template("respond/form.html", questionnaire=questionnaire, values=values, errors=errors,
                           notice=notice), status


def _rate_limit() -> str:
    return current_app.config["QUESTIONNAIRE_RATE_LIMIT"]


@bp.route("/<token>", methods=["GET", "POST"])
@limiter.limit(_rate_limit, methods=["POST"])
def form(token: str):
    questionnaire = _questionnaire(token)
    reason = closed_reason(questionnaire, local_now())
    if reason:
        # A late POST saves nothing: the person reads why, whatever they typed.
        return render_template("respond/message.html", questionnaire=questionnaire, title="Анкета закрыта"
                               if questionnaire.questions else "Анкета не готова", message=reason)
    if request.method == "POST":
        submission = check_submission(questionnaire, request.form)
        if submission.ok:
            db.session.add(make_response(questionnaire, submission.values, local_now()))
            db.session.commit()
            return redirect(url_for("respond.thanks", token=token), 303)
        return _form(questionnaire, request.form, submission.errors)
    return _form(questionnaire, MultiDict(), {})


@bp.get("/<token>/thanks")
def thanks(token: str):
    questionnaire = _questionnaire(token)
    return render_template("respond/message.html", questionnaire=questionnaire, title="Спасибо!",
                           message="Ваши ответы записаны. Анкета анонимная: мы не знаем, кто её заполнил.")


# The form carries a CSRF token and maybe what a person typed: no cache, no search engine.
bp.after_request(no_store)


@bp.errorhandler(CSRFError)
def csrf_error(_error):
    """An expired form (a tab left open overnight): the answers stay, with a fresh token to send them again."""
    token = (request.view_args or {}).get("token", "")
    questionnaire = db.session.scalar(sa.select(Questionnaire).where(Questionnaire.token == token)) \
        if TOKEN.fullmatch(token or "") else None
    if questionnaire is None:
        return message_page("Страница устарела", "Откройте ссылку на анкету ещё раз.", 400)
    return _form(questionnaire, request.form, {}, "Страница была открыта слишком долго, и форма устарела. "
                                                  "Ваши ответы ниже — проверьте их и отправьте ещё раз.", 400)


@bp.errorhandler(TooManyRequests)
def too_many(_error):
    return message_page("Слишком много ответов", "С вашего адреса только что отправили много анкет. Подождите "
                                                 "минуту и отправьте ещё раз: ответы в открытой вкладке сохранятся, "
                                                 "если вернуться назад.", 429)


# By code, not by HTTPException: the admin's handlers are registered by code and would win otherwise.
@bp.errorhandler(400)
@bp.errorhandler(404)
@bp.errorhandler(405)
@bp.errorhandler(413)
def http_error(error: HTTPException):
    if error.code == 404:
        return message_page("Анкета не найдена", "Такой анкеты нет. Проверьте ссылку: её удобнее скопировать, "
                                                 "чем набирать.", 404)
    return message_page("Ошибка", "Запрос не удалось обработать. Вернитесь назад и попробуйте ещё раз.", error.code)


def message_page(title: str, message: str, status: int):
    """A public form's answer page (the questionnaires' and the applications'), with its status code."""
    return render_template("respond/message.html", questionnaire=None, title=title, message=message), status
