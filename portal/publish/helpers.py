"""A large build's pages rendered in forked copies of the build (helpers), one per core, from its loaded snapshot.

A worker is always threaded (Huey's consumer and scheduler, the warm-up of warm.py; `portal serve` adds its
request threads), and a fork copies only the thread that forks: a lock another thread held at that moment stays
locked in the child for ever. So the question is what a helper takes, and it was measured (every line a helper
ran at regional scale, traced; bench/results/2026-12-06-*-worker-render.md). It renders from the snapshot and
sends no SQL. Of the parent's locks it takes:
- logging's: the logging module makes its locks anew in a child by itself (os.register_at_fork);
- the site app's template cache lock (Jinja) and URL map lock (Werkzeug): only builds and the warm-up use the site
  app, and each fork holds both (`_site_locks`), so that no other thread is inside either when it forks;
- the import system's, for the few modules it imports first: imported before the forks (`FIRST_IMPORTED`).
Its database pool is one of its own (SQLAlchemy's `dispose(close=False)` after a fork): the parent's connections
are never touched. Any other thread's locks (the admin app's engine, Huey's Redis or SQLite) it never takes.

What nobody foresaw (a library taking a lock of its own in a later version, a page's new code) could still leave a
helper waiting for ever: a helper silent for SILENCE_SECONDS is killed and the build renders its pages itself.
Slower, never hung. The alternatives, measured at regional scale: a new interpreter with the app costs 5–6 s of
CPU; a helper started afresh (spawn, forkserver) then loads the snapshot and plans again, 9–14 s before its first
page for a share of 11–14 s on two cores; a `portal build` subprocess pays the 5–6 s and helps only the builds
known in advance to be large (not the first publish after a deploy, which renders every page).
"""
from __future__ import annotations

import gc
import importlib
import json
import logging
import os
import select
import signal
import time
import traceback
import warnings
from contextlib import ExitStack
from typing import Callable

from flask import Flask, request
from flask_frozen import MissingURLGeneratorWarning

from .freezer import ALWAYS, SiteFreezer

log = logging.getLogger("portal.build")

MAX_WORKERS = 4
SILENCE_SECONDS = 30.0  # a page takes milliseconds, a region's sitemap or open data well under a second
BEAT_SECONDS = 1.0  # a helper's sign of life at most this often: a byte in its pipe
# Imported on a helper's first pages (an address's IRI to URI, the open data's BOM): once, in the parent.
FIRST_IMPORTED = ("encodings.idna", "stringprep", "encodings.utf_8_sig")
# A helper stops at once on these, whatever handler the process it was forked from has (a stopped worker's helper
# does not render on into a folder nobody will publish).
STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGINT", "SIGHUP") if hasattr(signal, name))


def workers() -> int:
    """Processes to render in: one per core (at most MAX_WORKERS), threaded process or not."""
    if not hasattr(os, "fork"):
        return 1
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:
        cores = os.cpu_count() or 1
    return max(1, min(cores, MAX_WORKERS))


def before_forks(app: Flask, compile_templates: Callable[[Flask], None]) -> None:
    """What each helper would do again for itself is done once: the site's templates compiled, the modules it
    would import first imported. The parent's objects are moved out of the garbage collector's reach (gc.freeze)
    until the helpers are done (the caller unfreezes): a collection in a helper writes to every object it visits,
    which copies the memory pages it shares with the parent."""
    compile_templates(app)
    for name in FIRST_IMPORTED:
        importlib.import_module(name)
    gc.freeze()


def _site_locks(app: Flask) -> list:
    """The locks of the site app that a helper takes (see above). Private attributes of Jinja and Werkzeug: a test
    (tests/publish/test_build_parallel.py) fails if a new version renames them."""
    return [app.jinja_env.cache._wlock, app.url_map._remap_lock]


