"""The application view: origin check, size limit, honeypot, rate limit, then one domain call."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, current_app, redirect, render_template, request, url_for
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException, TooManyRequests

from portal.extensions import db, limiter
from portal.models import Organisation, Role
from portal.models.base import utcnow
from portal.registries import applications
from portal.respond.views import message_page
from portal.security_headers import no_store

from portal.site.join import form_context

from . import bp

HONEYPOT = "website"  # hidden from people by CSS; a bot that fills every field fills it too


def _rate_limit() -> str:
    return current_app.config["APPLICATION_RATE_LIMIT"]


def _origin(url: str | None) -> str | None:
    parts = urlsplit(url or "")
    return f"{parts.scheme}://{parts.netloc}".lower() if parts.scheme and parts.netloc else None


def same_origin() -> bool:
    """The post comes from this host or from the published site's address."""
    sent = _origin(request.headers.get("Origin")) or _origin(request.headers.get("Referer"))
    allowed = {_origin(request.host_url), _origin(current_app.config["SITE_URL"])}
    return sent is not None and sent in allowed


@bp.before_request
def limit_size():
    limit = current_app.config["APPLICATION_MAX_KB"] * 1024
    if request.content_length is not None and request.content_length > limit:
        abort(413)
    request.max_content_length = limit  # a body without Content-Length is cut here too


def _kind(slug: str) -> Role:
    return applications.kind_of(slug) or abort(404)


def _organisations() -> dict[int, Organisation]:
    return {org.id: org for org in db.session.scalars(db.select(Organisation).order_by(Organisation.short_name))}


def _form(kind: Role, values: MultiDict, errors: dict, status: int = 200):
    return render_template("apply/form.html", errors=errors,
                           **form_context(kind, list(_organisations().values()), values)), status


@bp.route("/<kind>", methods=["GET", "POST"])
@limiter.limit(_rate_limit, methods=["POST"])
def form(kind: str):
    role = _kind(kind)
    if request.method == "GET":
        return _form(role, MultiDict(), {})
    if not same_origin():
        return message_page("Заявка не отправлена", "Форма отправлена не со страницы портала. Откройте страницу "
                                                    "заявки на сайте и отправьте её оттуда.", 400)
    if request.form.get(HONEYPOT):
        return redirect(url_for("apply.thanks"), 303)  # nothing stored; a bot learns nothing
    checked = applications.check(role, request.form, _organisations())
    if not checked.ok:
        return _form(role, request.form, checked.errors, 400)
    applications.submit(checked.values, request.remote_addr or "", utcnow())
    db.session.commit()
    return redirect(url_for("apply.thanks"), 303)


@bp.get("/thanks")
def thanks():
    return message_page("Заявка отправлена", "Спасибо! Мы отправили письмо о получении заявки на указанный адрес. "
                                             "Куратор рассмотрит её и напишет о решении.", 200)


bp.after_request(no_store)


@bp.errorhandler(TooManyRequests)
def too_many(_error):
    return message_page("Слишком много заявок", "С вашего адреса только что отправили много заявок. Подождите и "
                                                "попробуйте позже. Если вы подаёте заявки за группу, обратитесь к "
                                                "куратору программы.", 429)


@bp.errorhandler(400)
@bp.errorhandler(404)
@bp.errorhandler(405)
@bp.errorhandler(413)
def http_error(error: HTTPException):
    if error.code == 404:
        return message_page("Страница не найдена", "Такой формы заявки нет.", 404)
    if error.code == 413:
        return message_page("Заявка слишком большая", "В заявке слишком много текста. Сократите описание и "
                                                      "отправьте ещё раз.", 413)
    return message_page("Ошибка", "Заявку не удалось обработать. Вернитесь назад и попробуйте ещё раз.", error.code)

