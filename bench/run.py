"""`make bench`: generate a synthetic region, measure publishing, public search and the admin, print a table and
write it to bench/results/<date>-<commit>.md. See bench/README.md.

    python -m bench.run [--scale 1.0] [--repeat 3] [--seed 2025] [--only build,baseline,incremental,search,admin,growth]
"""
from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from .measure import ROOT, Run, median, psutil, run_step
from .tasks import DATABASE_FILE

PAUSE = (2.0, 5.0)  # seconds an editor of the realistic scenario waits before each request
SLOW = 60.0  # seconds: a step slower than this is not repeated, and the plain baseline is sampled
BASELINE_SAMPLE = 2000  # pages of the plain baseline when the build is slow (extrapolated to the whole)
PARTS = ("build", "baseline", "incremental", "search", "admin", "growth")
TARGETS = {
    # Issue #22: a full build with search ≥ 1.5× faster than plain Frozen-Flask without search; a one-edit publish
    # ≤ 1/20 of a full build of the same region in the same run, and under 1 s at scale 1 in a running worker.
    "build_seconds": 15.0, "build_speedup": 1.5, "peak_memory": 1024 ** 3, "incremental_fraction": 1 / 20,
    "worker_seconds": 1.0,
    "first_query_bytes": 200_000, "later_query_bytes": 100_000,  "search_p95_ms": 50.0,
}


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def machine() -> dict:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = psutil.virtual_memory().total if psutil else os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return {"cpu": cpu, "cores": os.cpu_count(), "memory_gb": round(memory / 1024 ** 3, 1),
            "python": platform.python_version(), "system": f"{platform.system()} {platform.release()}",
            "load": " / ".join(f"{x:.1f}" for x in os.getloadavg())}


