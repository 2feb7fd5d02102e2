"""Login and logout of the admin."""
from __future__ import annotations

import hmac

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from werkzeug.security import check_password_hash, generate_password_hash

from portal import audit
from portal.extensions import db, login_manager
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


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("admin.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        user = db.session.scalar(sa.select(User).where(User.email == form.email.data))
        if user is None:
            check_password_hash(_DUMMY_HASH, form.password.data)
        elif user.check_password(form.password.data) and user.active:
            login_user(user, remember=form.remember.data)
            audit.record("login", user=user, commit=True)
            return redirect(safe_next(request.args.get("next")))
        audit.record("login_failed", email=form.email.data[:200], commit=True)
        # One message for every failure: it must not tell which accounts exist.
        form.password.errors.append("Неверная почта или пароль.")
    return render_template("admin/login.html", form=form)


@bp.post("/logout")
def logout():
    form = BaseForm()
    if form.validate_on_submit():
        logout_user()
        flash("Вы вышли из админки.", "info")
    return redirect(url_for("admin.login"))
