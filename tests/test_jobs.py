"""The job queue and the one build of the portal: asks coalesce, one lock for every process and host, builds on
schedule with nobody clicking, a dead worker's build marked failed and retried, a worker command."""
from __future__ import annotations

import threading
import uuid
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from portal import jobs
from portal.cli import main
from portal.extensions import db
from portal.models import AuditEntry, BuildRun, BuildState, Status
from portal.models.base import utcnow
from portal.publish import runs
from tests_support import redis_url

# The database matters here: run on PostgreSQL too (conftest's docstring).
pytestmark = pytest.mark.both_databases


def published_case(world):
    case = world.rows[("cases", "a")]
    case.status = Status.PUBLISHED
    db.session.commit()
    return case


def page_of(app, case) -> Path:
    return Path(app.config["BUILD_DIR"]) / "cases" / case.slug / "index.html"


def test_asks_while_one_waits_are_coalesced_into_it(app, world):
    assert jobs.request_publish("manual") is True
    assert [jobs.request_publish("manual") for _ in range(9)] == [False] * 9
    assert jobs.queue(app).pending_count() == 1
    assert jobs.run_queued(app) == 1
    assert [run.status for run in runs.recent()] == ["done"]


def test_an_ask_during_a_build_gives_exactly_one_more_build_after_it(app, world, monkeypatch):
    published_case(world)
    from portal.publish import publishing

    real = publishing.run_build
    asked_during = []

    def build_and_meanwhile_ask(*args, **kwargs):
        if not asked_during:  # ten clicks while the first build runs
            asked_during.extend(jobs.request_publish("manual") for _ in range(10))
        return real(*args, **kwargs)

    monkeypatch.setattr(publishing, "run_build", build_and_meanwhile_ask)
    jobs.request_publish("manual")
    jobs.run_queued(app)
    assert asked_during == [True] + [False] * 9
    assert [run.status for run in runs.recent()] == ["done", "done"]  # the follow-up, not ten
    assert not runs.requested() and runs.current() is None


def test_only_one_build_holds_the_lock(app, world):
    assert runs.acquire() is None  # nothing asked for, nothing to build
    runs.request("manual")
    first = runs.acquire()
    assert first is not None
    assert runs.acquire() is None
    # The job that finds the lock taken builds nothing: the holder sees the ask when it ends.
    assert jobs.request_publish("manual") is True
    assert jobs.run_queued(app) == 1 and len(runs.recent()) == 1
    assert runs.finish(first.run_id, _report()) is True  # the ask made meanwhile is waiting
    assert runs.acquire() is not None


def _report():
    from portal.publish.report import BuildReport

    report = BuildReport(started_at=0.0, finished_at=1.0)
    return report


def test_a_build_whose_worker_died_is_marked_failed_and_asked_again(app, world):
    published_case(world)
    runs.request("manual")
    dead = runs.acquire()  # a worker took the lock, then was killed: no heartbeat since
    db.session.execute(sa.update(BuildState).values(heartbeat_at=utcnow() - timedelta(minutes=10)))
    db.session.commit()
    assert jobs.look_at_the_schedule() == "retry"
    failed = db.session.get(BuildRun, dead.run_id)
    db.session.refresh(failed)
    assert failed.status == "failed" and "прервана" in failed.summary
    assert jobs.run_queued(app) == 1
    newest = runs.recent()[0]
    assert newest.status == "done" and newest.reason == "retry"


def test_a_live_build_is_not_taken_over(app, world):
    runs.request("manual")
    live = runs.acquire()
    assert jobs.look_at_the_schedule() is None
    assert runs.current().id == live.run_id


def test_a_case_due_is_published_by_the_schedule_with_nobody_clicking(app, world, monkeypatch):
    case = published_case(world)
    clock = {"now": datetime(2026, 12, 5, 10, 0)}
    for module in ("portal.publish.runs", "portal.site.content"):
        monkeypatch.setattr(f"{module}.local_now", lambda: clock["now"])
    case.publish_at = datetime(2026, 12, 5, 10, 30)
    db.session.commit()
    jobs.request_publish("manual")
    jobs.run_queued(app)
    assert not page_of(app, case).exists()
    clock["now"] = datetime(2026, 12, 5, 10, 20)
    assert jobs.look_at_the_schedule() is None  # not yet
    clock["now"] = datetime(2026, 12, 5, 10, 31)
    assert jobs.look_at_the_schedule() == "scheduled"
    assert jobs.run_queued(app) == 1
    assert page_of(app, case).exists()
    run = runs.recent()[0]
    assert run.reason == "scheduled" and run.requested_by == ""
    entry = db.session.scalars(sa.select(AuditEntry).where(AuditEntry.action == "build")
                               .order_by(AuditEntry.id.desc())).first()
    assert entry.user_id is None and entry.user_email == "" and "по расписанию" in entry.details
    assert jobs.look_at_the_schedule() is None  # published once, not every minute


