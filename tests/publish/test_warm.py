"""A worker warms itself when it starts (portal/publish/warm.py): the content snapshot a build keeps is there
before any publish, nothing is published by it, a publish asked during or after it publishes what a full build
would, and a worker with no published site, or with an empty database, warms nothing and still runs."""
from __future__ import annotations

import logging
import re
import threading
from pathlib import Path

import pytest
import sqlalchemy as sa

from portal import jobs
from portal.extensions import db
from portal.models import AuditEntry, BuildRun
from portal.publish import publishing, warm
from portal.site import content, content_reuse
from portal.site.files import SITEMAP_MEMO

pytestmark = pytest.mark.both_databases

GENERATED_AT = re.compile(rb'"generated_at": "[^"]*"')


def files(folder: Path) -> dict[str, bytes]:
    """Every file of the site but the search index; an open data file's time of making aside (as in
    test_build_incremental.py)."""
    return {p.relative_to(folder).as_posix(): GENERATED_AT.sub(b"", p.read_bytes()) for p in folder.rglob("*")
            if p.is_file() and p.relative_to(folder).parts[0] != "pagefind"}


def kept(app) -> content_reuse.Kept | None:
    return publishing.site_app_for(app).extensions.get(content_reuse.KEPT_KEY)


def publish(app):
    report = publishing.run_build(app)
    assert report.ok, report.details
    return report


@pytest.fixture
def restarted(published, make_app):
    """A site published by one worker, and a worker process just started on the same database and folders: an
    app of its own, with nothing loaded."""
    publish(published)
    return make_app()


def counted_loads(monkeypatch) -> list:
    """Each whole load of the content snapshot, by whichever thread."""
    loads = []
    real = content.load

    def load(*args, **kwargs):
        loads.append(threading.current_thread().name)
        return real(*args, **kwargs)

    monkeypatch.setattr(content, "load", load)
    return loads


def test_a_started_worker_keeps_the_content_snapshot_without_publishing(restarted, world, monkeypatch):
    site = Path(restarted.config["BUILD_DIR"])
    before = files(site)
    with restarted.app_context():
        builds, audit = db.session.scalar(sa.select(sa.func.count(BuildRun.id))), \
            db.session.scalar(sa.select(sa.func.count(AuditEntry.id)))
    loads = counted_loads(monkeypatch)
    assert kept(restarted) is None
    with jobs.worker(restarted, periodic=False):
        pass  # leaving the block waits for the warm-up
    assert loads == ["portal-warm-up"]
    assert world.rows[("cases", "a")].slug in {case.slug for case in kept(restarted).snapshot.cases}
    # The sitemap's rows made for the base URL the builds freeze with (files.py keeps them by host).
    memo = publishing.site_app_for(restarted).extensions.get(SITEMAP_MEMO, {})
    assert list(memo) == [restarted.config["SITE_URL"]] and memo[restarted.config["SITE_URL"]]
    assert files(site) == before
    with restarted.app_context():
        assert db.session.scalar(sa.select(sa.func.count(BuildRun.id))) == builds
        assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id))) == audit


def test_portal_worker_starts_its_warm_up_beside_the_consumer(restarted, monkeypatch):
    """`portal worker` (run_worker) warms itself in a thread while the consumer runs in the foreground."""
    seen = []

    class Consumer:
        def run(self):
            warming = [t for t in threading.enumerate() if t.name == "portal-warm-up"]
            seen.append(bool(warming))
            for thread in warming:
                thread.join()

    monkeypatch.setattr(jobs.queue(restarted), "create_consumer", lambda **_: Consumer())
    jobs.run_worker(restarted, 1)
    assert seen == [True]
    assert kept(restarted) is not None


def test_the_first_publish_after_the_warm_up_only_brings_it_up_to_date(restarted, world, make_app, tmp_path,
                                                                       monkeypatch):
    assert warm.warm_up(restarted) is True
    loads = counted_loads(monkeypatch)
    with restarted.app_context():
        case = db.session.get(type(world.rows[("cases", "a")]), world.rows[("cases", "a")].id)
        case.title = "Кейс A после перезапуска"
        db.session.commit()
    report = publish(restarted)
    assert loads == []  # the warm-up's snapshot, brought up to date
    assert report.content_reloaded is not None and "cases" in report.content_reloaded
    assert 0 < report.pages_rendered < report.pages_total
    reference = make_app(INSTANCE_PATH=str(tmp_path / "reference"), BUILD_DIR=str(tmp_path / "reference-build"))
    publishing.run_build(reference, full=True)
    assert files(Path(restarted.config["BUILD_DIR"])) == files(tmp_path / "reference-build")
    assert "Кейс A после перезапуска" in (tmp_path / "reference-build" / "cases" / "index.html").read_text("utf-8")


