"""One measured step of the benchmark, run in a process of its own (`python -m bench.tasks STEP …`), so that the
runner can time it and poll the memory of its whole process tree. The last line printed is `RESULT {json}`.

Steps: generate, reindex, build, baseline, edit, worker, worker-full.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
import warnings
from pathlib import Path
from typing import Any

BENCH_SECRET = "bench-secret-key-not-for-production"


DATABASE_FILE = "database-url"  # in an instance folder: its database is this one (PostgreSQL), not portal.db


def database_url(instance: Path) -> str | None:
    named = instance / DATABASE_FILE
    return named.read_text().strip() if named.exists() else None


def settings(instance: Path) -> dict[str, Any]:
    values = {"INSTANCE_PATH": str(instance), "BUILD_DIR": str(instance / "build"), "SECRET_KEY": BENCH_SECRET,
              "SITE_URL": "http://127.0.0.1:8000/"}
    if database_url(instance):
        values["DATABASE_URL"] = database_url(instance)
    return values


def admin_app(instance: Path):
    from portal import create_app

    return create_app(settings(instance))


def generate(instance: Path, scale: float, seed: int) -> dict:
    """A migrated database with the synthetic region; the admin search index is left to `reindex`."""
    from flask_migrate import upgrade

    from portal import search

    from . import region

    app = admin_app(instance)
    with app.app_context():
        started = time.perf_counter()
        upgrade()
        app.extensions[search.EXTENSION] = False  # the index is built by `reindex`, timed on its own
        made = region.generate(scale, seed, pages_dir=Path(app.config["CONTENT_DIR"]) / "pages")
        seconds = time.perf_counter() - started
        published = region.published_counts()
        _vacuum(app)
        return {"seconds": seconds, "rows": dict(made), "published": published}


def _vacuum(app) -> None:
    """On PostgreSQL, what autovacuum would have done after a bulk load on a server where it runs (it is off on
    the test servers here): visibility maps for index-only counts, and the planner's statistics."""
    from portal.extensions import db

    if db.engine.dialect.name != "postgresql":
        return
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE")


def reindex(instance: Path) -> dict:
    from portal import search

    app = admin_app(instance)
    with app.app_context():
        started = time.perf_counter()
        documents = search.reindex()
        seconds = time.perf_counter() - started
        _vacuum(app)
        return {"seconds": seconds, "documents": documents}


def build(instance: Path, full: bool) -> dict:
    """`portal build` as the CLI runs it (fingerprints, copy of the previous build, Pagefind, swap)."""
    from portal.publish import publishing

    app = admin_app(instance)
    started = time.perf_counter()
    report = publishing.run_build(app, full=full)
    seconds = time.perf_counter() - started
    if not report.ok:
        raise SystemExit(f"build failed: {report.error}\n{report.details}")
    return {"seconds": seconds, "pages_total": report.pages_total, "pages_rendered": report.pages_rendered,
            "indexed_pages": report.indexed_pages, "phases": report.phases,
            "rendered_paths": report.rendered_paths[:20]}