def test_a_new_day_refreshes_the_site_once(app, world, monkeypatch):
    clock = {"now": datetime(2026, 12, 5, 23, 58)}
    monkeypatch.setattr("portal.publish.runs.local_now", lambda: clock["now"])
    jobs.request_publish("manual")
    jobs.run_queued(app)
    clock["now"] = datetime(2026, 12, 6, 0, 1)
    assert jobs.look_at_the_schedule() == "daily"
    assert jobs.look_at_the_schedule() is None
    assert runs.next_scheduled(clock["now"]) == datetime(2026, 12, 7, 0, 0)


def test_an_ask_whose_job_was_lost_gets_a_job(app, world):
    runs.request("manual")  # asked, but the job was never enqueued (lost with a worker)
    assert jobs.queue(app).pending_count() == 0
    jobs.look_at_the_schedule()
    assert jobs.queue(app).pending_count() == 1


def test_the_publish_page_shows_the_running_build_and_the_next_scheduled_one(app, world, editor_client):
    runs.request("manual")
    held = runs.acquire()
    runs.progress(db.engine, held.run_id, 40, 120)
    html = editor_client.get("/admin/publish").get_data(as_text=True)
    assert "40 из 120 страниц" in html and "Следующая публикация по расписанию" in html
    assert "Пересобрать весь сайт" not in html  # administrators only


def test_the_publish_page_keeps_refreshing_when_the_worker_takes_the_ask_while_it_reads(app, world, editor_client):
    runs.request("manual")
    taken, fired = [], []

    def worker_takes_the_ask(conn, cursor, statement, parameters, context, executemany):
        if not fired and statement.lstrip().upper().startswith("SELECT") and "build_state" in statement:
            fired.append(True)  # once: the worker's own reads pass here too

            def take():
                with app.app_context():
                    taken.append(runs.acquire())
            thread = threading.Thread(target=take)
            thread.start()
            thread.join()

    sa.event.listen(db.engine, "after_cursor_execute", worker_takes_the_ask)
    try:
        html = editor_client.get("/admin/publish").get_data(as_text=True)
    finally:
        sa.event.remove(db.engine, "after_cursor_execute", worker_takes_the_ask)
    assert taken and taken[0] is not None  # the ask became a run between the page's first read and the rest
    assert 'http-equiv="refresh"' in html  # asked or running: either way the page comes back for the result


def test_worker_burst_runs_the_waiting_jobs(app, world):
    jobs.request_publish("manual")
    result = app.test_cli_runner().invoke(main, ["worker", "--burst"])
    assert result.exit_code == 0, result.output
    assert "Выполнено заданий: 1." in result.output
    assert (Path(app.config["BUILD_DIR"]) / "index.html").exists()


def test_a_shared_queue_refuses_per_process_secrets_and_counters(make_app):
    app = make_app(QUEUE_URL="redis://127.0.0.1:6379/15", SECRET_KEY=None, RATELIMIT_STORAGE_URL="memory://")
    result = app.test_cli_runner().invoke(main, ["worker", "--burst"])
    assert result.exit_code == 2
    assert "PORTAL_SECRET_KEY не задан" in result.output and "PORTAL_RATELIMIT_STORAGE_URL" in result.output


# ---- two hosts: one database, one Redis, each with its own instance folder ---------------------------------------



@pytest.mark.skipif(redis_url() is None, reason="no Redis server (TEST_REDIS_URL or 127.0.0.1:6379)")
def test_two_hosts_asking_at_once_get_one_build_and_a_coalesced_follow_up(make_app, world, tmp_path):
    published_case(world)
    shared = {"QUEUE_URL": redis_url(), "QUEUE_NAME": f"test-{uuid.uuid4().hex[:10]}",
              "BUILD_DIR": str(tmp_path / "site")}
    host_a = make_app(INSTANCE_PATH=str(tmp_path / "a"), **shared)
    host_b = make_app(INSTANCE_PATH=str(tmp_path / "b"), **shared)
    try:
        barrier = threading.Barrier(2)
        answers = []

        def ask(app):
            with app.app_context():
                barrier.wait()
                answers.append(jobs.request_publish("manual"))

        threads = [threading.Thread(target=ask, args=(host,)) for host in (host_a, host_b)]
        [thread.start() for thread in threads]
        [thread.join() for thread in threads]
        assert sorted(answers) == [False, True]
        assert jobs.queue(host_b).pending_count() == 1  # both hosts see the one job in Redis
        with host_b.app_context():
            assert jobs.run_queued(host_b) == 1  # host B's worker builds what host A asked for
            assert [run.status for run in runs.recent()] == ["done"]
        with host_a.app_context():
            assert jobs.request_publish("manual") is True  # a new ask after the build: a new job
        with host_a.app_context():
            assert jobs.run_queued(host_a) == 1
            assert [run.status for run in runs.recent()] == ["done", "done"]
        assert page_of(host_a, world.rows[("cases", "a")]).exists()
    finally:
        for host in (host_a, host_b):
            jobs.queue(host).storage.flush_all()


