"""The Whoosh index's writer thread of this process: a committed transaction hands it the keys it changed, and
it merges the keys queued meanwhile into one Whoosh commit, after the response (whoosh_engine.py).

It gathers for GATHER_SECONDS before it writes: a Whoosh commit costs about as much for four rows as for one
(at regional scale, about 30 ms of CPU for one case, 8 ms a case in a batch of four), and with many editors
saving at once those commits were a third of the admin's CPU. A wait in `flush` (tests, the process's exit)
cuts the gathering short."""
from __future__ import annotations

import logging
import threading
from typing import Callable, Iterable

from flask import Flask

log = logging.getLogger("portal.search")
GATHER_SECONDS = 0.5  # an edit reaches the admin search this much later; saves meanwhile share its commit


class IndexWriter:
    """This process's index writer thread: keys queued by commits, written in one Whoosh commit per batch."""

    def __init__(self, update: Callable[[Iterable[tuple[str, int]]], None]) -> None:
        self._update = update
        self._reset()

    def _reset(self) -> None:
        self._condition = threading.Condition()
        self._queued: dict[Flask, set[tuple[str, int]]] = {}  # by app: tests make several apps in one process
        self._busy = False
        self._hurried = 0  # callers of `flush` waiting: no gathering while there are any
        self._thread: threading.Thread | None = None

    def put(self, app: Flask, keys: Iterable[tuple[str, int]]) -> None:
        with self._condition:
            self._queued.setdefault(app, set()).update(keys)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="search-index-writer", daemon=True)
                self._thread.start()
            self._condition.notify_all()

    def _run(self) -> None:
        while True:
            with self._condition:
                self._condition.wait_for(lambda: self._queued)
                self._condition.wait_for(lambda: self._hurried, GATHER_SECONDS)
                batch, self._queued, self._busy = self._queued, {}, True
            try:
                for app, keys in batch.items():
                    try:
                        with app.app_context():
                            self._update(keys)
                    except Exception:  # the commit stands; `portal search reindex` repairs the index
                        log.exception("Search index not updated for %d rows; run `portal search reindex`",
                                      len(keys))
            finally:
                with self._condition:
                    self._busy = False
                    self._condition.notify_all()

    def flush(self, timeout: float | None) -> bool:
        if threading.current_thread() is self._thread:
            return not self._queued  # the writer itself (an app context it pushed is closing)
        with self._condition:
            self._hurried += 1
            self._condition.notify_all()
            try:
                return self._condition.wait_for(lambda: not self._queued and not self._busy, timeout)
            finally:
                self._hurried -= 1
