"""Rendering in forked processes (large builds, helpers.py): the same site as in one process, and failures still
fail; in a threaded process too (a worker), where a lock another thread holds at the fork must hang no helper."""
from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import pytest

from portal import jobs
from portal.publish import build as build_module
from portal.publish import helpers, publishing, runs

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="parallel rendering forks")

SILENT = "не отвечал"  # the warning of a helper killed for its silence


def pages(site: Path) -> dict[str, bytes]:
    # Pagefind's file names are hashes that differ between runs; open data carries the build's time.
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*")
            if p.is_file() and "pagefind" not in p.parts and "open-data" not in p.parts}


@pytest.fixture
def serial(published):
    """A full build of the test site in one process (a small site is not worth a fork): its report and pages."""
    report = publishing.run_build(published, full=True)
    assert report.ok, report.details
    assert report.phases["workers"] == 1
    return report, pages(Path(published.config["BUILD_DIR"]))


@pytest.fixture
def forked(monkeypatch) -> dict[str, list]:
    """Every page, however few, rendered in forked helpers; the helpers' pids, and the number of threads of the
    process at each fork, are recorded (as the parent sees them)."""
    monkeypatch.setattr(build_module, "PARALLEL_MIN_PAGES", 0)
    seen: dict[str, list] = {"pids": [], "threads": []}
    real_fork = os.fork

    def fork() -> int:
        threads = threading.active_count()
        pid = real_fork()
        if pid:
            seen["pids"].append(pid)
            seen["threads"].append(threads)
        return pid

    monkeypatch.setattr(os, "fork", fork)
    return seen


def test_pages_rendered_by_forked_helpers_are_the_pages_of_a_serial_build(published, serial, forked, monkeypatch):
    monkeypatch.setattr(helpers, "workers", lambda: 3)
    parallel = publishing.run_build(published, full=True)
    assert parallel.ok, parallel.details
    assert parallel.phases["workers"] == 3 and len(forked["pids"]) == 2
    assert parallel.pages_rendered == serial[0].pages_rendered
    assert parallel.rendered_paths == serial[0].rendered_paths
    assert pages(Path(published.config["BUILD_DIR"])) == serial[1]


def test_a_page_failing_in_a_helper_fails_the_build_and_keeps_the_previous_site(published, monkeypatch):
    site = Path(published.config["BUILD_DIR"])
    assert publishing.run_build(published).ok
    before = pages(site)
    monkeypatch.setattr(build_module, "PARALLEL_MIN_PAGES", 0)
    monkeypatch.setattr(helpers, "workers", lambda: 2)
    monkeypatch.setattr(helpers.Helper, "_render", staticmethod(lambda app, share, beat: 1 / 0))
    report = publishing.run_build(published, full=True)
    assert not report.ok
    assert "ZeroDivisionError" in report.error
    assert pages(site) == before


def test_a_full_build_in_a_running_worker_renders_in_several_processes_the_pages_of_a_serial_build(
        published, serial, forked, monkeypatch, tmp_path):
    """The worker's consumer runs the build in a thread of its own beside its other threads (and the warm-up):
    one process per core all the same (three cores here, whatever the machine has)."""
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: {0, 1, 2}, raising=False)
    real_render = helpers.Helper._render

    def render(app, share, beat):  # in the helper: who rendered how many pages
        result = real_render(app, share, beat)
        (tmp_path / f"helper-{os.getpid()}").write_text(str(len(result["rendered"])))
        return result

    monkeypatch.setattr(helpers.Helper, "_render", staticmethod(render))
    with jobs.worker(published, periodic=False):
        jobs.request_publish("manual", full=True)
        started = time.monotonic()
        while not _done(published) and time.monotonic() - started < 60:
            time.sleep(0.1)
    report = publishing.last_report(published.config["INSTANCE_PATH"])
    assert report.ok, report.details
    assert report.phases["workers"] == 3
    assert min(forked["threads"]) > 1, "the build forked in a process with one thread"
    counts = {path.name: int(path.read_text()) for path in tmp_path.glob("helper-*")}
    assert len(counts) == 2 and all(counts.values()), counts
    assert not any(SILENT in warning for warning in report.warnings)
    assert report.rendered_paths == serial[0].rendered_paths
    assert pages(Path(published.config["BUILD_DIR"])) == serial[1]


def _done(app) -> bool:
    with app.app_context():  # a session of its own: it sees the worker's commits
        return [run.status for run in runs.recent()][:1] == ["done"]


