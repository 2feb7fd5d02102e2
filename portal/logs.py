"""The one logging configuration of every portal process (web, worker, commands): records go to stderr, where
systemd's journal, a container engine or gunicorn's supervisor collects them.

- plain text by default, one JSON object per line with LOG_FORMAT=json (for Loki, ELK, Vector …);
- every record carries the id of the request or job it belongs to (`request_id`), so that a request's error and
  its request line are found together; a request id comes from nginx (`X-Request-ID`) or is made here, and is
  sent back in the response;
- each request (method, path, status, duration, user id), each build (portal/publish/publishing.py: phases,
  pages, duration, result), each job (Huey's signals), and every error with its traceback.

What is never logged: query strings (a search for a person's name), form fields, e-mails, and the questionnaire
tokens of /q/… addresses (a filter masks them in every record). SQL errors come without their parameters
(`hide_parameters` on the engine, create_app). Users are logged by id.
"""
from __future__ import annotations

import contextvars
import json
import logging
import re
import sys
import time
import uuid
from datetime import datetime, timezone
from typing import Any

request_id_var: contextvars.ContextVar[str] = contextvars.ContextVar("portal_request_id", default="-")

HANDLER_MARK = "_portal_handler"
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
# Loggers of the portal and of the libraries whose INFO lines an operator wants (migrations run by `portal init`).
OWN_LOGGERS = ("portal", "alembic", "flask_migrate", "gunicorn")
_STANDARD = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {"message", "asctime", "request_id"}
# A questionnaire's public link is its secret: whoever reads the log could answer as a class.
_TOKEN_PATH = re.compile(r"(/q/)[^/\s?\"']+")
_INCOMING_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

log = logging.getLogger("portal.request")


class _Context(logging.Filter):
    """Adds the request or job id to each record and masks questionnaire tokens in its text."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = request_id_var.get()
        if "/q/" in str(record.msg) or (isinstance(record.args, tuple)
                                         and any(isinstance(a, str) and "/q/" in a for a in record.args)):
            record.msg, record.args = _TOKEN_PATH.sub(r"\1***", record.getMessage()), None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC), level, logger, message, request_id, the record's extra fields, and
    the traceback as `exc` (written by hand: twenty lines are not worth a dependency)."""

    def format(self, record: logging.LogRecord) -> str:
        data: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
        }
        data.update((key, value) for key, value in vars(record).items() if key not in _STANDARD)
        if record.exc_info:
            data["exc"] = self.formatException(record.exc_info)
        elif record.exc_text:
            data["exc"] = record.exc_text
        return json.dumps(data, ensure_ascii=False, default=str)


class _Stderr(logging.StreamHandler):
    """Writes to whatever sys.stderr is now (pytest and gunicorn replace it after the handler is made)."""

    def __init__(self) -> None:
        super().__init__()

    @property
    def stream(self):  # type: ignore[override]
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        pass


def configure(level: str = "INFO", fmt: str = "text") -> logging.Handler:
    """Set up the root handler once per process (again: only its level and format change). Idempotent: every
    app the process makes calls it."""
    root = logging.getLogger()
    handler = next((h for h in root.handlers if getattr(h, HANDLER_MARK, False)), None)
    if handler is None:
        handler = _Stderr()
        setattr(handler, HANDLER_MARK, True)
        handler.addFilter(_Context())
        root.addHandler(handler)
        if root.level == logging.NOTSET or root.level < logging.WARNING:
            root.setLevel(logging.WARNING)  # libraries: their warnings and errors only
    if fmt.strip().lower() == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    # Werkzeug's development server logs each request with its query string (a search for a person's name): the
    # request log above replaces it; its errors still show.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    numeric = logging.getLevelName(level.strip().upper())
    for name in OWN_LOGGERS:
        logging.getLogger(name).setLevel(numeric if isinstance(numeric, int) else logging.INFO)
    return handler


def init_app(app) -> None:
    """The process's logging configuration with the app's LOG_LEVEL and LOG_FORMAT (every app calls it)."""
    configure(app.config.get("LOG_LEVEL", "INFO"), app.config.get("LOG_FORMAT", "text"))


def init_request_log(app) -> None:
    """Each request of the admin app in one line; the user's id is taken only if the request loaded the user
    already (never a database query of its own: /healthz must answer while the database is down)."""
    from flask import g, request

    @app.after_request
    def remember_user(response):
        user = g.get("_login_user")
        if user is not None and getattr(user, "is_authenticated", False):
            request.environ["portal.user_id"] = str(user.id)  # not get_id(): it carries the session's salt
        return response

    app.wsgi_app = RequestLog(app.wsgi_app)


