"""The job queue (Huey): the only module that imports huey.

Long work runs here, in a worker, never in a web request:
- `publish` (retried twice on an error of its own) builds the site while builds are asked for
  (portal/publish/runs.py holds the one lock of the whole portal in the database and coalesces asks);
- `schedule`, every minute: publishes what has come due (`publish_at`) and refreshes the date-dependent pages
  after midnight in TIME_ZONE, folds the search's delta bundle into the main bundles once it is ten minutes old
  (portal/publish/search_delta.py), marks a build whose worker died as failed and asks for it again, and starts the
  job of an ask whose job was lost with its worker.

Where the jobs wait (QUEUE_URL): a SQLite file in the instance folder by default, with the worker running in
the `portal serve` process (`make run` stays one command); Redis when `portal worker` runs on several processes
or hosts. Each app has its own Huey instance, registered by `init_app`; tests make many apps in one process.
A worker that starts (`worker`, `run_worker`) warms itself in a thread beside its consumer, so that its first
publish is as fast as the later ones (portal/publish/warm.py).
"""
from __future__ import annotations

import contextlib
import logging
from pathlib import Path
from typing import Iterator

from flask import Flask, current_app
from huey import MemoryHuey, RedisHuey, SqliteHuey, crontab
from huey.api import Huey

log = logging.getLogger(__name__)

EXTENSION = "portal.jobs"
QUEUE_FILE = "queue.db"
WARM_UP_WAIT = 60  # seconds a stopping in-process worker waits for its warm-up (a region's load takes a few)


def init_app(app: Flask) -> None:
    url = app.config.get("QUEUE_URL") or ""
    name = app.config.get("QUEUE_NAME", "portal")  # tests give each app a queue of its own on one Redis
    if not url:
        huey: Huey = SqliteHuey(name, filename=str(Path(app.instance_path) / QUEUE_FILE))
    elif url.startswith(("redis://", "rediss://", "unix://")):
        huey = RedisHuey(name, url=url)
    elif url == "memory://":  # jobs run at once, in the caller: for tests and one-off commands
        huey = MemoryHuey(name, immediate=True)
    else:
        raise ValueError(f"PORTAL_QUEUE_URL: ожидается redis://… или пусто (SQLite в папке экземпляра), а не {url!r}")
    _register(huey, app)
    from portal import logs

    logs.watch_jobs(huey)  # each job in the log: started, done or failed, how long
    app.extensions[EXTENSION] = huey


def queue(app: Flask | None = None) -> Huey:
    return (app or current_app).extensions[EXTENSION]


def _register(huey: Huey, app: Flask) -> None:
    @huey.task(retries=2, retry_delay=30, name="publish")
    def publish() -> int:
        with app.app_context():
            return len(build_while_asked(app))

    @huey.periodic_task(crontab(minute="*"), name="schedule")
    def schedule() -> None:
        with app.app_context():
            look_at_the_schedule()

    @huey.periodic_task(crontab(minute="17", hour="3"), name="purge_trash")
    def purge_trash() -> int:
        """Once a night: what has lain in «Корзина» longer than TRASH_DAYS goes for good."""
        from portal import trash

        with app.app_context():
            gone = trash.purge(app.config["TRASH_DAYS"])
            if gone:
                log.info("Trash purge: %d items older than %d days deleted", gone, app.config["TRASH_DAYS"])
            return gone

    @huey.periodic_task(crontab(minute="37", hour="3"), name="database_statistics")
    def database_statistics() -> bool:
        """Once a night on SQLite: the query planner's statistics (ANALYZE). SQLite gathers none by itself, and
        without them it chose an index that walked every active pairing for each mentee of the dashboard (67 ms
        instead of 1.4 ms at a region's scale). PostgreSQL's autovacuum keeps its own."""
        from portal.extensions import db

        with app.app_context():
            if db.engine.dialect.name != "sqlite":
                return False
            with db.engine.begin() as connection:
                connection.exec_driver_sql("PRAGMA analysis_limit=1000")  # a sample per index: bounded time
                connection.exec_driver_sql("ANALYZE")
            return True

    huey.portal_tasks = {"publish": publish, "schedule": schedule, "purge_trash": purge_trash,
                         "database_statistics": database_statistics}


