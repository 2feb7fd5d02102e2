"""Starting builds: from the CLI (in the foreground) or from the admin (in a background thread).

The last report is kept in the instance folder, so that the admin shows it whoever started the build.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from flask import Flask

from . import atomic
from .build import build_site
from .report import BuildReport

REPORT_FILE = "last_build.json"
PROGRESS_FILE = "build_progress.json"


def site_app_for(admin_app: Flask) -> Flask:
    """A fresh site-only app with the admin app's settings: only the `site` blueprint can be frozen."""
    from portal import create_site_app

    settings = {key: admin_app.config[key] for key in ("INSTANCE_PATH", "DATABASE_URL", "SECRET_KEY", "BUILD_DIR",
                                                       "CONTENT_DIR", "SITE_NAME", "SITE_URL", "SITE_ITEMS_PER_PAGE",
                                                       "TIME_ZONE")}
    return create_site_app(settings)


def last_report(instance_path: str) -> BuildReport | None:
    path = Path(instance_path) / REPORT_FILE
    try:
        return BuildReport.from_json(path.read_text(encoding="utf-8")) if path.exists() else None
    except (ValueError, TypeError, KeyError):
        return None  # left cut in half by a process killed before reports were written atomically


def _save(instance_path: str, report: BuildReport) -> None:
    atomic.write_text(Path(instance_path) / REPORT_FILE, report.to_json())


def read_progress(instance_path: str) -> dict | None:
    path = Path(instance_path) / PROGRESS_FILE
    try:
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None
    except ValueError:
        return None  # caught mid-write: the next refresh reads it


def run_build(admin_app: Flask, *, full: bool = False, base_url: str | None = None,
              progress: Callable[[int, int, str], None] | None = None, track_progress: bool = False,
              user=None) -> BuildReport:
    """Publish the site. `progress(done, total, url)` is called as pages are written; `track_progress` writes
    the same to the instance folder for the admin's publishing page instead."""
    site_app = site_app_for(admin_app)
    instance = admin_app.config["INSTANCE_PATH"]
    progress_path = Path(instance) / PROGRESS_FILE
    if track_progress:
        def track(done: int, total: int, url: str) -> None:
            if done % 20 == 0 or done == total:  # often enough for a person, rarely enough for the disk
                progress_path.write_text(json.dumps({"done": done, "total": total, "url": url}), encoding="utf-8")

        progress_path.write_text(json.dumps({"done": 0, "total": 0, "url": ""}), encoding="utf-8")
        try:
            report = build_site(site_app, full=full, base_url=base_url, progress=track)
        finally:
            progress_path.unlink(missing_ok=True)
    elif progress is not None:  # the CLI draws a progress bar with it
        report = build_site(site_app, full=full, base_url=base_url, progress=progress)
    else:
        report = build_site(site_app, full=full, base_url=base_url)
    _dispose(site_app)
    if not report.busy:  # a refused second build must not hide the report of the one that runs
        _save(instance, report)
    with admin_app.app_context():
        from portal import audit

        audit.record("build", details=report.summary(), user=user, commit=True)
    return report


def _dispose(site_app: Flask) -> None:
    from portal.extensions import db

    with site_app.app_context():
        db.engine.dispose()
