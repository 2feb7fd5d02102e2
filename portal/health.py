"""/healthz: is this portal process able to serve? For nginx, a load balancer, a container engine, monitoring.

No login and no personal data: only what each check found. 200 when the database and the queue answer and the
instance and build folders have HEALTH_MIN_FREE_MB free; 503 (with the same JSON body) when one of them does not.
The last build's status and age are reported, and `checks.build.ok` is false after a failed build, but a failed
build does not make the process unhealthy: restarting it would not help (monitoring alerts on it instead).
"""
from __future__ import annotations

import shutil
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, current_app, jsonify

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    checks = {"database": _database(), "queue": _queue(), "disk": _disk()}
    checks["build"] = _last_build() if checks["database"]["ok"] else {"ok": False, "status": "unknown"}
    healthy = all(checks[name]["ok"] for name in ("database", "queue", "disk"))
    response = jsonify({"status": "ok" if healthy else "fail", "checks": checks})
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response


def _failure(error: Exception) -> dict[str, Any]:
    # The kind of error only: a driver's message may carry a host name or a user name.
    return {"ok": False, "error": type(error).__name__}


def _database() -> dict[str, Any]:
    from portal.extensions import db

    try:
        with db.engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except Exception as error:  # any failure to reach it is the answer
        return _failure(error)
    return {"ok": True}


def _queue() -> dict[str, Any]:
    from portal import jobs

    try:
        return {"ok": True, "pending": jobs.queue().pending_count()}
    except Exception as error:
        return _failure(error)


def _disk() -> dict[str, Any]:
    minimum = current_app.config.get("HEALTH_MIN_FREE_MB", 200)
    folders = {"instance": current_app.config["INSTANCE_PATH"], "build": current_app.config["BUILD_DIR"]}
    found: dict[str, Any] = {"ok": True, "min_free_mb": minimum}
    for name, folder in folders.items():
        path = Path(folder)
        while not path.exists() and path != path.parent:  # the site is not built yet: the disk it will be on
            path = path.parent
        try:
            free = shutil.disk_usage(path).free // (1024 * 1024)
        except OSError as error:
            found[name] = _failure(error)
            found["ok"] = False
            continue
        found[f"{name}_free_mb"] = free
        found["ok"] = found["ok"] and free >= minimum
    return found


def _last_build() -> dict[str, Any]:
    """The newest finished build the worker recorded (or `portal build` left in the instance folder)."""
    from portal.extensions import db
    from portal.models import BuildRun
    from portal.publish.publishing import last_report

    try:
        run = db.session.scalars(sa.select(BuildRun).where(BuildRun.status != "running")
                                 .order_by(BuildRun.finished_at.desc()).limit(1)).first()
    except Exception as error:
        db.session.rollback()
        return _failure(error)
    finished, status = None, "never"
    if run is not None and run.finished_at is not None:
        finished, status = run.finished_at.replace(tzinfo=timezone.utc), run.status
    report = last_report(current_app.config["INSTANCE_PATH"])
    if report is not None and report.finished_at and not report.busy:
        at = datetime.fromtimestamp(report.finished_at, timezone.utc)
        if finished is None or at > finished:
            finished, status = at, "done" if report.ok else "failed"
    if finished is None:
        return {"ok": True, "status": "never"}
    age = int((datetime.now(timezone.utc) - finished).total_seconds())
    return {"ok": status != "failed", "status": status, "finished_at": finished.isoformat(timespec="seconds"),
            "age_seconds": max(0, age)}