def commit() -> str:
    if os.environ.get("BENCH_COMMIT"):  # a run from a copy of the checkout names the commit it was copied from
        return os.environ["BENCH_COMMIT"]
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                               capture_output=True, text=True).stdout.strip()
        return head + ("-dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


class Bench:
    def __init__(self, scale: float, repeat: int, seed: int, workdir: Path, parts: set[str],
                 postgresql: str = "") -> None:
        self.scale, self.repeat, self.seed, self.workdir, self.parts = scale, repeat, seed, workdir, parts
        self.postgresql = postgresql.rstrip("/")  # a server: the admin is measured on it too
        self.databases: list[str] = []
        self.data: dict = {"scale": scale, "repeat": repeat, "seed": seed}

    def instance(self, scale: float) -> Path:
        return self.workdir / f"scale-{scale:g}"

    def generate(self, scale: float) -> Path:
        instance = self.instance(scale)
        if not (instance / "portal.db").exists():
            log(f"generating the region at scale {scale:g}")
            run = run_step("generate", "--instance", str(instance), "--scale", str(scale), "--seed", str(self.seed))
            self.data.setdefault("generate", {})[scale] = run
        return instance

    def generate_on_postgresql(self, scale: float) -> Path | None:
        """The same region in a database of its own on the PostgreSQL server (dropped at the end, as the folder);
        None when the server cannot be reached (the admin is then measured on SQLite only)."""
        import psycopg

        instance = self.workdir / f"scale-{scale:g}-postgresql"
        instance.mkdir(parents=True, exist_ok=True)
        name = f"portal_bench_{os.getpid()}_{str(scale).replace('.', '_')}"
        try:
            with psycopg.connect(f"{self.postgresql}/postgres", autocommit=True, connect_timeout=5) as server:
                server.execute(f'DROP DATABASE IF EXISTS "{name}"')
                server.execute(f'CREATE DATABASE "{name}"')
        except psycopg.OperationalError as error:
            log(f"PostgreSQL at {self.postgresql} cannot be reached ({error}): the admin is measured on SQLite only")
            return None
        self.databases.append(name)
        (instance / DATABASE_FILE).write_text(f"{self.postgresql}/{name}\n")
        log(f"generating the region at scale {scale:g} on PostgreSQL ({name})")
        run_step("generate", "--instance", str(instance), "--scale", str(scale), "--seed", str(self.seed))
        log("admin search index on PostgreSQL (portal search reindex)")
        self.data["reindex_postgresql"] = run_step("reindex", "--instance", str(instance))
        return instance

    def drop_databases(self) -> None:
        if not self.databases:
            return
        import psycopg

        with psycopg.connect(f"{self.postgresql}/postgres", autocommit=True) as server:
            for name in self.databases:
                server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def full_builds(self, instance: Path, times: int) -> list[Run]:
        """Repeated while a build takes under SLOW seconds: slower ones are measured once (the run stays short)."""
        runs = []
        for number in range(times):
            log(f"full build {number + 1}/{times} of {instance.name}")
            runs.append(run_step("build", "--instance", str(instance), "--full"))
            if runs[-1].wall > SLOW:
                break
        return runs

    def run(self) -> dict:
        self.data["machine_before"] = machine()
        main = self.generate(self.scale)
        if "admin" in self.parts or "search" in self.parts:
            log("admin search index (portal search reindex)")
            self.data["reindex"] = run_step("reindex", "--instance", str(main))
        if self.parts & {"build", "incremental", "search", "growth"}:
            self.data["build"] = self.full_builds(main, self.repeat if "build" in self.parts else 1)
        if "baseline" in self.parts:
            log("baseline: plain Frozen-Flask, content loaded once")
            slow = median(r.wall for r in self.data["build"]) > SLOW if self.data.get("build") else False
            sample = ("--sample", str(BASELINE_SAMPLE)) if slow else ()
            self.data["baseline_snapshot"] = run_step("baseline", "--instance", str(main), "--mode", "snapshot",
                                                      *sample)
            log("baseline: plain Frozen-Flask, content loaded by each page (a sample)")
            self.data["baseline_per_request"] = run_step("baseline", "--instance", str(main), "--mode", "per-request",
                                                         "--sample", "6" if slow else "30")
        if "incremental" in self.parts:
            self.incremental(main)
        if "search" in self.parts:
            from . import public_search

            log("public search in Chromium")
            self.data["search"] = public_search.measure(main / "build", repeat=self.repeat)
        if "admin" in self.parts:
            self.admin(main)
            on_postgresql = self.generate_on_postgresql(self.scale) if self.postgresql else None
            if on_postgresql:
                self.admin(on_postgresql, "_postgresql")
        if "growth" in self.parts:
            growth = {}
            for fraction in (0.25, 0.5):
                scale = round(self.scale * fraction, 6)
                growth[scale] = self.full_builds(self.generate(scale), 1)
            growth[self.scale] = self.data["build"]
            self.data["growth"] = growth
        self.data["machine_after"] = machine()
        return self.data

    def incremental(self, instance: Path) -> None:
        results: dict[str, list[Run]] = {"case": [], "news": []}
        for number in range(1, self.repeat + 1):
            for what in ("case", "news"):
                log(f"incremental build after one {what} ({number}/{self.repeat})")
                run_step("edit", "--instance", str(instance), "--what", what, "--number", str(number))
                results[what].append(run_step("build", "--instance", str(instance)))
            if max(r.wall for r in results["case"] + results["news"]) > SLOW:
                break
        self.data["incremental"] = results
        log(f"one-edit publishes in a running worker ({max(3, self.repeat)})")
        self.data["worker"] = run_step("worker", "--instance", str(instance), "--number", str(max(3, self.repeat)))

    def admin(self, instance: Path, suffix: str = "") -> None:
        """The admin's load steps on the instance's database; `suffix` names the data of a second database."""
        from . import admin_load

        server, port = admin_load.start_gunicorn(instance)
        try:
            log(f"admin{suffix}: warming up")
            admin_load.load(port, instance, 2, 2)
            self.data["admin" + suffix] = {}
            # 20 editors: at least 10 rounds (200 requests of each kind) whatever the repetitions, since a p95 of 40
            # samples is their second largest, and one slow second moved it by 100 ms from run to run.
            for clients, rounds, pause in ((1, 10 * self.repeat, None), (20, max(10, 2 * self.repeat), None),
                                           (50, 2 * self.repeat, PAUSE)):
                log(f"admin{suffix}: {clients} client(s) × {rounds} rounds" + (f", pausing {PAUSE} s" if pause else ""))
                label = f"{clients} pausing" if pause else clients
                cpu: list[float] = []
                result = admin_load.load(port, instance, clients, rounds, pause,
                                         logged_in=lambda: cpu.append(admin_load.server_cpu(server)))
                done = sum(result[kind]["n"] for kind in admin_load.KINDS)
                # CPU time of the server per request (the logins not counted): what the machine's other work does
                # not change much.
                result["server_cpu_ms"] = (admin_load.server_cpu(server) - cpu[0]) * 1000 / done if done else 0
                self.data["admin" + suffix][label] = result
            log(f"admin{suffix} search")
            self.data["admin_search" + suffix] = admin_load.search(port, max(3, self.repeat))  # 42 queries or more
        finally:
            admin_load.stop(server)


# ---- the table --------------------------------------------------------------------------------------------------
def _mb(value: float) -> str:
    return f"{value / 1024 ** 2:.0f} MB" if value else "—"  # 0: not measured (no psutil)


def _kb(value: float) -> str:
    return f"{value / 1000:.0f} KB"


def _ok(good: bool | None) -> str:
    return "—" if good is None else ("yes" if good else "**no**")


def _spread(values: list[float], unit: str = " s") -> str:
    if len(values) == 1:
        return f"{values[0]:.1f}{unit}"
    return f"{median(values):.1f}{unit} ({min(values):.1f}–{max(values):.1f})"


def _first_publish_rows(result: dict, scale: float) -> list[tuple]:
    """The first one-edit publish of a worker just started, cold and once its warm-up has finished
    (portal/publish/warm.py): wall, and CPU of the process + of its children (Pagefind, the code version)."""
    if "cold_first" not in result:
        return []

    def timed(run: dict) -> str:
        return f"{run['seconds']:.2f} s; CPU {run['cpu_seconds']:.2f} + {run['children_cpu_seconds']:.2f} s"

    cold, first, warm_up = result["cold_first"], result["warmed_first"], result["warm_up"]
    return [("3. first publish after a worker starts, cold: wall; CPU + children", timed(cold), "", "—"),
            ("   the same once the worker's warm-up has finished", timed(first), "< 1 s at scale 1",
             _ok(first["seconds"] < TARGETS["worker_seconds"]) if scale >= 1 else "—"),
            ("   the warm-up itself, in the background", timed(warm_up), "", "—")]


def _admin_rows(data: dict, suffix: str, database: str) -> list[tuple]:
    """The admin's rows of the table for one database."""
    admin = data.get("admin" + suffix)
    rows: list[tuple] = []
    if admin:
        for clients, result in admin.items():
            # Issue #22: 50 editors pausing 2–5 s, p95 ≤ 100 ms; 20 editors with no pause, p95 ≤ 300 ms.
            limit = {20: 300.0, "50 pausing": 100.0}.get(clients)
            who = f"{clients} editors, 2–5 s pauses" if isinstance(clients, str) else f"{clients} client(s)"
            for kind in ("dashboard", "list", "edit", "save"):
                s = result[kind]
                rows.append((f"5. admin ({database}) {kind}, {who}: p50 / p95 / p99 (n={s['n']})",
                             f"{s['p50']:.0f} / {s['p95']:.0f} / {s['p99']:.0f} ms",
                             f"p95 ≤ {limit:.0f} ms" if limit else "", _ok(s["p95"] <= limit) if limit else "—"))
            rows.append((f"   {who}: requests/s, errors, server CPU per request",
                         f"{result['requests_per_second']:.1f}, {result['error_count']}, "
                         f"{result.get('server_cpu_ms', 0):.0f} ms", "", "—"))
        s = data["admin_search" + suffix]
        rows.append((f"   admin search, whole index: p50 / p95 / p99 (n={s['n']})",
                     f"{s['p50']:.0f} / {s['p95']:.0f} / {s['p99']:.0f} ms", "p95 < 50 ms",
                     _ok(s["p95"] < TARGETS["search_p95_ms"])))
        reindex = data.get("reindex" + suffix)
        if reindex:
            rows.append(("   `portal search reindex`", f"{reindex.wall:.0f} s, {reindex.result['documents']} documents",
                         "", "—"))
    return rows


def table(data: dict, started: datetime, revision: str, minutes: float) -> str:
    m = data["machine_before"]
    lines = [f"# Benchmark {started:%Y-%m-%d %H:%M} — commit {revision}", "",
             f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB, Python {m['python']}, {m['system']}. "
             f"Load average at start {m['load']}, at end {data['machine_after']['load']} (other work on the machine "
             "makes wall times noisy: medians of the repetitions, range in brackets).",
             f"Scale {data['scale']:g} (seed {data['seed']}), {data['repeat']} repetitions; the whole run took "
             f"{minutes:.1f} min.", ""]
    gen = data.get("generate", {}).get(data["scale"])
    if gen:
        rows = gen.result["rows"]
        lines += ["Region: " + ", ".join(f"{k} {v}" for k, v in rows.items()) +
                  f" (generated in {gen.wall:.0f} s).", ""]
    rows = [("measure", "value", "target", "met")]
    build = data.get("build")
    if build:
        walls = [r.wall for r in build]
        pages = build[0].result["pages_total"]
        peak = max(r.peak_pss for r in build)
        phases = {k: median(r.result["phases"].get(k) for r in build) for k in build[0].result["phases"]
                  if k != "workers"}
        workers = build[0].result["phases"].get("workers", 1)
        rows += [
            (f"1. full build, {pages} pages: wall", _spread(walls), "< 15 s", _ok(median(walls) < 15)),
            ("   CPU time (process tree)", _spread([r.cpu for r in build]), "", "—"),
            ("   pages/s", f"{pages / median(walls):.0f}", "", "—"),
            ("   peak memory, process tree: PSS (RSS)", f"{_mb(peak)} ({_mb(max(r.peak_rss for r in build))})",
             "< 1 GB", _ok(peak < TARGETS["peak_memory"])) if psutil else
            # Without psutil only the largest child since the run started is known: the generator's, not the build's.
            ("   peak memory, process tree", "not measured: psutil is missing (`make bench` installs it)", "< 1 GB",
             "—"),
            (f"   steps, median s (render in {workers:g} processes)",
             ", ".join(f"{k} {v:.1f}" for k, v in phases.items()), "", "—"),
        ]
        snap, per_request = data.get("baseline_snapshot"), data.get("baseline_per_request")
        if snap:
            r = snap.result
            plain = r.get("extrapolated_seconds", snap.wall)
            how = (f"{plain:.0f} s, extrapolated from {r['pages_frozen']} pages" if "extrapolated_seconds" in r
                   else f"{plain:.1f} s")
            rows += [("2. plain Frozen-Flask, content loaded once", f"{how} (peak {_mb(snap.peak_pss)})", "", "—"),
                     ("   full build with search vs it (× faster)", f"{plain / median(walls):.2f}×", "≥ 1.5×",
                      _ok(plain / median(walls) >= TARGETS["build_speedup"]))]
        if per_request:
            r = per_request.result
            rows += [(f"   plain, each page loads its content ({r['pages_frozen']}-page sample)",
                      f"{r['seconds_per_page']:.2f} s/page → {r['extrapolated_seconds'] / 60:.0f} min", "", "—"),
                     ("   full build vs it (× faster)", f"{r['extrapolated_seconds'] / median(walls):.0f}×", "≥ 4×",
                      _ok(r["extrapolated_seconds"] / median(walls) >= 4))]
    incremental = data.get("incremental")
    if incremental:
        for what, label in (("case", "one case edited"), ("news", "one news item added")):
            runs = incremental[what]
            walls = [r.wall for r in runs]
            render = [r.result["phases"].get("render", 0) for r in runs]
            index = [r.result["phases"].get("search_index", 0) for r in runs]
            copy = [r.result["phases"].get("copy", 0) for r in runs]
            rendered = median(r.result["pages_rendered"] for r in runs)
            full = median(r.wall for r in build) if build else None
            fraction = median(walls) / full if full else None
            rows += [(f"3. incremental build, {label}: wall (new process)", _spread(walls), "", "—"),
                     ("   of the full build in this run", f"1/{1 / fraction:.0f}" if fraction else "—", "≤ 1/20",
                      _ok(fraction <= TARGETS["incremental_fraction"]) if fraction else "—"),
                     ("   pages rendered; render / copy / Pagefind s",
                      f"{rendered:.0f}; {median(render):.1f} / {median(copy):.1f} / {median(index):.1f}", "", "—")]
    worker = data.get("worker")
    if worker:
        runs = worker.result["runs"]
        seconds = [r["seconds"] for r in runs]
        phases = {k: median(r["phases"].get(k) for r in runs) for k in runs[0]["phases"] if k != "workers"}
        full = median(r.wall for r in build) if build else None
        rows += [("3. one case edited, publish in a running worker", _spread(seconds), "< 1 s at scale 1",
                  _ok(median(seconds) < TARGETS["worker_seconds"]) if data["scale"] >= 1 else "—"),
                 ("   of the full build in this run", f"1/{full / median(seconds):.0f}" if full else "—", "≤ 1/20",
                  _ok(median(seconds) / full <= TARGETS["incremental_fraction"]) if full else "—"),
                 ("   pages rendered, search pages indexed; steps s",
                  f"{median(r['pages_rendered'] for r in runs):.0f}, "
                  f"{median(r['search_pages_reindexed'] for r in runs):.0f}; "
                  + ", ".join(f"{k} {v:.2f}" for k, v in phases.items()), "", "—"),
                 # The worker keeps the content snapshot between publishes (portal/site/content_reuse.py).
                 ("   content parts loaded again; the worker's peak memory (PSS)",
                  f"{', '.join(runs[-1].get('content_reloaded') or ['all'])}; {_mb(worker.peak_pss)}", "", "—")]
        rows += _first_publish_rows(worker.result, data["scale"])
    search = data.get("search")
    if search:
        rows += [("4. Pagefind index on disk", f"{search['index_bytes'] / 1024 ** 2:.1f} MB in "
                  f"{search['index_files']} files", "", "—"),
                 ("   search page (HTML, CSS, Pagefind UI script)", _kb(search["page_bytes"]), "", "—"),
                 ("   first query: bytes fetched", _kb(search["first_bytes"]), "< 200 KB",
                  _ok(search["first_bytes"] < TARGETS["first_query_bytes"])),
                 ("   first query incl. the search page's Pagefind UI", _kb(search["first_bytes"] +
                                                                          search["page_bytes"]), "", "—"),
                 ("   second query: bytes fetched", _kb(search["second_bytes"]), "< 100 KB",
                  _ok(search["second_bytes"] < TARGETS["later_query_bytes"])),
                 ("   query time, API (first / second)", f"{search['first_api_ms']:.0f} / "
                  f"{search['second_api_ms']:.0f} ms", "", "—"),
                 ("   typing to results on screen (incl. 300 ms debounce)", f"{search['first_ui_ms']:.0f} / "
                  f"{search['second_ui_ms']:.0f} ms", "", "—")]
    for suffix, database in (("", "SQLite"), ("_postgresql", "PostgreSQL")):
        rows += _admin_rows(data, suffix, database)
    growth = data.get("growth")
    if growth:
        for scale, runs in sorted(growth.items()):
            pages = runs[0].result["pages_total"]
            wall = median(r.wall for r in runs)
            rows.append((f"6. growth: scale {scale:g}, {pages} pages", f"{wall:.1f} s, "
                         f"{wall / pages * 1000:.1f} ms/page, peak {_mb(max(r.peak_pss for r in runs))}", "", "—"))
    widths = [max(len(str(row[i])) for row in rows) for i in range(4)]
    out = ["| " + " | ".join(str(c).ljust(widths[i]) for i, c in enumerate(rows[0])) + " |",
           "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += ["| " + " | ".join(str(c).ljust(widths[i]) for i, c in enumerate(row)) + " |" for row in rows[1:]]
    return "\n".join(lines + out) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=float(os.environ.get("SCALE") or 1.0))
    parser.add_argument("--repeat", type=int, default=int(os.environ.get("REPEAT") or 3))
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--only", default=",".join(PARTS), help="comma-separated parts: " + ", ".join(PARTS))
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument("--keep", action="store_true", help="keep the temporary instances (printed)")
    parser.add_argument("--postgresql", default=os.environ.get("BENCH_POSTGRESQL", ""),
                        help="a PostgreSQL server (postgresql://user@host:port): the admin is measured on it too, in "
                             "a database the run creates and drops")
    args = parser.parse_args(argv)
    parts = {p.strip() for p in args.only.split(",") if p.strip()}
    unknown = parts - set(PARTS)
    if unknown:
        parser.error(f"unknown parts: {', '.join(sorted(unknown))}")
    started = datetime.now()
    workdir = Path(tempfile.mkdtemp(prefix="portal-bench-"))
    log(f"working in {workdir}")
    bench = Bench(args.scale, args.repeat, args.seed, workdir, parts, args.postgresql)
    try:
        data = bench.run()
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
            bench.drop_databases()
    revision = commit()
    text = table(data, started, revision, (datetime.now() - started).total_seconds() / 60)
    print(text)
    args.results.mkdir(parents=True, exist_ok=True)
    suffix = "" if args.scale == 1.0 else f"-scale{args.scale:g}"
    path = args.results / f"{started:%Y-%m-%d}-{revision}{suffix}.md"
    path.write_text(text, encoding="utf-8")
    log(f"written {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