class RequestLog:
    """WSGI middleware: a request id for the request (and its log records), one line when the response is made."""

    def __init__(self, wsgi_app) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        incoming = environ.get("HTTP_X_REQUEST_ID", "")
        request_id = environ.get("portal.request_id") or (
            incoming if _INCOMING_ID.match(incoming) else uuid.uuid4().hex[:16])
        if environ.get("portal.request_id"):  # an outer RequestLog logs this request
            return self.wsgi_app(environ, start_response)
        environ["portal.request_id"] = request_id
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        status: list[str] = []

        def start(line, headers, exc_info=None):
            status[:] = [line]
            headers.append(("X-Request-ID", request_id))
            return start_response(line, headers, exc_info)

        try:
            return self.wsgi_app(environ, start)
        finally:
            code = int(status[0].split()[0]) if status else 500
            millis = round((time.perf_counter() - started) * 1000, 1)
            user = environ.get("portal.user_id") or "-"
            method, path = environ.get("REQUEST_METHOD", "-"), environ.get("PATH_INFO", "/")
            log.log(logging.WARNING if code >= 500 else logging.INFO, "%s %s %s %.1f ms user=%s",
                    method, path, code, millis, user,
                    extra={"method": method, "path": _TOKEN_PATH.sub(r"\1***", path), "status": code,
                           "duration_ms": millis, "user_id": user})
            request_id_var.reset(token)


def watch_jobs(huey) -> None:
    """Each job in the log: started, done in so many seconds, or failed (Huey itself logs the traceback), with the
    job's id as the request id of everything it logs."""
    from huey import signals
    from huey.api import PeriodicTask

    job_log = logging.getLogger("portal.jobs")
    started: dict[str, float] = {}

    def executing(_signal, task, *args) -> None:
        request_id_var.set(f"job-{task.id[:8]}")
        started[task.id] = time.perf_counter()
        job_log.log(logging.DEBUG if isinstance(task, PeriodicTask) else logging.INFO, "Job %s started", task.name,
                    extra={"job": task.name, "job_id": task.id})

    def finished(signal, task, *args) -> None:
        seconds = round(time.perf_counter() - started.pop(task.id, time.perf_counter()), 3)
        fields = {"job": task.name, "job_id": task.id, "duration_s": seconds, "result": signal}
        if signal == signals.SIGNAL_ERROR:
            error = args[0] if args else None
            job_log.error("Job %s failed after %.3f s: %s (retries left: %s)", task.name, seconds,
                          type(error).__name__, task.retries, extra=fields)
        else:
            # The every-minute schedule would fill the log: its builds are logged by themselves.
            level = logging.DEBUG if isinstance(task, PeriodicTask) else logging.INFO
            job_log.log(level, "Job %s %s in %.3f s", task.name, signal, seconds, extra=fields)
        request_id_var.set("-")

    huey.signal(signals.SIGNAL_EXECUTING)(executing)
    huey.signal(signals.SIGNAL_COMPLETE, signals.SIGNAL_ERROR, signals.SIGNAL_CANCELED, signals.SIGNAL_INTERRUPTED,
                signals.SIGNAL_TIMEOUT)(finished)


def build_finished(report, reason: str | None = None) -> None:
    """A build's result: phases, pages, duration; a failure with its reason and traceback."""
    build_log = logging.getLogger("portal.build")
    fields = {"build_ok": report.ok, "duration_s": report.seconds, "reason": reason or "command",
              "pages_total": report.pages_total, "pages_rendered": report.pages_rendered,
              "pages_removed": report.pages_removed, "phases": dict(report.phases)}
    if report.ok:
        phases = " ".join(f"{name}={value}" for name, value in report.phases.items())
        build_log.info("Build done in %.2f s (%s): %d pages, %d rendered, %d removed, %d in search; phases %s",
                       report.seconds, fields["reason"], report.pages_total, report.pages_rendered,
                       report.pages_removed, report.indexed_pages, phases, extra=fields)
    elif report.busy:
        build_log.info("Build refused: another build is running", extra=fields)
    else:
        build_log.error("Build failed after %.2f s (%s): %s%s", report.seconds, fields["reason"], report.error,
                        f"\n{report.details.rstrip()}" if report.details else "", extra=fields)
