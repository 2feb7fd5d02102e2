"""Running a step in a child process: wall time, CPU time and peak memory of its whole process tree."""
from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

try:  # the `bench` extra; without it (the smoke test under the `dev` extra) only the children's peak is known
    import psutil
except ImportError:  # pragma: no cover
    psutil = None

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Run:
    result: dict
    wall: float  # seconds, the child process from start to exit
    cpu: float  # seconds of user + system CPU of the child and its children (Pagefind)
    peak_pss: int  # bytes: the largest sum of proportional set sizes over the process tree seen while polling
    peak_rss: int  # bytes: the same with resident set sizes (shared pages counted in every process)
    log: str = field(default="", repr=False)


def _tree_memory(process: "psutil.Process") -> tuple[int, int]:
    """(PSS, RSS) summed over the tree. PSS shares each page among the processes that map it, so forked
    helpers that share the parent's memory are not counted twice (RSS counts shared pages in each)."""
    pss = rss = 0
    for proc in [process, *process.children(recursive=True)]:
        try:
            info = proc.memory_full_info()
            pss += getattr(info, "pss", info.rss)
            rss += info.rss
        except (psutil.NoSuchProcess, psutil.AccessDenied, ProcessLookupError):
            pass
    return pss, rss


def run_step(step: str, *args: str, timeout: float = 1800, env: dict | None = None) -> Run:
    """`python -m bench.tasks STEP ARGS…` with the tree's memory polled every 50 ms."""
    command = [sys.executable, "-m", "bench.tasks", step, *args]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                             env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})
    peak = peak_pss = 0
    done = threading.Event()

    def poll() -> None:
        nonlocal peak, peak_pss
        if psutil is None:
            return
        try:
            process = psutil.Process(child.pid)
            while not done.is_set():
                pss, rss = _tree_memory(process)
                peak, peak_pss = max(peak, rss), max(peak_pss, pss)
                done.wait(0.05)
        except psutil.NoSuchProcess:
            pass

    poller = threading.Thread(target=poll, daemon=True)
    poller.start()
    try:
        output, _ = child.communicate(timeout=timeout)
    finally:
        done.set()
        poller.join()
        if child.poll() is None:
            child.kill()
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    # ru_maxrss of the children (KiB on Linux) catches a peak that fell between two polls.
    peak = max(peak, after.ru_maxrss * 1024 if after.ru_maxrss > before.ru_maxrss else 0)
    peak_pss = peak_pss or peak  # without psutil: the children's largest resident set
    lines = [line for line in output.splitlines() if line.startswith("RESULT ")]
    if child.returncode != 0 or not lines:
        raise RuntimeError(f"step {step} {' '.join(args)} failed (exit {child.returncode}):\n{output[-4000:]}")
    # stdout and stderr share the pipe: a log line of another thread can land right after the result's JSON.
    result, _end = json.JSONDecoder().raw_decode(lines[-1][len("RESULT "):])
    return Run(result, wall, cpu, peak_pss, peak, output)


def median(values) -> float:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else float("nan")


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]
