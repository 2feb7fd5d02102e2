"""Russian error pages: a user never sees a stack trace or an English message."""
from __future__ import annotations

from flask import render_template
from flask_wtf.csrf import CSRFError

from portal.extensions import db

from . import bp

MESSAGES = {
    400: ("Неверный запрос", "Запрос не удалось разобрать. Вернитесь назад и попробуйте ещё раз."),
    403: ("Нет доступа", "У вашей учётной записи нет прав на эту страницу."),
    404: ("Страница не найдена", "Такой страницы нет, или она вам недоступна."),
    405: ("Неверный запрос", "Эта страница не принимает такой запрос."),
    413: ("Файл слишком большой", "Файл больше 20 МБ. Уменьшите его или загрузите по частям."),
    500: ("Ошибка на сервере", "Что-то пошло не так. Изменения, которые не были сохранены, не записаны; "
                               "попробуйте ещё раз, а если ошибка повторится — сообщите администратору."),
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


@bp.app_errorhandler(500)
def server_error(_error):
    db.session.rollback()
    return _render(500)
