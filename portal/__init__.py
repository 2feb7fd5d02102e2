"""The mentoring portal: create_app builds the admin app, create_site_app the site-only app that is frozen."""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask

from portal import config as settings
from portal import private_files, security_headers
from portal.config import PACKAGE_DIR
from portal.extensions import csrf, db, limiter, login_manager, migrate

MIGRATIONS_DIR = PACKAGE_DIR / "migrations"


def _base_app(overrides: dict[str, Any] | None) -> Flask:
    values = settings.load(overrides)
    app = Flask(
        __name__,
        instance_path=values["INSTANCE_PATH"],
        template_folder=str(PACKAGE_DIR / "templates"),
        static_folder=None,
    )
    app.config.update(values)
    app.config.update(
        SQLALCHEMY_DATABASE_URI=values["DATABASE_URL"],
        # hide_parameters: an SQL error in the log or a report shows the statement, never the values (a person's
        # name, an e-mail).
        SQLALCHEMY_ENGINE_OPTIONS={"pool_pre_ping": True, "hide_parameters": True},
        # WTForms' own Russian messages («Обязательное поле.», «Неверный вариант.»), no Babel needed.
        WTF_I18N_ENABLED=False,
        # The token is bound to the session already; a time limit would lose a long edit at «Сохранить».
        WTF_CSRF_TIME_LIMIT=None,
        # Room for the largest upload plus the form around it; beyond that Werkzeug answers 413 at once.
        MAX_CONTENT_LENGTH=(max(20, values["UPLOAD_MAX_MB"]) + 1) * 1024 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_HTTPONLY=True,
        REMEMBER_COOKIE_SAMESITE="Lax",
        REMEMBER_COOKIE_SECURE=values["SESSION_COOKIE_SECURE"],
        # A login is a permanent session (see auth.login): its cookie and its signature expire after this much
        # idleness, checked by the server, and every request extends it.
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=values["SESSION_LIFETIME_MINUTES"]),
        REMEMBER_COOKIE_DURATION=timedelta(days=values["REMEMBER_DAYS"]),
        RATELIMIT_STORAGE_URI=values["RATELIMIT_STORAGE_URL"],
        # Rate limits are per view; the login page says itself why it refuses (no X-RateLimit headers).
        RATELIMIT_HEADERS_ENABLED=False,
    )
    if values["TRUSTED_PROXIES"] > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Behind nginx every request comes from the proxy: without this, one failed login anywhere would count
        # against everybody, and the audit log would show the proxy's address.
        count = values["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)
    private_files.make_dir(Path(app.instance_path))
    database = sa.engine.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if database.get_backend_name() == "sqlite" and database.database not in (None, "", ":memory:"):
        private_files.touch(Path(database.database))  # SQLite would create it readable by all
    db.init_app(app)
    from portal import filters, logs

    logs.init_app(app)  # the process's one logging configuration (portal/logs.py)
    filters.register(app)
    return app


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """The admin app: the admin blueprint (login required) and the public site blueprint for preview."""
    app = _base_app(config)
    csrf.init_app(app)
    limiter.init_app(app)
    security_headers.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True, compare_type=True)
    login_manager.init_app(app)

    from portal.admin import bp as admin_bp
    from portal.site import bp as site_bp

    from portal.respond import bp as respond_bp

    app.register_blueprint(admin_bp)
    app.register_blueprint(site_bp)
    app.register_blueprint(respond_bp)  # /q/<token>: questionnaires answered without login, never frozen
    from portal import assets, health, logs

    app.register_blueprint(health.bp)  # /healthz: no login, no personal data
    assets.init_app(app)  # hashed names of static files, served with a year's cache
    logs.init_request_log(app)  # each request in the log, with its request id
    from portal.apply import bp as apply_bp

    # /apply/<kind>: applications posted from the site's static pages, which cannot carry a session's CSRF
    # token; the view checks the Origin instead (portal/apply/__init__.py).
    csrf.exempt(apply_bp)
    app.register_blueprint(apply_bp)
    from portal import save_effects

    save_effects.init_app(app)  # what a save triggers: Markdown, slugs, media uses and files, revisions, search
    from portal import jobs

    jobs.init_app(app)  # the job queue: publishing and the schedule run in a worker (portal/jobs.py)
    from portal import mail

    mail.init_app(app)  # mails are rows; their jobs start when the transaction commits (portal/mail/)
    return app


def create_site_app(config: dict[str, Any] | None = None) -> Flask:
    """The public site alone: what Frozen-Flask freezes, so nothing of /admin can reach build/."""
    app = _base_app(config)
    from portal.site import bp as site_bp

    app.register_blueprint(site_bp)
    from portal import assets, save_effects

    assets.init_app(app)  # the frozen pages link the hashed names of static files
    # Publishing saves too (scheduled rows, build state): the same rules apply; the admin's own effects do not.
    save_effects.init_app(app, admin=False)
    return app