class Helper:
    """A forked copy of the build rendering its share of the pages into the same folder.

    It inherits the loaded snapshot and the plan (no second load), writes its pages with Frozen-Flask, and sends
    back, through a pipe, a byte now and then while it renders, then the paths it rendered and its warnings, or its
    traceback.
    """

    def __init__(self, pid: int, reader: int, share: list) -> None:
        self.pid, self.reader, self.share = pid, reader, share

    @classmethod
    def fork(cls, app: Flask, share: list) -> "Helper":
        reader, writer = os.pipe()
        # A stop signal that reaches the child before it has reset its handlers (below) waits, blocked, until then:
        # else the inherited handler would only note it, and the helper would render on.
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
        pid = None
        try:
            with ExitStack() as held, warnings.catch_warnings():
                for lock in _site_locks(app):  # released in the parent and, as copies, in the child
                    held.enter_context(lock)
                # Python 3.12 warns of any fork in a threaded process; this one is made safe above.
                warnings.filterwarnings("ignore", ".*fork", DeprecationWarning)
                pid = os.fork()
        finally:
            if pid != 0:  # the parent (or a failed fork); the child unblocks once its handlers are reset
                signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
        if pid:
            os.close(writer)
            return cls(pid, reader, share)
        os.close(reader)  # the child: render, report, and leave without running the parent's exit handlers
        for number in STOP_SIGNALS:  # a worker's consumer (Huey) only notes a SIGTERM: a helper would render on
            signal.signal(number, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)  # a stop signal received meanwhile stops it now
        code = 0
        try:
            message = cls._render(app, share, writer)
        except BaseException:
            message, code = {"error": traceback.format_exc()}, 1
        try:
            with os.fdopen(writer, "w", encoding="utf-8") as out:
                json.dump(message, out)
        finally:
            os._exit(code)

    @staticmethod
    def _render(app: Flask, share: list, beat: int) -> dict:
        from portal.extensions import db

        db.engine.dispose(close=False)  # never share the parent's database connections
        paths: set[str] = set()  # the parent's counting hook fills its own set's copy here: another hook
        last = [time.monotonic()]

        def count_and_beat() -> None:
            if request.endpoint != "site.static":
                paths.add(request.path)
            if time.monotonic() - last[0] >= BEAT_SECONDS:
                last[0] = time.monotonic()
                os.write(beat, b".")

        app.before_request_funcs[None].insert(0, count_and_beat)
        app.config["FREEZER_REMOVE_EXTRA_FILES"] = False  # the parent knows every page; it removes the rest
        freezer = SiteFreezer(app, with_static_files=False, with_no_argument_rules=False, log_url_for=False)
        freezer.register_generator(lambda: ((a.endpoint, a.values, ALWAYS) for a in share))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            freezer.freeze()
        return {"rendered": sorted(paths), "digests": freezer.digests, "warnings": [str(w.message) for w in caught
                                                        if not issubclass(w.category, MissingURLGeneratorWarning)]}

    def wait(self, rendered: set[str], caught: list, digests: dict[str, str | None]) -> list:
        """Take in what the helper rendered; its share back if it fell silent (killed: the caller renders it)."""
        received = []
        while True:
            if not select.select([self.reader], [], [], SILENCE_SECONDS)[0]:
                log.warning("Render helper %d silent for %.0f s: killed, its %d pages rendered by the build",
                            self.pid, SILENCE_SECONDS, len(self.share))
                caught.append(warnings.WarningMessage(
                    f"Процесс отрисовки не отвечал {SILENCE_SECONDS:.0f} с и остановлен; его страницы "
                    f"({len(self.share)}) отрисованы основным процессом.", UserWarning, __file__, 0))
                self.kill()
                return self.share
            chunk = os.read(self.reader, 65536)
            if not chunk:
                break
            received.append(chunk)
        os.close(self.reader)
        _, status = os.waitpid(self.pid, 0)
        self.pid = 0
        text = b"".join(received).decode("utf-8").lstrip(".")
        message = json.loads(text) if text else {"error": f"процесс отрисовки завершился с кодом {status}"}
        if "error" in message:
            raise RuntimeError(f"Страницы не отрисованы: {message['error']}")
        rendered.update(message["rendered"])
        digests.update(message["digests"])
        caught += [warnings.WarningMessage(warning, UserWarning, __file__, 0) for warning in message["warnings"]]
        return []

    def kill(self) -> None:
        """After a failure elsewhere, or silence: no helper outlives the build."""
        if self.pid:
            try:
                os.kill(self.pid, 9)
                os.waitpid(self.pid, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
            os.close(self.reader)
            self.pid = 0
