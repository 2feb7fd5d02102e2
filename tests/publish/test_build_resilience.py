"""A build killed at any moment leaves the published site whole, and the admin keeps answering while one runs.

The kills are real: `portal build` runs in a child process that is sent SIGKILL, either from inside at a chosen
moment (a patched step kills its own process) or from the test after a random delay.
"""
from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from portal import jobs
from portal.config import PROJECT_ROOT
from portal.extensions import db
from portal.models import Status
from portal.publish import build as build_module
from portal.publish import publishing, runs, work_folder

# Runs `portal build` (incremental, as «Опубликовать» does) and kills itself at the moment named by argv[1].
CHILD = r'''
import os, signal, sys, time, shutil, subprocess
from pathlib import Path

point = sys.argv[1]

def die():
    os.kill(os.getpid(), signal.SIGKILL)

from portal.publish import atomic, build, publishing, search_index

if point == "copying the previous site":
    real_copytree, copied = shutil.copytree, []
    def copy(src, dst):
        copied.append(src)
        if len(copied) == 5:
            die()
        return shutil.copy2(src, dst)
    def copytree(src, dst, *args, **kwargs):
        if not args:  # the build's own call; copytree's calls for subfolders pass our copy on themselves
            kwargs["copy_function"] = copy
        return real_copytree(src, dst, *args, **kwargs)
    shutil.copytree = copytree
elif point == "freezing pages":
    real_site_app, pages = publishing.site_app_for, []
    def site_app_for(app):
        site = real_site_app(app)
        @site.before_request
        def count():
            pages.append(1)
            if len(pages) == 4:
                die()
        return site
    publishing.site_app_for = site_app_for
elif point == "Pagefind running":  # its child process is left running, writing into the build's folder
    def run(command, **kwargs):
        subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.3)
        die()
    search_index.subprocess.run = run
elif point == "after the swap":
    real_exchange = atomic.exchange
    def exchange(first, second):
        result = real_exchange(first, second)
        die()
    atomic.exchange = exchange
elif point == "between two renames":  # a system without an atomic exchange
    atomic.exchange = lambda first, second: False
    real_replace = os.replace
    def replace(src, dst, **kwargs):
        real_replace(src, dst, **kwargs)
        if Path(src).name == os.environ["PORTAL_BUILD_DIR"].rstrip("/").rpartition("/")[2]:
            die()
    os.replace = replace  # the os module every part of the build uses
elif point in ("writing the state", "writing the report"):
    name = build.STATE_FILE if point == "writing the state" else publishing.REPORT_FILE
    real_write = atomic.write_text
    def write_text(path, text):
        if Path(path).name == name:
            Path(path).with_name(f".{Path(path).name}.tmp-{os.getpid()}").write_text(text[: len(text) // 2])
            die()
        real_write(path, text)
    atomic.write_text = write_text

from portal.cli import main
main(["build"], prog_name="portal")
'''

KILL_POINTS = ["copying the previous site", "freezing pages", "Pagefind running", "after the swap",
               "between two renames", "writing the state", "writing the report"]


GENERATED_AT = re.compile(rb'"generated_at": "[^"]*"')


def tree(folder: Path) -> dict[str, bytes]:
    """Every file of the folder; the moment open data was generated is left out, as two builds differ in it."""
    return {p.relative_to(folder).as_posix(): GENERATED_AT.sub(b'"generated_at": ""', p.read_bytes())
            for p in sorted(folder.rglob("*")) if p.is_file()}


def same_site(found: dict[str, bytes], expected: dict[str, bytes]) -> bool:
    """The same pages and files, and a complete Pagefind index of as many pages.

    Pagefind names its files by hashes of data it orders differently from run to run, so two builds of the same
    pages differ there byte for byte: the index is checked for completeness instead.
    """
    def pages(files):
        return {name: data for name, data in files.items() if not name.startswith("pagefind/")}

    def index(files):
        entry = json.loads(files["pagefind/pagefind-entry.json"])
        for language in entry["languages"].values():
            if f"pagefind/pagefind.{language['hash']}.pf_meta" not in files:
                return None  # the entry names a part of the index that is not there
        kinds = Counter(name.rpartition(".")[2] for name in files if name.startswith("pagefind/"))
        return {code: language["page_count"] for code, language in entry["languages"].items()}, kinds

    return pages(found) == pages(expected) and index(found) is not None and index(found) == index(expected)


