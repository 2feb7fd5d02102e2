"""The Whoosh writer thread gathers the keys of saves made close together into one commit (a commit costs about as
much for four rows as for one), writes them by itself after the gathering, and a flush does not wait it out."""
from __future__ import annotations

import threading
import time

from flask import Flask

from portal.search import writer
from portal.search.writer import IndexWriter


def test_keys_of_saves_close_together_go_into_one_update_and_a_flush_does_not_wait_for_the_gathering(monkeypatch):
    monkeypatch.setattr(writer, "GATHER_SECONDS", 600)
    batches: list[set] = []
    updated = threading.Event()

    def update(keys) -> None:
        batches.append(set(keys))
        updated.set()

    index_writer = IndexWriter(update)
    app = Flask("gathering")
    index_writer.put(app, [("cases", 1)])
    assert not updated.wait(timeout=0.5)  # a writer that did not gather would have written the first key alone
    index_writer.put(app, [("cases", 2)])
    index_writer.put(app, [("news", 3)])
    assert index_writer.flush(timeout=60)  # without cutting the gathering short: False after 60 s
    assert batches == [{("cases", 1), ("cases", 2), ("news", 3)}]


def test_the_writer_writes_by_itself_once_the_gathering_is_over(monkeypatch):
    monkeypatch.setattr(writer, "GATHER_SECONDS", 0.05)
    written = threading.Event()
    index_writer = IndexWriter(lambda keys: written.set())
    index_writer.put(Flask("alone"), [("cases", 1)])
    assert written.wait(timeout=60)
    deadline = time.monotonic() + 60
    while index_writer._busy and time.monotonic() < deadline:  # the update's end is noted after it returns
        time.sleep(0.01)
    assert not index_writer._queued and not index_writer._busy
