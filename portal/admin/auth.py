"""Login and logout of the admin."""
from __future__ import annotations

import hmac
import math
import time

import sqlalchemy as sa
from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask_limiter import RequestLimit
from flask_login import current_user, login_user, logout_user
from werkzeug.security import check_password_hash, generate_password_hash

from portal import audit
from portal.extensions import db, limiter, login_manager
from portal.models import User

from . import MAX_ID, bp
from .forms import BaseForm, LoginForm

login_manager.login_view = "admin.login"
login_manager.login_message = "Войдите, чтобы открыть эту страницу."
login_manager.login_message_category = "info"


# Checked for unknown e-mails too, so that the answer takes as long whether the account exists or not.
_DUMMY_HASH = generate_password_hash("not a password of anyone")


@login_manager.user_loader
def load_user(session_id: str) -> User | None:
    user_id, _, token = session_id.partition(":")
    if not user_id.isdigit() or int(user_id) > MAX_ID:
        return None
    user = db.session.get(User, int(user_id))
    return user if user is not None and hmac.compare_digest(user.session_token, token) else None


def safe_next(target: str | None) -> str:
    """Only addresses inside the admin: an open redirect would help phishing."""
    if target and target.startswith("/admin") and not target.startswith("//"):
        return target
    return url_for("admin.dashboard")


LIMITED_MESSAGE = ("Слишком много неудачных попыток входа. Вход временно закрыт: попробуйте через {minutes} мин. "
                   "или попросите администратора портала сменить пароль.")


def _posted_email() -> str:
    return (request.form.get("email") or "").strip().lower()[:200]


def _account_key() -> str:
    # An empty key makes Flask-Limiter skip the limit; such a form fails validation anyway.
    email = _posted_email()
    return f"login-account:{email}" if email else ""


def _authenticated() -> User | None:
    """The active user the posted e-mail and password name, checked once per request (a hash takes time)."""
    if "login_user" not in g:
        user = db.session.scalar(sa.select(User).where(User.email == _posted_email())) if _posted_email() else None
        password = request.form.get("password") or ""
        if user is None:
            check_password_hash(_DUMMY_HASH, password)  # the same time whether the account exists or not
        g.login_user = user if user is not None and user.check_password(password) and user.active else None
    return g.login_user


def _right_password() -> bool:
    """A correct password passes the per-address limit: a school behind one address is not locked out by a pupil
    guessing there. The per-account limit still holds it."""
    return request.method == "POST" and _authenticated() is not None


def _failed(_response) -> bool:
    """Only failed attempts count: an editor who logs in many times a day is never limited."""
    return bool(g.get("login_failed"))


def _refuse(limit: RequestLimit):
    """A refused attempt is still a failed login in the audit log, and the page says why in Russian."""
    audit.record("login_failed", email=_posted_email(), details="отклонено: слишком много попыток", commit=True)
    wait = max(1, math.ceil(limit.reset_at - time.time()))
    form = LoginForm(formdata=None)
    form.email.data = _posted_email()
    form.password.errors = [LIMITED_MESSAGE.format(minutes=max(1, round(wait / 60)))]
    return current_app.make_response((render_template("admin/login.html", form=form), 429,
                                      {"Retry-After": str(wait)}))


# Two limits on failed logins: per account (password guessing on one e-mail) and per address (trying many
# e-mails). The numbers are settings, read per request, so tests and deployments can change them.
@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_ACCOUNT"], key_func=_account_key, methods=["POST"],
               deduct_when=_failed, on_breach=_refuse, scope="login-account")
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_IP"], methods=["POST"], deduct_when=_failed,
               on_breach=_refuse, scope="login-ip", exempt_when=_right_password)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("admin.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        user = _authenticated()
        if user is not None:
            session.permanent = True  # expires after SESSION_LIFETIME_MINUTES without a request
            login_user(user, remember=form.remember.data)
            audit.record("login", user=user, commit=True)
            return redirect(safe_next(request.args.get("next")))
        g.login_failed = True
        audit.record("login_failed", email=form.email.data[:200], commit=True)
        # One message for every failure: it must not tell which accounts exist.
        form.password.errors.append("Неверная почта или пароль.")
    return render_template("admin/login.html", form=form)


@bp.post("/logout")
def logout():
    form = BaseForm()
    if form.validate_on_submit():
        if current_user.is_authenticated:
            # A copy of the cookie (another tab, a stolen one) must stop working too, not only this browser's.
            current_user.end_sessions()
            db.session.commit()
        logout_user()
        flash("Вы вышли из админки.", "info")
    return redirect(url_for("admin.login"))