def leftovers(site: Path, instance: Path) -> list[str]:
    """Folders and files a build should not have left: the previous site kept as the next build's work folder
    (the spare named by its state file) is meant to be there, anything else is not."""
    try:
        spare = json.loads((instance / work_folder.SPARE_STATE_FILE).read_text(encoding="utf-8"))["folder"]
    except FileNotFoundError:
        spare = None
    return sorted(p.name for p in [*site.parent.glob(f".{site.name}.*"), *instance.glob(".*.tmp-*")]
                  if p.name != spare)


def start_child(app, point: str) -> subprocess.Popen:
    env = {**os.environ, "PORTAL_DATABASE_URL": app.config["DATABASE_URL"],
           "PORTAL_INSTANCE_PATH": app.config["INSTANCE_PATH"], "PORTAL_BUILD_DIR": app.config["BUILD_DIR"],
           "PORTAL_SECRET_KEY": app.config["SECRET_KEY"], "PORTAL_SITE_URL": app.config["SITE_URL"]}
    # A session of its own, so that a Pagefind left running by the killed build can be ended afterwards.
    return subprocess.Popen([sys.executable, "-c", CHILD, point], cwd=PROJECT_ROOT, env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def finish(child: subprocess.Popen) -> str:
    """Wait for the child; its error output (for messages)."""
    _out, errors = child.communicate(timeout=180)
    return errors.decode("utf-8", "replace")[-3000:]


def end_session(child: subprocess.Popen) -> None:
    try:
        os.killpg(child.pid, signal.SIGKILL)  # the group of the child started above, nothing else
    except ProcessLookupError:
        pass


@pytest.fixture
def published(app, world, make_app, tmp_path, database_url):
    """A published site, then changed content, and the site a complete build of that content gives."""
    if not database_url.startswith("sqlite"):
        pytest.skip("what a kill leaves is a matter of files: SQLite is enough")
    world.rows[("cases", "a")].status = Status.PUBLISHED
    world.rows[("news", "a")].status = Status.PUBLISHED
    db.session.commit()
    assert publishing.run_build(app).ok
    site, instance = Path(app.config["BUILD_DIR"]), Path(app.config["INSTANCE_PATH"])
    saved = {"site": tree(site), "state": (instance / build_module.STATE_FILE).read_bytes(),
             "report": (instance / publishing.REPORT_FILE).read_bytes()}
    shutil.copytree(site, tmp_path / "old-site")  # copy2: the same bytes and times as published
    world.rows[("cases", "a")].title = "Новое название кейса"
    world.rows[("news", "b")].status = Status.PUBLISHED
    db.session.commit()
    reference = make_app(create_tables=False, INSTANCE_PATH=str(tmp_path / "reference"),
                         BUILD_DIR=str(tmp_path / "reference-build"))
    assert publishing.run_build(reference).ok
    new = tree(Path(reference.config["BUILD_DIR"]))
    assert new != saved["site"]

    def reset() -> None:
        """Back to the published old site, as if the kills before had never happened."""
        shutil.rmtree(site)
        shutil.copytree(tmp_path / "old-site", site)
        (instance / build_module.STATE_FILE).write_bytes(saved["state"])
        (instance / publishing.REPORT_FILE).write_bytes(saved["report"])

    return site, instance, saved["site"], new, reset


def check_kill_and_repair(app, child, site, instance, old, new, what: str) -> str:
    """What the kill left ("old", "new" or "moved aside"), after checking that the next build repairs it."""
    errors = finish(child)
    end_session(child)
    assert child.returncode in (-signal.SIGKILL, 0), errors
    found = tree(site)
    if found == old:
        left = "old"
    elif same_site(found, new):
        left = "new"
    else:
        # Only where two renames replace the atomic exchange: killed between them, the old site waits beside
        # the published folder for the next build to put it back or replace it.
        assert not site.exists(), f"{what}: the published folder is neither the old site nor the new one"
        assert [tree(moved) for moved in site.parent.glob(f".{site.name}.old-*")] == [old], what
        left = "moved aside"
    # The next build (incremental, as the button does) repairs whatever the kill left.
    report = publishing.run_build(app)
    assert report.ok, report.details
    assert same_site(tree(site), new), f"{what}: the next build did not publish the complete new site"
    assert leftovers(site, instance) == [], what
    assert publishing.last_report(str(instance)).ok
    return left


def test_a_build_killed_at_any_step_leaves_the_old_or_the_new_site(app, published, editor_client):
    site, instance, old, new, reset = published
    seen = {}
    for point in KILL_POINTS:
        reset()
        child = start_child(app, point)
        seen[point] = check_kill_and_repair(app, child, site, instance, old, new, point)
        assert child.returncode == -signal.SIGKILL, f"{point}: the build was not killed"
        assert editor_client.get("/admin/publish").status_code == 200
    # Before the swap the old site stays; from the swap on the new one is in place.
    assert seen == {"copying the previous site": "old", "freezing pages": "old", "Pagefind running": "old",
                    "after the swap": "new", "between two renames": "moved aside", "writing the state": "new",
                    "writing the report": "new"}


def test_a_build_killed_after_random_delays_leaves_the_old_or_the_new_site(app, published):
    site, instance, old, new, reset = published
    reset()
    started = time.monotonic()
    child = start_child(app, "none")  # one build to the end: how long a build takes here
    errors = finish(child)
    duration = time.monotonic() - started
    assert child.returncode == 0, errors
    assert same_site(tree(site), new)
    chance = random.Random(20260508)
    for _ in range(2):
        reset()
        delay = chance.uniform(0.2, 1.0) * duration
        child = start_child(app, "none")
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        check_kill_and_repair(app, child, site, instance, old, new, f"killed after {delay:.2f} s")


def test_torn_state_and_report_files_do_not_stop_the_next_build(app, published, editor_client):
    site, instance, old, new, reset = published
    reset()
    (instance / build_module.STATE_FILE).write_text('{"site.index:{}": "abc', encoding="utf-8")
    (instance / publishing.REPORT_FILE).write_text('{"ok": tr', encoding="utf-8")
    assert editor_client.get("/admin/publish").status_code == 200
    assert publishing.run_build(app).ok
    assert same_site(tree(site), new)


def test_the_admin_answers_while_a_build_runs(app, world, editor_client, monkeypatch):
    for key in (("cases", "a"), ("cases", "b"), ("news", "a"), ("events", "a"), ("roadmaps", "a")):
        world.rows[key].status = Status.PUBLISHED
    db.session.commit()
    real_index = build_module.build_search_index

    def slow_index(folder, **kwargs):
        time.sleep(1.5)  # a bigger site takes this long; requests below must not wait for it
        return real_index(folder, **kwargs)

    monkeypatch.setattr(build_module, "build_search_index", slow_index)
    timings = []
    with jobs.worker(app):  # the worker builds in its own thread, as `portal serve` runs it
        assert editor_client.post("/admin/publish").status_code == 302
        started = time.monotonic()
        while not _finished(app) and time.monotonic() - started < 60:
            for url in ("/admin/", "/admin/cases/", f"/admin/cases/{world.rows[('cases', 'a')].id}/edit",
                        "/admin/publish"):
                began = time.monotonic()
                response = editor_client.get(url)
                timings.append((url, response.status_code, time.monotonic() - began))
    assert len(timings) >= 8, "the build ended before the admin could be asked"
    assert all(status == 200 for _url, status, _seconds in timings), timings
    assert max(seconds for _url, _status, seconds in timings) < 2, timings
    assert publishing.last_report(app.config["INSTANCE_PATH"]).ok


def _finished(app) -> bool:
    with app.app_context():
        return [run.status for run in runs.recent()] == ["done"]