def test_a_publish_asked_during_the_warm_up_waits_for_its_snapshot_and_publishes_the_edit(restarted, world,
                                                                                          monkeypatch):
    """The warm-up has loaded the snapshot and is still planning when an editor saves and a publish starts: the
    publish loads no second snapshot, takes the warm-up's once it is done, and publishes the edit made after it."""
    planning, go_on, at_the_gate = threading.Event(), threading.Event(), threading.Event()
    real_plan, real_take = warm.plan_with_keys, content_reuse.take

    def slow_plan(*args):
        planning.set()
        assert go_on.wait(60)
        return real_plan(*args)

    def take(site_app):
        at_the_gate.set()
        return real_take(site_app)

    monkeypatch.setattr(warm, "plan_with_keys", slow_plan)
    monkeypatch.setattr(content_reuse, "take", take)
    loads = counted_loads(monkeypatch)
    warming = warm.start(restarted)
    assert planning.wait(60)
    with restarted.app_context():
        case = db.session.get(type(world.rows[("cases", "a")]), world.rows[("cases", "a")].id)
        case.title = "Кейс A, правка во время прогрева"
        db.session.commit()
    reports = []
    publishing_thread = threading.Thread(target=lambda: reports.append(publishing.run_build(restarted)))
    publishing_thread.start()
    assert at_the_gate.wait(60)
    go_on.set()
    publishing_thread.join(120)
    warming.join(60)
    assert reports and reports[0].ok, reports and reports[0].details
    assert loads == ["portal-warm-up"]  # one snapshot loaded, by the warm-up
    assert "cases" in reports[0].content_reloaded
    page = Path(restarted.config["BUILD_DIR"]) / "cases" / "index.html"
    assert "Кейс A, правка во время прогрева" in page.read_text(encoding="utf-8")


def test_a_warm_up_after_a_publish_loads_nothing(restarted, monkeypatch):
    publish(restarted)  # the worker built before its warm-up got going: the build keeps the snapshot up to date
    snapshot = kept(restarted).snapshot
    loads = counted_loads(monkeypatch)
    assert warm.warm_up(restarted) is False
    assert loads == [] and kept(restarted).snapshot is snapshot


def test_a_worker_told_not_to_warm_up_loads_nothing_until_it_publishes(restarted, world, monkeypatch):
    restarted.config["WORKER_WARM_UP"] = False
    loads = counted_loads(monkeypatch)
    with jobs.worker(restarted, periodic=False):
        pass
    assert loads == [] and kept(restarted) is None
    publish(restarted)  # the first publish loads the content itself, and keeps it as before
    assert len(loads) == 1 and kept(restarted) is not None


def test_a_worker_with_no_published_site_warms_nothing(published, monkeypatch):
    loads = counted_loads(monkeypatch)
    with jobs.worker(published, periodic=False):
        pass
    assert loads == [] and kept(published) is None
    assert not Path(published.config["BUILD_DIR"]).exists()


def test_a_worker_on_an_empty_database_warms_nothing_and_keeps_running(make_app, caplog):
    """The instance folder says a site was published, but the database has no tables (a new database, a failed
    restore): the warm-up logs why and stops; the worker runs its jobs."""
    app = make_app(create_tables=False)
    instance = Path(app.config["INSTANCE_PATH"])
    instance.mkdir(parents=True, exist_ok=True)
    (instance / "build-state.json").write_text('{"site.home:{}": "0123"}', encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="portal.build"), jobs.worker(app, periodic=False):
        pass
    assert "Warm-up failed" in caplog.text
    assert kept(app) is None
    assert not Path(app.config["BUILD_DIR"]).exists()
    assert warm.warm_up(app) is False  # called again: still no exception

