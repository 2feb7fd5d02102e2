"""Russian error pages: a user never sees a stack trace or an English message."""
from __future__ import annotations

from flask import Response, render_template
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError

from portal.extensions import db

from . import bp

MESSAGES = {
    400: ("Неверный запрос", "Запрос не удалось разобрать. Вернитесь назад и попробуйте ещё раз."),
    403: ("Нет доступа", "У вашей учётной записи нет прав на эту страницу."),
    404: ("Страница не найдена", "Такой страницы нет, или она вам недоступна."),
    405: ("Неверный запрос", "Эта страница не принимает такой запрос."),
    413: ("Файл слишком большой", "Файл больше 20 МБ. Уменьшите его или загрузите по частям."),
    429: ("Слишком много запросов", "Слишком много попыток подряд. Подождите несколько минут и попробуйте ещё раз."),
    500: ("Ошибка на сервере", "Что-то пошло не так. Изменения, которые не были сохранены, не записаны; "
                               "попробуйте ещё раз, а если ошибка повторится — сообщите администратору."),
    503: ("База данных не отвечает", "База данных портала сейчас недоступна или занята. Несохранённые изменения не "
                                     "записаны. Подождите минуту и обновите страницу."),
}


def _render(code: int, detail: str | None = None):
    title, text = MESSAGES[code]
    return render_template("admin/error.html", code=code, title=title, text=detail or text), code


@bp.app_errorhandler(CSRFError)
def csrf_error(_error):
    return _render(400, "Форма устарела или отправлена не со страницы портала. Обновите страницу и отправьте "
                        "форму ещё раз: введённый текст сохраните заранее.")


@bp.app_errorhandler(400)
@bp.app_errorhandler(403)
@bp.app_errorhandler(404)
@bp.app_errorhandler(405)
@bp.app_errorhandler(413)
def http_error(error):
    return _render(error.code)


@bp.app_errorhandler(429)
def too_many_requests(error):
    # A limit with its own page (the login form, see auth.py) hands it over in the exception.
    if getattr(error, "response", None) is not None:
        return error.response
    return _render(429)


@bp.app_errorhandler(OperationalError)
def database_unavailable(_error):
    # A locked or unreachable database is a moment, not a bug: say so (503) instead of «Ошибка на сервере».
    # Saving a form handles it itself and keeps what was typed (crud.py).
    db.session.rollback()
    try:
        return _render(503)
    except OperationalError:
        # The page's layout shows the logged-in user, who is loaded from the same database: a bare page then.
        db.session.rollback()
        title, text = MESSAGES[503]
        return Response(f'<!doctype html><html lang="ru"><meta charset="utf-8"><title>{title}</title>'
                        f"<h1>{title}</h1><p>{text}</p></html>", 503, mimetype="text/html")


@bp.app_errorhandler(500)
def server_error(_error):
    db.session.rollback()
    return _render(500)
