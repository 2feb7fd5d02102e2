"""A worker's warm-up: when it starts, it does in the background what would make its first publish slow, so that
the first one-edit publish after a deploy, a restart or a crash is as fast as the later ones.

A cold first publish worked out, on top of the publish itself: the site app, the site's code version (a
subprocess that lists the modules rendering the site), the whole content snapshot, the plan of every address with
its fingerprint, the published state, the templates, the rows of the sitemap and the open data
(bench/results/*-worker-warm.md has the figures). The warm-up does these and keeps the snapshot as a build would
have kept it (portal/site/content_reuse.py): the first build then brings it up to date, as any later one does.
It publishes nothing, and takes neither the database's build lock nor the instance's: a build asked meanwhile
runs, and waits only for the snapshot being loaded, which it would otherwise load itself (content_reuse.take).

A thread of the worker's own process, not a job: on a shared queue (Redis) a job would go to whichever worker is
free, and each process keeps a snapshot of its own. A worker with no published site yet warms nothing: its
first build renders every page, and it would hold the snapshot's memory (hundreds of MB in a region) for
nothing until then. Any failure (an empty or broken database) is logged and leaves the first publish cold. A host
short of memory turns the warm-up off (PORTAL_WORKER_WARM_UP).
"""
from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from flask import Flask, url_for

from portal.extensions import db
from portal.site import content, content_reuse
from portal.site.version import site_version

from . import publishing, work_folder
from .build import FREEZING, compile_templates, plan_with_keys
from .work_folder import SEARCH_STATE_FILE, STATE_FILE

log = logging.getLogger("portal.build")


def start(admin_app: Flask) -> threading.Thread:
    """The warm-up in a thread of its own; a daemon: stopping the worker does not wait for it."""
    thread = threading.Thread(target=warm_up, args=(admin_app,), name="portal-warm-up", daemon=True)
    thread.start()
    return thread


def warm_up(admin_app: Flask) -> bool:
    """Prepare this process's first publish; whether a content snapshot was loaded and kept. Never raises."""
    started = time.monotonic()
    if not admin_app.config["WORKER_WARM_UP"]:
        log.info("Warm-up turned off (PORTAL_WORKER_WARM_UP): the first publish loads the content itself")
        return False
    try:
        site_app = publishing.site_app_for(admin_app)
        instance = Path(site_app.config["INSTANCE_PATH"])
        if not work_folder.read_state(instance / STATE_FILE):  # read once, then known to the build (read_state)
            log.info("Warm-up: no published site yet, nothing to prepare")
            return False
        work_folder.read_state(instance / SEARCH_STATE_FILE)
        site_version()
        kept = content_reuse.keep_first(site_app, lambda: _snapshot_and_plan(site_app))
        compile_templates(site_app)
    except Exception:  # the first publish does it all itself, as without a warm-up
        log.warning("Warm-up failed; the first publish will load everything itself", exc_info=True)
        return False
    log.info("Warm-up done in %.1f s%s", time.monotonic() - started,
             "" if kept else " (a publish had already taken the content snapshot)")
    return kept


def _snapshot_and_plan(site_app: Flask) -> content_reuse.Kept:
    """The whole snapshot, as a build loads it, with the plan of addresses that its build keeps on it, and the
    files whose rows a build keeps made once. Held by the gate (content_reuse.keep_first): no build renders on the
    site app meanwhile."""
    # The settings the worker's builds freeze with (build._freeze): the plan and the files' rows depend on them.
    site_app.config.update(FREEZING, FREEZER_BASE_URL=site_app.config["SITE_URL"])
    try:
        with site_app.app_context():
            kept, _ = content_reuse.load(None, fresh=True)
            try:
                with content.use_snapshot(kept.snapshot):
                    _render_memoised(site_app, plan_with_keys(site_app, kept.snapshot))
            finally:
                content_reuse.release(kept)
    finally:
        # As after a build (publishing.run_build): no connection held until the first publish. Once the context
        # above has given its session's connection back: one still out would be dropped open with the old pool.
        with site_app.app_context():
            db.engine.dispose()
    content_reuse.settle(kept)  # out of the garbage collector's sight, as after a build
    return kept


# The site's files that a build makes again from the rows it made last time (portal/site/files.py, row_memo.py):
# the sitemap and the open data list every page and every item. Made once here, not written anywhere, so that
# the first publish makes only the rows of what changed (0.3–0.5 s of a cold first publish at regional scale).
MEMOISED = ("site.sitemap", "site.open_data_json", "site.open_data_csv")


def _render_memoised(site_app: Flask, plan: list) -> None:
    base_url = site_app.config["FREEZER_BASE_URL"]
    with site_app.test_request_context():  # the paths as Frozen-Flask asks for them (under the base URL's path)
        paths = [url_for(address.endpoint, **address.values) for _, address in plan if address.endpoint in MEMOISED]
    client = site_app.test_client()
    for path in paths:
        status = client.get(path, base_url=base_url).status_code
        if status != 200:  # what a build would fail on too
            raise RuntimeError(f"{path}: {status}")