def request_publish(reason: str = "manual", *, full: bool = False, user=None) -> bool:
    """Ask for a build; True if a job was enqueued, False if the ask joined one that waits already."""
    from portal.publish import runs

    if not runs.request(reason, full=full, user=user):
        return False
    queue().portal_tasks["publish"]()
    return True


def build_while_asked(app: Flask) -> list:
    """Build for as long as builds are asked for; nothing if another build holds the lock (it will see the ask
    when it ends). The reports of the builds made."""
    from portal.extensions import db
    from portal.publish import publishing, runs

    reports = []
    while (held := runs.acquire()) is not None:
        engine = db.engine

        def progress(done: int, total: int, _url: str, run_id: int = held.run_id) -> None:
            if done % 20 == 0 or done == total:  # a sign of life often enough, writes rarely enough
                runs.progress(engine, run_id, done, total)

        log.info("Build %d started (%s)", held.run_id, held.reason)
        report = publishing.run_build(app, full=held.full, progress=progress, reason=held.reason,
                                      email=held.requested_by)
        log.info("Build %d %s in %.1f s", held.run_id, "done" if report.ok else "failed", report.seconds)
        reports.append(report)
        if not runs.finish(held.run_id, report):
            break
    return reports


def look_at_the_schedule() -> str | None:
    """The periodic job's work: what it asked a build for, if anything."""
    from portal.publish import runs

    reason = "retry" if runs.abandon_stale() else runs.due()
    if reason is None and runs.now() == (None, False) and runs.fold_due():
        reason = "fold"  # the search's delta bundle into the main bundles, while nobody waits for a build
    if reason is not None:
        request_publish(reason)
    elif runs.waiting():  # asked, but its job was lost with a worker: start one
        queue().portal_tasks["publish"]()
    return reason


def run_queued(app: Flask) -> int:
    """Run every job waiting now, in this thread; the number run (`portal worker --burst`, tests)."""
    huey = queue(app)
    count = 0
    while (task := huey.dequeue()) is not None:
        huey.execute(task)
        count += 1
    return count


@contextlib.contextmanager
def worker(app: Flask, threads: int = 1, periodic: bool = True) -> Iterator[None]:
    """A consumer in threads of this process for the length of the block (`portal serve`, tests)."""
    # An idle consumer of the SQLite queue polls at most this far apart: a publish asked for waits no longer to start
    # (Redis hands a job over at once: Huey's blocking read).
    consumer = queue(app).create_consumer(workers=threads, periodic=periodic, initial_delay=0.1, max_delay=0.25)
    # The consumer would set signal handlers for a process of its own; here the server's stay in charge.
    consumer._set_signal_handlers = lambda: None
    consumer.start()
    from portal.publish import warm

    warming = warm.start(app)  # the first publish as fast as the later ones (portal/publish/warm.py)
    try:
        yield
    finally:
        consumer.stop(graceful=True)
        warming.join(WARM_UP_WAIT)  # a test's database, or the server's, must outlive the warm-up reading it


def unshared_settings(app: Flask) -> list[str]:
    """Settings that cannot serve several processes when the queue is shared (Redis): each process would sign
    sessions with its own random key, and count login attempts on its own."""
    if not (app.config.get("QUEUE_URL") or "").startswith(("redis://", "rediss://", "unix://")):
        return []
    problems = []
    if app.config.get("SECRET_KEY_GENERATED"):
        problems.append("PORTAL_SECRET_KEY не задан: у каждого процесса и сервера был бы свой случайный ключ, и "
                        "вход в админку работал бы через раз. Задайте один ключ для всех (например, "
                        "`python3 -c 'import secrets; print(secrets.token_hex(32))'`).")
    if (app.config.get("RATELIMIT_STORAGE_URL") or "").startswith("memory://"):
        problems.append("PORTAL_RATELIMIT_STORAGE_URL=memory:// считает попытки входа в каждом процессе отдельно. "
                        "Укажите тот же Redis, например redis://127.0.0.1:6379/1.")
    return problems


def run_worker(app: Flask, threads: int) -> None:
    """`portal worker`: the consumer in the foreground until SIGINT/SIGTERM, warming itself meanwhile."""
    from portal.publish import warm

    warm.start(app)  # a thread of this process: each worker keeps its own content snapshot
    queue(app).create_consumer(workers=threads, periodic=True, initial_delay=0.1, max_delay=0.25).run()