# ---- a worker killed mid-build --------------------------------------------------------------------------------
WORKER = r'''
import sys, time
from portal import create_app, jobs
from portal.publish import search_index

real = search_index.build_search_index
def slow(*args, **kwargs):  # the build stays in Pagefind long enough to be killed there
    time.sleep(60)
    return real(*args, **kwargs)
search_index.build_search_index = slow
from portal.publish import build
build.build_search_index = slow

app = create_app({"DATABASE_URL": sys.argv[1], "INSTANCE_PATH": sys.argv[2], "BUILD_DIR": sys.argv[3],
                  "SECRET_KEY": "test"})
jobs.run_queued(app)
'''


def test_a_worker_killed_during_a_build_leaves_the_site_whole_and_the_build_is_retried(app, world, tmp_path):
    import signal
    import subprocess
    import sys
    import time

    case = published_case(world)
    jobs.request_publish("manual")
    jobs.run_queued(app)
    site = Path(app.config["BUILD_DIR"])
    before = {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    case.title = "Кейс A после правки"
    db.session.commit()
    jobs.request_publish("manual")
    log = tmp_path / "worker.log"
    with log.open("w") as output:
        worker = subprocess.Popen([sys.executable, "-c", WORKER, app.config["DATABASE_URL"],
                                   app.config["INSTANCE_PATH"], str(site)], stdout=output, stderr=output,
                                  cwd=Path(__file__).resolve().parent.parent)
    try:
        started = time.monotonic()
        while time.monotonic() - started < 60:  # until the worker's build is running
            db.session.expire_all()
            running = runs.current()
            if running is not None and running.pages_total:
                break
            assert worker.poll() is None, log.read_text()
            time.sleep(0.1)
        else:
            pytest.fail("the worker never started building")
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
    after = {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert after == before  # the published site is the old one, whole
    app.config["BUILD_STALE_SECONDS"] = 0  # its heartbeat stopped: as if BUILD_STALE_SECONDS had passed
    db.session.expire_all()
    assert jobs.look_at_the_schedule() == "retry"
    assert jobs.run_queued(app) == 1
    killed, retried = runs.recent()[1], runs.recent()[0]
    assert killed.status == "failed" and "прервана" in killed.summary
    assert retried.status == "done" and retried.reason == "retry"
    assert "Кейс A после правки" in page_of(app, case).read_text(encoding="utf-8")


def test_the_dashboard_says_when_the_schedule_publishes_next(app, world, editor_client, monkeypatch):
    monkeypatch.setattr("portal.admin.dashboard.local_now", lambda: datetime(2026, 12, 5, 10, 0))
    case = published_case(world)
    case.publish_at = datetime(2026, 12, 5, 15, 30)
    db.session.commit()
    html = editor_client.get("/admin/").get_data(as_text=True)
    assert "Следующая публикация по расписанию: 05.12.2026 15:30" in html


def test_the_schedule_folds_an_old_search_delta_into_the_bundles(app, world):
    import json

    from portal.publish.work_folder import SEARCH_STATE_FILE

    published_case(world)
    jobs.request_publish("manual")
    jobs.run_queued(app)
    runs.due()  # the schedule has looked once: nothing else is due below
    state_file = Path(app.config["INSTANCE_PATH"]) / SEARCH_STATE_FILE
    assert jobs.look_at_the_schedule() is None  # no delta: nothing to fold
    state = json.loads(state_file.read_text(encoding="utf-8"))
    state["delta"] = {"pages": {}, "hide": ["ru_0000000"], "since": 0}  # as a publish between folds leaves it
    state_file.write_text(json.dumps(state), encoding="utf-8")
    assert jobs.look_at_the_schedule() == "fold"
    assert jobs.run_queued(app) == 1
    assert "delta" not in json.loads(state_file.read_text(encoding="utf-8"))
    assert db.session.scalars(sa.select(BuildRun).order_by(BuildRun.id.desc())).first().reason == "fold"
    assert jobs.look_at_the_schedule() is None  # folded once, not every minute


def test_the_night_gives_sqlite_its_planner_statistics(app, world):
    """SQLite gathers no statistics by itself; the nightly job does (ANALYZE), and on PostgreSQL leaves it to
    autovacuum."""
    statistics = jobs.queue(app).portal_tasks["database_statistics"]
    if db.engine.dialect.name != "sqlite":
        assert statistics.call_local() is False
        return
    with db.engine.connect() as connection:
        before = connection.exec_driver_sql(
            "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'").scalar()
    assert before == 0
    assert statistics.call_local() is True
    with db.engine.connect() as connection:
        analysed = set(connection.exec_driver_sql("SELECT tbl FROM sqlite_stat1").scalars())
    assert {"case", "person", "pairing_mentee"} <= analysed
