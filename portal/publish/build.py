"""Publishing: freeze the site-only app into a temporary folder, index it for search, swap it into place.

Freeze, then index, then report. One build at a time (a lock file in the instance folder). A build that fails
or is killed leaves the published folder untouched: it is replaced only at the very end. A build with many pages
to render renders them in forked processes too, one per core (helpers.py), from the same loaded snapshot. The
site that was published stays beside the new one (the spare) and the next build works in it (work_folder.py).
A small change visits only the addresses that differ (rendered, linked, or removed from the state's difference);
pages changed for search go into Pagefind's small delta bundle until a fold (search_delta.py).
"""
from __future__ import annotations

import fcntl
import gc
import json
import shutil
import time
import traceback
import warnings
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from flask import Flask, request
from flask_frozen import MissingURLGeneratorWarning

from portal import assets
from portal.site import content, content_reuse, files, urls
from portal.site.row_memo import memoised

from . import discard, helpers, work_folder
from .freezer import ALWAYS, LINK, NEVER, REMOVE, SiteFreezer
from .report import BuildReport
from .search_index import OUTPUT_SUBDIR, build_search_index, take_bundles
from .work_folder import SEARCH_STATE_FILE, STATE_FILE

ADDRESS_KEYS = "portal.publish.address_keys"  # on the site app: each planned address's key in the state
# Frozen-Flask's settings for every build (and a worker's warm-up, warm.py); the folder and base URL are each build's.
FREEZING = {
    "FREEZER_RELATIVE_URLS": False,  # portal/site/views.py makes links relative itself
    "SITE_RELATIVE_URLS": True,
    "FREEZER_REMOVE_EXTRA_FILES": False,  # work_folder.remove_extra: Frozen-Flask's walk took 1.4 s of every region build
    "FREEZER_DESTINATION_IGNORE": ["pagefind/*"],
    "FREEZER_IGNORE_MIMETYPE_WARNINGS": True,
}

# Rendering in several processes (fork: helpers.py) once this many pages are to be rendered; fewer are not worth
# a fork.
PARALLEL_MIN_PAGES = 400


class BuildBusy(RuntimeError):
    """Another build is running."""


@contextmanager
def build_lock(instance_path: str) -> Iterator[None]:
    path = Path(instance_path) / "build.lock"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            raise BuildBusy("Публикация уже идёт: дождитесь её окончания.") from error
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def is_running(instance_path: str) -> bool:
    """Is a build running now, in this process or another?"""
    try:
        with build_lock(instance_path):
            return False
    except BuildBusy:
        return True


def build_site(site_app: Flask, *, full: bool = False, base_url: str | None = None,
               progress: Callable[[int, int, str], None] | None = None, fold_search: bool = False,
               fresh: bool = False) -> BuildReport:
    """Build the public site into BUILD_DIR and return the report. Raises nothing: failures are in the report.

    Pages changed for search go into the small delta bundle unless `full` or `fold_search` (search_delta.py).
    The content is loaded whole when `full` or `fresh`, else brought up to date from the last build's."""
    report = BuildReport(started_at=time.time())
    target = Path(site_app.config["BUILD_DIR"]).resolve()
    try:
        with build_lock(site_app.config["INSTANCE_PATH"]):
            instance = Path(site_app.config["INSTANCE_PATH"])
            with _phase(report, "copy"):
                prepared = work_folder.prepare(target, full, instance)
            work = prepared.folder
            discarder = discard.Discarder(target)
            try:
                if full:  # every bundle is indexed again: the spare's go while the pages render
                    discarder.discard(work / OUTPUT_SUBDIR)
                kept, digests = _freeze(site_app, prepared, target, base_url, report, progress, full or fresh)
                assets.write_manifest(work)  # static files under hashed names, and their manifest
                with _phase(report, "search_index"):
                    if prepared.spare:  # the spare's bundles that differ from the published ones: linked from them
                        take_bundles(work / OUTPUT_SUBDIR, target / OUTPUT_SUBDIR, prepared.live_search)
                    search = build_search_index(work, previous=prepared.live_search, rendered=report.rendered_paths,
                                                fold=full or fold_search, known=digests)
                report.indexed_pages = search.pages
                report.search_bundles, report.search_bundles_reindexed = search.shards, search.reindexed_shards
                report.search_pages_reindexed = search.reindexed_pages
                with _phase(report, "swap"):
                    work_folder.keep_spare(work_folder.swap(work, target), prepared.published, target, instance)
                # Written only once the site they describe is in place. A state older than the site costs the next
                # build some work (what differs from it is done again).
                work_folder.write_state(instance / STATE_FILE, report.state)
                if search.state is None:
                    (instance / SEARCH_STATE_FILE).unlink(missing_ok=True)
                else:
                    work_folder.write_state(instance / SEARCH_STATE_FILE, search.state)
                report.state = None
                site_app.extensions[content_reuse.KEPT_KEY] = kept  # what the next build starts from
            except BaseException:
                shutil.rmtree(work, ignore_errors=True)
                raise
            finally:
                discarder.wait()  # no process of the build outlives it
    except BuildBusy as error:
        report.fail(str(error))
        report.busy = True
    except Exception as error:  # the report says why; the previous site stays as it was
        report.fail(f"{error}", traceback.format_exc())
    report.finished_at = time.time()
    return report


