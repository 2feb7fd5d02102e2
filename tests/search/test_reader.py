"""The kept searchers of portal/search/reader.py and the index writer thread of portal/search/whoosh_engine.py."""
from __future__ import annotations

import pytest

import subprocess
import sys
import textwrap
import threading
from pathlib import Path

from whoosh import index
from whoosh.fields import ID, TEXT, Schema

from portal.search import reader as search_reader
from portal.search import whoosh_engine as search
from portal.extensions import db
from portal.models import Case, MentoringForm

# The database matters here: run on PostgreSQL too (conftest's docstring).
pytestmark = pytest.mark.both_databases

SCHEMA = Schema(key=ID(unique=True, stored=True), text=TEXT(stored=True))
NAME = "reader_test"


def write(path: Path, *, add=(), delete=()) -> None:
    writer = index.open_dir(str(path), indexname=NAME).writer()
    for key in delete:
        writer.delete_by_term("key", key)
    for key, text in add:
        writer.add_document(key=key, text=text)
    writer.commit(merge=False)  # a segment per commit, so that readers of older segments can be kept


def keys(path: Path, word: str) -> list[str]:
    searcher = search_reader.reader(path, NAME).searcher
    return sorted(hit["key"] for hit in searcher.search(searcher_query(word), limit=None))


def searcher_query(word: str):
    from whoosh.query import Term

    return Term("text", word)


def test_a_kept_searcher_sees_commits_made_after_it_was_opened(tmp_path):
    index.create_in(str(tmp_path), SCHEMA, indexname=NAME)
    write(tmp_path, add=[("a", "alpha one"), ("b", "beta one")])
    first = search_reader.reader(tmp_path, NAME)
    assert keys(tmp_path, "one") == ["a", "b"]
    assert search_reader.reader(tmp_path, NAME) is first  # nothing committed: the same searcher

    write(tmp_path, add=[("c", "gamma one")])  # a new segment; the first one is unchanged
    second = search_reader.reader(tmp_path, NAME)
    assert second is not first
    assert keys(tmp_path, "one") == ["a", "b", "c"]
    first_leaf = first.searcher.reader()
    assert any(leaf is first_leaf for leaf, _ in second.searcher.reader().leaf_readers())  # kept, not reopened

    # A deletion in a kept segment: the old document must not show next to its new version (Whoosh's own
    # refresh() would keep the segment's reader with its old deletions).
    write(tmp_path, delete=["a"], add=[("a", "alpha two")])
    assert keys(tmp_path, "one") == ["b", "c"]
    assert keys(tmp_path, "two") == ["a"]
    assert keys(tmp_path, "alpha") == ["a"]


def test_a_removed_and_rebuilt_index_is_read_anew(tmp_path):
    index.create_in(str(tmp_path), SCHEMA, indexname=NAME)
    write(tmp_path, add=[("a", "alpha")])
    assert keys(tmp_path, "alpha") == ["a"]
    for path in tmp_path.iterdir():
        path.unlink()
    assert search_reader.generation(tmp_path, NAME) is None
    index.create_in(str(tmp_path), SCHEMA, indexname=NAME)  # the same generation number again
    write(tmp_path, add=[("b", "alpha")])
    assert keys(tmp_path, "alpha") == ["b"]


def test_each_thread_has_its_own_searcher(tmp_path):
    index.create_in(str(tmp_path), SCHEMA, indexname=NAME)
    write(tmp_path, add=[("a", "alpha")])
    mine = search_reader.reader(tmp_path, NAME)
    other = []
    thread = threading.Thread(target=lambda: other.append(search_reader.reader(tmp_path, NAME)))
    thread.start()
    thread.join()
    assert other and other[0] is not mine and other[0].searcher is not mine.searcher


# ---- the writer thread --------------------------------------------------------------------------------------
def add_case(world, title: str) -> Case:
    case = Case(organisation=world.org_a, title=title, mentoring_form=MentoringForm.PUPIL_PUPIL)
    db.session.add(case)
    db.session.commit()
    return case


def test_saves_queued_while_the_writer_waits_are_written_together(app, world, monkeypatch):
    if app.config["DATABASE_URL"].startswith("postgresql"):
        pytest.skip("the Whoosh engine's writer thread: on PostgreSQL a save writes its own documents")
    assert search.flush()
    calls: list[set] = []
    update = search.update
    monkeypatch.setattr(search, "update", lambda keys: (calls.append(set(keys)), update(keys)))
    with search._LOCK:  # the writer thread waits for it, as for a long write of this process
        cases = [add_case(world, f"Кейс о шахматном турнире {n}") for n in range(4)]
        assert search.flush(timeout=0.2) is False
    assert search.flush()
    assert {("cases", case.id) for case in cases} == set().union(*calls)
    assert len(calls) <= 2  # the first save's batch, then every key queued meanwhile in one commit
    found = {(hit.kind, hit.id) for hit in search.search("турнир", None, per_page=50).hits}
    assert found == {("cases", case.id) for case in cases}


def test_a_search_waits_for_the_writes_of_its_process(app, world):
    case = add_case(world, "Кейс о школьном радио")
    # No flush: the search itself waits for the queue, so an editor finds what they have just saved.
    assert [(hit.kind, hit.id) for hit in search.search("радио", None).hits] == [("cases", case.id)]


def test_writes_queued_at_exit_are_written(tmp_path, database_url, make_app):
    app = make_app(INSTANCE_PATH=str(tmp_path / "instance"))  # creates the tables
    script = textwrap.dedent(f"""
        import time
        from portal import create_app, search
        from portal.extensions import db
        from portal.models import Organisation, OrganisationKind

        app = create_app({{"DATABASE_URL": {database_url!r}, "INSTANCE_PATH": {str(tmp_path / "instance")!r},
                           "SECRET_KEY": "test"}})
        update = search.update
        def slow_update(keys):  # still writing when the main thread ends: only the exit's flush waits for it
            time.sleep(0.5)
            update(keys)
        search.update = slow_update

        with app.app_context():
            search.reindex()
            db.session.add(Organisation(name="Гимназия имени Пушкина", short_name="Гимназия Пушкина",
                                        kind=OrganisationKind.SCHOOL))
            db.session.commit()
        """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                          cwd=Path(__file__).resolve().parent.parent)
    assert done.returncode == 0, done.stderr
    with app.app_context():
        hits = search.search("пушкина", None).hits
    assert [hit.kind for hit in hits] == ["organisations"]
