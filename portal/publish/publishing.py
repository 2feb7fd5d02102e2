"""Running one build: from the CLI (in the foreground) or from the worker (portal/jobs.py, which holds the
portal's build lock and records the run in the database: portal/publish/runs.py).

The last report is also kept in the instance folder, for the command line and the resilience tests.
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from flask import Flask

from portal import logs

from . import atomic
from .build import build_site
from .report import BuildReport

REPORT_FILE = "last_build.json"


SITE_SETTINGS = ("INSTANCE_PATH", "DATABASE_URL", "SECRET_KEY", "BUILD_DIR", "CONTENT_DIR", "SITE_NAME", "SITE_URL",
                 "SITE_ITEMS_PER_PAGE", "TIME_ZONE", "UPLOAD_DIR", "UPLOAD_BUCKET", "S3_ENDPOINT_URL", "S3_REGION",
                 "S3_ACCESS_KEY", "S3_SECRET_KEY")
SITE_APP_KEY = "portal.publish.site_app"
# A worker's warm-up (warm.py) asks for the site app in a thread of its own while a build may ask in another:
# both must get the same app, the one whose kept snapshot the build reads.
_making = threading.Lock()


def site_app_for(admin_app: Flask) -> Flask:
    """The site-only app with the admin app's settings: only the `site` blueprint can be frozen.

    Made once per admin app (per worker) while those settings stay the same: a fresh app compiled every template
    again on each publish (0.3–0.4 s of a one-edit publish at regional scale)."""
    from portal import create_site_app

    settings = {key: admin_app.config[key] for key in SITE_SETTINGS}
    with _making:
        kept = admin_app.extensions.get(SITE_APP_KEY)
        if kept is not None and kept[0] == settings:
            return kept[1]
        site_app = create_site_app(settings)
        admin_app.extensions[SITE_APP_KEY] = (settings, site_app)
        return site_app


def last_report(instance_path: str) -> BuildReport | None:
    path = Path(instance_path) / REPORT_FILE
    try:
        return BuildReport.from_json(path.read_text(encoding="utf-8")) if path.exists() else None
    except (ValueError, TypeError, KeyError):
        return None  # left cut in half by a process killed before reports were written atomically


def _save(instance_path: str, report: BuildReport) -> None:
    atomic.write_text(Path(instance_path) / REPORT_FILE, report.to_json())


def run_build(admin_app: Flask, *, full: bool = False, base_url: str | None = None,
              progress: Callable[[int, int, str], None] | None = None, user=None, reason: str | None = None,
              email: str | None = None) -> BuildReport:
    """Publish the site. `progress(done, total, url)` is called as pages are written (the CLI draws a bar with
    it, the worker moves its build's heartbeat on); `reason` and `email` say in the audit log why and for whom
    the worker built (a scheduled build is the system's: no e-mail)."""
    site_app = site_app_for(admin_app)
    instance = admin_app.config["INSTANCE_PATH"]
    from .runs import FOLD_REASONS, FRESH_REASONS

    report = build_site(site_app, full=full, base_url=base_url, progress=progress,
                        fold_search=reason in FOLD_REASONS, fresh=reason in FRESH_REASONS)
    _dispose(site_app)
    from portal.site import content_reuse

    content_reuse.settle(site_app.extensions.get(content_reuse.KEPT_KEY))
    if report.ok and admin_app.config.get("PUBLISH_BUCKET"):
        _upload(admin_app, report)
    if not report.busy:  # a refused second build must not hide the report of the one that runs
        _save(instance, report)
    logs.build_finished(report, reason)  # phases, pages, duration; a failure with its reason
    with admin_app.app_context():
        from portal import audit

        from .runs import REASONS

        why = f"Причина: {REASONS.get(reason, reason)}.\n" if reason else ""
        audit.record("build", details=why + report.summary(), user=user, email=email, commit=True)
    return report


def _upload(admin_app: Flask, report: BuildReport) -> None:
    """Sync the published folder to PUBLISH_BUCKET; a refusal fails the report (the folder is published)."""
    import time

    from portal.bucket import Bucket, BucketError

    started = time.monotonic()
    try:
        synced = Bucket.from_config(admin_app.config, "PUBLISH_BUCKET").sync_folder(
            Path(admin_app.config["BUILD_DIR"]))
    except (BucketError, OSError) as error:
        report.fail(f"сайт собран в папке, но не выгружен в хранилище: {error}")
        return
    report.phases["upload"] = round(time.monotonic() - started, 3)
    report.uploaded = synced.summary()


def _dispose(site_app: Flask) -> None:
    from portal.extensions import db

    with site_app.app_context():
        db.engine.dispose()