@contextmanager
def _phase(report: BuildReport, name: str) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        report.phases[name] = round(time.perf_counter() - started, 3)


def _load(app: Flask, report: BuildReport, fresh: bool) -> content_reuse.Kept:
    """The snapshot every page reads: the one kept on the site app from its last build, brought up to date, unless
    `fresh` (content_reuse.py). It is kept again only once this build is published."""
    with _phase(report, "load"):
        kept = content_reuse.take(app)  # waits for a worker's warm-up loading it (warm.py)
        if fresh and kept is not None:  # loaded whole: the old snapshot, and the memos by its objects, go first
            for key in (ADDRESS_KEYS, files.OPEN_DATA_MEMO, files.SITEMAP_MEMO):
                app.extensions.pop(key, None)
            content_reuse.let_go(kept)
            kept = None
        new, reloaded = content_reuse.load(kept, fresh=fresh)
        if reloaded is not None:
            urls.keep_sections(kept.snapshot, new.snapshot, reloaded)
            report.content_reloaded = sorted(reloaded)
        return new


def _freeze(app: Flask, prepared: work_folder.Work, published: Path, base_url: str | None, report: BuildReport,
            progress: Callable[[int, int, str], None] | None, fresh: bool
            ) -> tuple[content_reuse.Kept, dict[str, str | None]]:
    """Render what differs into the work folder; the snapshot to keep, and the search digests of the pages rendered."""
    work, previous, live = prepared.folder, prepared.previous, prepared.live
    # First, before this build's settings and hook go on the app: a worker's warm-up may render on it until then.
    with app.app_context():
        kept = _load(app, report, fresh)
    app.config.update(FREEZING, FREEZER_DESTINATION=str(work), FREEZER_BASE_URL=base_url or app.config["SITE_URL"])
    rendered: set[str] = set()

    def count_rendered() -> None:
        if request.endpoint != "site.static":
            rendered.add(request.path)

    # Added to the list itself: the site app is kept from build to build in a worker (publishing.site_app_for),
    # and Flask refuses `before_request` on an app that has handled requests.
    app.before_request_funcs.setdefault(None, []).append(count_rendered)

    freezer = SiteFreezer(app, with_no_argument_rules=False, log_url_for=False)
    freezer.published = published
    url_logger = app.url_default_functions[None][0]  # each Freezer puts one first; removed after the build
    try:
        with app.app_context(), content.use_snapshot(kept.snapshot) as snapshot:
            with _phase(report, "plan"):
                keyed = plan_with_keys(app, snapshot)
            plan = [address for _, address in keyed]
            state = {key: address.fingerprint for key, address in keyed}
            # Rendered: what differs from the published site. Linked from the published site: what the work folder
            # (the spare, two builds behind) lacks of it. Kept: the rest.
            todo = [a for key, a in keyed if a.fingerprint is None or live.get(key) != a.fingerprint]
            linked = {id(a) for key, a in keyed if a.fingerprint is not None and live.get(key) == a.fingerprint
                      and previous.get(key) != a.fingerprint}
            workers = helpers.workers() if len(todo) >= PARALLEL_MIN_PAGES else 1
            mine = {id(a) for a in todo[::workers]}  # this process's share; forked helpers render the rest
            forked: list[helpers.Helper] = []
            # A small change in a folder whose pages the state describes: only the addresses that differ are visited
            # (rendered, linked, or removed from the state's difference); no step through the unchanged ones and no
            # walk over the folder. A larger one (a new code version, a full build) steps through all and walks.
            gone = [_parse_key(key) for key in previous if key not in state]
            fast = bool(previous) and len(todo) < PARALLEL_MIN_PAGES and all(
                endpoint in app.view_functions for endpoint, _ in gone)

            @freezer.register_generator
            def site_addresses():
                for address in plan:
                    if id(address) in mine:
                        yield address.endpoint, address.values, ALWAYS
                redo = []  # a helper's pages on disk now: the loop below only keeps them; a silent one's: here
                for helper in forked:
                    redo += helper.wait(rendered, caught, freezer.digests)
                yield from ((address.endpoint, address.values, ALWAYS) for address in redo)
                for address in plan:
                    if id(address) not in mine and (id(address) in linked or not fast):
                        yield address.endpoint, address.values, LINK if id(address) in linked else NEVER
                if fast:  # last: an address that is also a live one's (an old slug taken again) stays
                    yield from ((endpoint, values, REMOVE) for endpoint, values in gone)

            total = len(todo) + len(linked) + len(gone) if fast else len(plan)
            try:
                with warnings.catch_warnings(record=True) as caught, _phase(report, "render"):
                    warnings.simplefilter("always")
                    if workers > 1:
                        content_reuse.release(kept)  # no connection of the parent's may be held across the fork
                        helpers.before_forks(app, compile_templates)
                    forked += [helpers.Helper.fork(app, todo[number::workers]) for number in range(1, workers)]
                    built = set()
                    for number, page in enumerate(freezer.freeze_yield(), start=1):
                        built.add(page.path.as_posix())
                        if progress:
                            progress(min(number, total), total, page.url)
                    if not fast and not prepared.fresh:
                        work_folder.remove_extra(work, built)
            finally:
                for helper in forked:
                    helper.kill()
                if workers > 1:
                    gc.unfreeze()
            # A kind of page with no public item yet (no events, say) is normal, not worth a warning.
            report.warnings += [str(w.message) for w in caught
                                if not issubclass(w.category, MissingURLGeneratorWarning)]
            report.phases["workers"] = workers
    finally:  # the site app is kept for the next build: nothing of this one stays on it
        content_reuse.release(kept)
        app.before_request_funcs[None].remove(count_rendered)
        app.url_default_functions[None].remove(url_logger)
    report.pages_total = len(plan)
    report.pages_rendered = len(rendered)
    report.pages_skipped = report.pages_total - report.pages_rendered
    report.redirects = sum(1 for address in plan if address.redirect)
    report.pages_removed = sum(1 for key in live if key not in state)
    report.rendered_paths = sorted(rendered)
    report.state = state
    return kept, freezer.digests


def plan_with_keys(app: Flask, snapshot: content.Snapshot) -> list[tuple[str, urls.Address]]:
    """Every address of the site with its key in the state. The addresses are kept on the snapshot, the keys on
    the site app: a worker's kept plan has the same address objects (row_memo.py), and a worker's warm-up works
    both out before its first build (warm.py)."""
    plan = urls.addresses(snapshot)
    keys = memoised(plan, app.extensions.setdefault(ADDRESS_KEYS, {}),
                    lambda a: f"{a.endpoint}:{json.dumps(a.values, sort_keys=True)}")
    return list(zip(keys, plan))


def _parse_key(key: str) -> tuple[str, dict]:
    """An address of the state ("endpoint:{values}") as the freezer's generators give it."""
    endpoint, _, values = key.partition(":")
    return endpoint, json.loads(values)


def compile_templates(app: Flask) -> None:
    """The site's templates compiled, once per site app (Jinja keeps them): before a fork, and in a worker's
    warm-up (warm.py)."""
    environment = app.jinja_env
    for name in environment.list_templates(filter_func=lambda name: name.startswith(("site/", "apply/"))):
        environment.get_template(name)
    environment.get_template("base.html")