def baseline(instance: Path, mode: str, sample: int) -> dict:
    """Plain Frozen-Flask: the site blueprint frozen page by page, every page rendered, no fingerprints.

    mode "snapshot": the content is loaded once (as the real build does), so the difference from the build is
    what the build's own machinery adds or saves. mode "per-request": no bulk loading at all: each page loads
    the content it reads in its own request (what the views do outside a build); that costs seconds per page at
    regional scale, so only `sample` pages spread over every kind are frozen and the whole is extrapolated.
    """
    from flask_frozen import Freezer

    from portal.publish.publishing import site_app_for
    from portal.site import content
    from portal.site.urls import addresses

    app = site_app_for(admin_app(instance))
    destination = instance / f"baseline-{mode}"
    app.config.update(FREEZER_DESTINATION=str(destination), FREEZER_RELATIVE_URLS=False, SITE_RELATIVE_URLS=True,
                      FREEZER_BASE_URL=app.config["SITE_URL"], FREEZER_IGNORE_MIMETYPE_WARNINGS=True)
    freezer = Freezer(app, with_no_argument_rules=False, log_url_for=False)
    plan: list = []
    freezer.register_generator(lambda: iter(plan))
    started = time.perf_counter()
    with app.app_context(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with content.use_snapshot(content.load()) as snap:
            # The list of addresses is what any Frozen-Flask site writes as URL generators; it is timed too.
            plan += [(a.endpoint, a.values) for a in addresses(snap)]
            total = len(plan)
            planned = time.perf_counter()
            if mode == "snapshot" and sample < total:  # every n-th page, extrapolated
                plan[:] = plan[::max(1, total // sample)][:sample]
            if mode == "snapshot":
                frozen = len(freezer.freeze())
        if mode == "per-request":
            plan[:] = plan[::max(1, total // sample)][:sample]
            frozen = len(freezer.freeze())
    seconds = time.perf_counter() - started
    result = {"mode": mode, "pages_total": total, "pages_frozen": frozen, "seconds": seconds}
    if len(plan) < total:
        result["pages_frozen"] = len(plan)  # static files aside
        result["seconds_per_page"] = (time.perf_counter() - planned) / max(len(plan), 1)
        result["extrapolated_seconds"] = (planned - started) + result["seconds_per_page"] * total
    return result


def edit(instance: Path, what: str, number: int, app=None) -> dict:
    """One editor's change through the models (session events, revisions, admin index), as a save does."""
    import sqlalchemy as sa

    from portal.extensions import db
    from portal.models import Case, NewsItem, Organisation, Status
    from portal.models.base import utcnow

    app = app or admin_app(instance)
    with app.app_context():
        if what == "case":
            ids = list(db.session.scalars(sa.select(Case.id).where(Case.status == Status.PUBLISHED).order_by(Case.id)))
            case = db.session.get(Case, random.Random(number).choice(ids))
            case.summary = f"{case.summary} Дополнено редактором ({number})."
            case.body_md += f"\n\n- Правка № {number}: уточнены результаты;"
            db.session.commit()
            return {"edited": f"case:{case.id}", "slug": case.slug}
        org = db.session.scalar(sa.select(Organisation).order_by(Organisation.id).limit(1))
        item = NewsItem(title=f"Новая новость бенчмарка № {number}", organisation=org, published_on=utcnow().date(),
                        summary="Итоги муниципального фестиваля наставнических тандемов.",
                        body_md="Прошёл **фестиваль** наставнических тандемов.\n\n- первое;\n- второе.",
                        status=Status.PUBLISHED)
        db.session.add(item)
        db.session.commit()
        return {"added": f"news:{item.id}", "slug": item.slug}


def worker(instance: Path, times: int) -> dict:
    """One-edit publishes in a running worker, each timed on its own (wall, this process's CPU, and its children's:
    Pagefind, the site's code version). First in a freshly made app, as a worker just started makes it: cold, with
    nothing prepared; then in another fresh app once its warm-up (portal/publish/warm.py) has finished, the
    warm-up timed too; then `times` rounds in that app, now warm."""
    from portal.publish import warm

    app = admin_app(instance)
    cold = _edit_and_publish(instance, app, 900)
    del app
    _forget_this_process()
    app = admin_app(instance)
    started, cpu, children = time.perf_counter(), time.process_time(), _children_cpu()
    warmed = warm.warm_up(app)
    warm_up = {"seconds": time.perf_counter() - started, "cpu_seconds": time.process_time() - cpu,
               "children_cpu_seconds": _children_cpu() - children, "warmed": warmed}
    first = _edit_and_publish(instance, app, 901)
    runs = [_edit_and_publish(instance, app, 1000 + number) for number in range(times)]
    return {"cold_first": cold, "warm_up": warm_up, "warmed_first": first, "runs": runs}


def worker_full(instance: Path, times: int) -> dict:
    """Full builds asked of a running worker (the admin's full rebuild, a retry): its consumer in threads of this
    process, as `portal serve` runs it (`portal worker` has the same threads), warmed up first. Each build timed
    from the ask to its end: wall, this process's CPU (all its threads), its children's (render helpers, Pagefind)."""
    import threading

    from portal import jobs
    from portal.publish import publishing, runs

    app = admin_app(instance)
    builds = []
    with app.app_context(), jobs.worker(app, periodic=False):
        for thread in threading.enumerate():
            if thread.name == "portal-warm-up":
                thread.join()
        for _ in range(times):
            before = max((run.id for run in runs.recent(1)), default=0)
            started, cpu, children = time.perf_counter(), time.process_time(), _children_cpu()
            jobs.request_publish("manual", full=True)
            while (status := _last_run(app, after=before)) in (None, "running"):
                time.sleep(0.05)
            seconds = time.perf_counter() - started
            report = publishing.last_report(app.config["INSTANCE_PATH"])
            if status != "done" or not report.ok:
                raise SystemExit(f"build failed: {report.error}\n{report.details}")
            builds.append({"seconds": seconds, "cpu_seconds": time.process_time() - cpu,
                           "children_cpu_seconds": _children_cpu() - children, "threads": threading.active_count(),
                           "pages_rendered": report.pages_rendered, "phases": report.phases})
    return {"builds": builds}


def _last_run(app, after: int) -> str | None:
    """The status of the latest build run if it came after run `after`."""
    from portal.publish import runs

    with app.app_context():  # a session of its own: it sees the worker's commits
        latest = runs.recent(1)
        return latest[0].status if latest and latest[0].id > after else None


def _edit_and_publish(instance: Path, app, number: int) -> dict:
    from portal.publish import publishing

    edit(instance, "case", number, app=app)
    started, cpu, children = time.perf_counter(), time.process_time(), _children_cpu()
    report = publishing.run_build(app)
    seconds = time.perf_counter() - started
    if not report.ok:
        raise SystemExit(f"build failed: {report.error}\n{report.details}")
    return {"seconds": seconds, "cpu_seconds": time.process_time() - cpu,
            "children_cpu_seconds": _children_cpu() - children,
            "pages_rendered": report.pages_rendered, "phases": report.phases,
            "search_pages_reindexed": report.search_pages_reindexed, "content_reloaded": report.content_reloaded}


def _children_cpu() -> float:
    times = os.times()
    return times.children_user + times.children_system


def _forget_this_process() -> None:
    """What the cold publish left in this process beside its app, as a new worker process would not have it: the
    site's code version (its module list: a subprocess), the published states read, the snapshot's objects."""
    import gc

    from portal.publish import work_folder
    from portal.site import version

    version.site_modules.cache_clear()
    work_folder._KNOWN.clear()
    gc.unfreeze()
    gc.collect()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.tasks")
    parser.add_argument("step", choices=["generate", "reindex", "build", "baseline", "edit", "worker",
                                                     "worker-full"])
    parser.add_argument("--instance", type=Path, required=True)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--full", action="store_true")
    parser.add_argument("--mode", default="snapshot", choices=["snapshot", "per-request"])
    parser.add_argument("--sample", type=int, default=10 ** 9)
    parser.add_argument("--what", default="case", choices=["case", "news"])
    parser.add_argument("--number", type=int, default=1)
    args = parser.parse_args(argv)
    if args.step == "generate":
        result = generate(args.instance, args.scale, args.seed)
    elif args.step == "reindex":
        result = reindex(args.instance)
    elif args.step == "build":
        result = build(args.instance, args.full)
    elif args.step == "worker":
        result = worker(args.instance, args.number)
    elif args.step == "worker-full":
        result = worker_full(args.instance, args.number)
    elif args.step == "baseline":
        result = baseline(args.instance, args.mode, args.sample)
    else:
        result = edit(args.instance, args.what, args.number)
    sys.stdout.flush()
    print("RESULT " + json.dumps(result, ensure_ascii=False, default=str), flush=True)


if __name__ == "__main__":
    main()