@pytest.mark.parametrize("lock", ["templates", "url map"])
def test_a_site_app_lock_held_by_another_thread_when_the_build_forks_hangs_no_helper(published, serial, forked,
                                                                                    lock, monkeypatch):
    """Another thread (the warm-up, say) takes the site app's template cache or URL map lock just before the fork
    and gives it back only once the fork is made: a helper would find it locked for ever (nobody in the helper
    releases it) and stay silent until killed; the fork waits for it instead."""
    monkeypatch.setattr(helpers, "workers", lambda: 2)
    monkeypatch.setattr(helpers, "SILENCE_SECONDS", 5)
    site_app = publishing.site_app_for(published)
    site_app.url_map._remap = True  # as after a new rule: a helper's first URL takes the lock (Map.update)
    held = {"templates": site_app.jinja_env.cache._wlock, "url map": site_app.url_map._remap_lock}[lock]
    take, taken = threading.Event(), threading.Event()

    def hold() -> None:
        assert take.wait(60)
        with held:
            taken.set()
            deadline = time.monotonic() + 2  # until the build has forked, or 2 s if the fork waits for the lock
            while not forked["pids"] and time.monotonic() < deadline:
                time.sleep(0.01)

    real_before_forks = helpers.before_forks

    def before_forks(app, compile_templates) -> None:  # the build's last step before it forks
        real_before_forks(app, compile_templates)
        take.set()
        assert taken.wait(60)

    monkeypatch.setattr(helpers, "before_forks", before_forks)
    holder = threading.Thread(target=hold)
    holder.start()
    report = publishing.run_build(published, full=True)
    holder.join(60)
    assert report.ok, report.details
    assert report.phases["workers"] == 2 and forked["pids"]
    assert not any(SILENT in warning for warning in report.warnings), report.warnings
    assert pages(Path(published.config["BUILD_DIR"])) == serial[1]


def test_a_helper_that_hangs_all_the_same_is_killed_and_the_build_renders_its_pages(published, serial, forked,
                                                                                   monkeypatch):
    """A lock nobody foresaw, held by another thread at the fork: the helper that waits for it is killed once
    silent for SILENCE_SECONDS, and the build renders its pages itself: the same site, a warning, no hang."""
    monkeypatch.setattr(helpers, "workers", lambda: 2)
    monkeypatch.setattr(helpers, "SILENCE_SECONDS", 2)
    unforeseen, holding, done = threading.Lock(), threading.Event(), threading.Event()

    def hold() -> None:
        with unforeseen:
            holding.set()
            done.wait(120)

    real_render = helpers.Helper._render

    def render(app, share, beat):
        with unforeseen:  # locked for ever in the helper: the thread holding it was not copied
            return real_render(app, share, beat)

    monkeypatch.setattr(helpers.Helper, "_render", staticmethod(render))
    holder = threading.Thread(target=hold)
    holder.start()
    assert holding.wait(60)
    reports = []
    building = threading.Thread(target=lambda: reports.append(publishing.run_build(published, full=True)))
    try:
        building.start()
        building.join(60)
        assert not building.is_alive(), "the build hangs on its helper"
    finally:
        done.set()
        holder.join(60)
        for pid in forked["pids"]:  # a helper left hanging (the assertion above failed) is not left behind
            try:
                os.kill(pid, 9)
            except ProcessLookupError:
                pass
    report = reports[0]
    assert report.ok, report.details
    assert [warning for warning in report.warnings if SILENT in warning], report.warnings
    assert report.rendered_paths == serial[0].rendered_paths
    assert pages(Path(published.config["BUILD_DIR"])) == serial[1]


def test_a_helper_stops_on_sigterm_whatever_handler_the_worker_has(published, forked, monkeypatch):
    """`portal worker`'s consumer (Huey) only notes a SIGTERM for its loop; a helper forked from it, whose copy of
    that loop never runs, would render on after its worker was told to stop. It stops at once."""
    monkeypatch.setattr(helpers, "workers", lambda: 2)
    monkeypatch.setattr(helpers, "SILENCE_SECONDS", 120)
    monkeypatch.setattr(helpers.Helper, "_render", staticmethod(lambda app, share, beat: time.sleep(60)))
    noted = []
    previous = signal.signal(signal.SIGTERM, lambda *_: noted.append(True))
    reports = []
    building = threading.Thread(target=lambda: reports.append(publishing.run_build(published, full=True)))
    try:
        building.start()
        started = time.monotonic()
        while not forked["pids"] and time.monotonic() - started < 60:
            time.sleep(0.01)
        os.kill(forked["pids"][0], signal.SIGTERM)
        building.join(30)
        assert not building.is_alive(), "the helper renders on after a SIGTERM"
    finally:
        signal.signal(signal.SIGTERM, previous)
        for pid in forked["pids"]:
            try:
                os.kill(pid, 9)
            except ProcessLookupError:
                pass
    assert not reports[0].ok
    assert f"завершился с кодом {int(signal.SIGTERM)}" in reports[0].error
