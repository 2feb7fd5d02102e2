"""Admin search with Whoosh: the engine (this module and reader.py are the only ones that import whoosh). On
PostgreSQL it hands the collected changes and the searches to postgres_engine.py.

Every content type is indexed, drafts included, with Russian stemming; titles weigh more than bodies. The index
lives in ``<INSTANCE_PATH>/search-index/`` and follows the database after each COMMIT: session events collect the
changed rows (after_flush; before_flush for deleted rows, which can still be read then), write them once the
transaction is committed (after_commit) and forget them when it is rolled back. The index never breaks a save: a
failure is logged and ``portal search reindex`` repairs it.

The index is written after the response, not within the save: a committed transaction hands its keys to this
process's writer thread (`_Writer`), which merges the keys queued meanwhile into one Whoosh commit. A search in
this process first waits for that queue (`flush`), so an editor finds what they have just saved; `flush()` is
also how tests and commands wait for the index, and the queue is flushed when the process exits.

Single writer: one process-wide lock orders the writers of this process; Whoosh's own write lock, waited for with
retries, orders processes. A writer takes both locks *before* it reads the rows from the database, so the last
writer always writes what the database holds now, whatever order two saves commit in.
"""
from __future__ import annotations

import atexit
import logging
import os
import re
import threading
import time
from pathlib import Path
from typing import Any, Iterable

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session
from whoosh import index, writing
from whoosh.analysis import LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.fields import ID, STORED, TEXT, Schema
from whoosh.lang import stopwords_for_language
from whoosh.query import Or, Query, Term

from portal import permissions
from portal.search import postgres_engine as search_postgres
from portal.search import reader as search_reader
from portal.search.writer import IndexWriter
from portal.extensions import db
# What is indexed lives in documents.py (no whoosh there); these names stay part of this module's API.
from portal.search.documents import KIND_OF, KINDS, Kind, document, plain  # noqa: F401
from portal.search.documents import _load, _resolve, _touched
from portal.search.reader import Group, Hit, Results, SearchError  # noqa: F401 — part of this module's API

log = logging.getLogger("portal.search")

EXTENSION = "portal.search"
INDEX_DIR = "search-index"
# Whoosh keeps the schema (analyzer included) in the index: change the name whenever SCHEMA, ANALYZER or the
# documents change, and the index is rebuilt under the new name.
INDEX_NAME = "admin_v3"
WRITE_TIMEOUT = 60.0  # seconds a writer waits for another one (a full rebuild holds the lock for seconds)
MAX_QUERY_CHARS = 200
MAX_TERMS = 16


def _analyzer(cachesize: int | None) -> Any:
    """Lowercase, Russian stop words only (LanguageAnalyzer("ru") would drop English ones too, such as «IT»),
    Snowball's Russian stemmer (ё folds to е)."""
    return (RegexTokenizer() | LowercaseFilter() | StopFilter(stoplist=stopwords_for_language("ru"))
            | StemFilter(lang="ru", cachesize=cachesize))


# Whoosh's stem cache is not thread-safe. The index's analyzer is pickled into the index: each opening unpickles
# its own copy, and the module's object serves only the writer holding _LOCK. The query analyzer, shared by every
# thread, has no cache.
ANALYZER = _analyzer(50_000)
QUERY_ANALYZER = _analyzer(None)

SCHEMA = Schema(
    key=ID(unique=True, stored=True),  # "cases:12"
    kind=ID(stored=True, sortable=True),
    id=STORED(),
    organisation_id=ID(stored=True),  # empty for rows with no organisation (pages, municipal news)
    title=TEXT(analyzer=ANALYZER, stored=True, field_boost=3.0),
    body=TEXT(analyzer=ANALYZER, stored=True),
    url=STORED(),  # the admin edit page, without the script root
)


_LOCK = threading.Lock()  # the one writer of this process
_PENDING = "portal.search.pending"  # session.info key: keys changed in the open transaction
REBUILD = ("*", 0)  # a pending key that asks for a full rebuild


def index_path(app: Flask | None = None) -> Path:
    return Path((app or current_app).instance_path) / INDEX_DIR


def _open_index(app: Flask) -> tuple[index.Index, bool]:
    """Open the index, or create a missing one and fill it from the database: (index, just built).

    The caller holds _LOCK.
    """
    path = index_path(app)
    if index.exists_in(str(path), indexname=INDEX_NAME):
        return index.open_dir(str(path), indexname=INDEX_NAME), False
    path.mkdir(parents=True, exist_ok=True)
    for stale in path.iterdir():  # files of an index of an older INDEX_NAME
        if stale.is_file():
            stale.unlink(missing_ok=True)
    ix = index.create_in(str(path), SCHEMA, indexname=INDEX_NAME)
    log.info("Search index created in %s; filling it from the database", path)
    try:
        _rebuild(ix, app)
    except BaseException:
        ix.storage.clean(ignore=True)  # no half-filled index that would pass for a whole one
        raise
    return ix, True


def _writer(ix: index.Index) -> writing.IndexWriter:
    # Waits, retrying, while another process writes: LockError only after WRITE_TIMEOUT.
    writer = ix.writer(timeout=WRITE_TIMEOUT, delay=0.05)
    # The writer would analyse with the schema it unpickles from the index, whose stem cache starts empty each
    # time. SCHEMA is the same schema (INDEX_NAME changes with it), and its analyzer's cache stays warm: only the
    # holder of _LOCK uses it.
    writer.schema = SCHEMA
    return writer


def _rebuild(ix: index.Index, app: Flask) -> int:
    writer = _writer(ix)  # locked before reading, so no save between the read and the commit is lost
    try:
        count = 0
        adapter = app.url_map.bind("localhost")
        with Session(db.engine) as session:
            for kind in KINDS:
                model = KINDS[kind].model
                for obj in _load(session, kind, session.scalars(sa.select(model.id))):
                    writer.add_document(**document(obj, adapter))
                    count += 1
        writer.commit(mergetype=writing.CLEAR)  # replaces everything at once; readers never see a half index
        return count
    except BaseException:
        writer.cancel()
        raise


def reindex() -> int:
    """Rebuild the index from the database (clear + add all); returns the number of documents."""
    if _on_postgresql():
        return search_postgres.reindex()
    app = current_app._get_current_object()
    with _locked():
        ix, built = _open_index(app)
        return ix.doc_count() if built else _rebuild(ix, app)


def update(keys: Iterable[tuple[str, int]]) -> None:
    """Write the rows' current state from the database: re-index those that exist, drop the others."""
    keys = set(keys)
    if not keys:
        return
    app = current_app._get_current_object()
    with _locked():
        ix, built = _open_index(app)
        if built:
            return  # the new index holds these rows already
        if REBUILD in keys:
            _rebuild(ix, app)
            return
        writer = _writer(ix)
        try:
            adapter = app.url_map.bind("localhost")
            with Session(db.engine) as session:
                documents = []
                for kind, ids in _resolve(session, keys).items():
                    for id in ids:  # every key once, before the adds (update_document searches per document)
                        writer.delete_by_term("key", f"{kind}:{id}")
                    documents += [document(obj, adapter) for obj in _load(session, kind, ids)]
            for fields in documents:
                writer.add_document(**fields)
            writer.commit()
        except BaseException:
            writer.cancel()
            raise


class _locked:
    def __enter__(self) -> None:
        if not _LOCK.acquire(timeout=WRITE_TIMEOUT):
            raise TimeoutError("the search index is busy")

    def __exit__(self, *exc: Any) -> None:
        _LOCK.release()


# ---- session events -----------------------------------------------------------------------------------------
def init_app(app: Flask) -> None:
    """Keep this app's index in step with its database."""
    app.extensions[EXTENSION] = True
    if app.testing:
        # A test's writes reach the index before its app context closes: nothing is left to write into the next
        # test (whose database the old keys would be read from). Servers never wait here.
        app.teardown_appcontext(_flush_at_teardown)
    for name, listener in (("before_flush", _before_flush), ("after_flush", _after_flush),
                           ("before_commit", _before_commit), ("after_commit", _after_commit),
                           ("after_rollback", _after_rollback)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


def _flush_at_teardown(_error: BaseException | None) -> None:
    # The context's session gives its connection back first: twenty test requests waiting here while holding
    # connections would leave the writer thread none.
    db.session.remove()
    flush()


def _enabled() -> bool:
    return has_app_context() and current_app.extensions.get(EXTENSION, False)


def _before_flush(session: Session, _context: Any, _instances: Any) -> None:
    # Rows about to be deleted still exist: read what they belong to (a stage's roadmap) now.
    if _enabled() and session.deleted:
        _collect(session, lambda: [k for obj in session.deleted for k in _touched(obj)])


def _after_flush(session: Session, _context: Any) -> None:
    if _enabled():
        _collect(session, lambda: [k for obj in (*session.new, *session.dirty) for k in _touched(obj)]
                 + [k for obj in session.deleted for k in _touched(obj, load=False)])


def _collect(session: Session, keys) -> None:
    pending = session.info.setdefault(_PENDING, set())
    try:
        with session.no_autoflush:
            pending.update(keys())
    except Exception:  # never fail a save: rebuild the whole index after the commit instead
        log.exception("Search index: changed rows not collected; the index will be rebuilt")
        pending.add(REBUILD)


def _before_commit(session: Session) -> None:
    # On PostgreSQL the documents are written by the save's own transaction (postgres_engine.py): every host finds
    # them at once. A released savepoint is not a commit: its keys wait for the outer one.
    if _enabled() and search_postgres.is_postgresql(session.get_bind()) and not session.in_nested_transaction():
        session.flush()  # its changed rows are collected by _after_flush
        search_postgres.write_pending(session, session.info.pop(_PENDING, None), lambda obj: document(obj))


def _after_commit(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint: the outer transaction may still roll back
        return
    keys = session.info.pop(_PENDING, None)
    if not keys or not _enabled():
        return
    _WRITER.put(current_app._get_current_object(), keys)


# update is looked up when called, so that tests can wrap it.
_WRITER = IndexWriter(lambda keys: update(keys))
# A forked child (a server worker) has no writer thread, and the lock may have been held when it forked.
os.register_at_fork(after_in_child=_WRITER._reset)


def flush(timeout: float | None = WRITE_TIMEOUT) -> bool:
    """Wait until this process has written every committed change to the index: False if still busy after
    `timeout` seconds (another process holds the index longer)."""
    return _WRITER.flush(timeout)


atexit.register(flush)


def _after_rollback(session: Session) -> None:
    # A savepoint rolled back keeps the keys: re-reading a row that did not change costs nothing.
    if not session.in_nested_transaction():
        session.info.pop(_PENDING, None)


# ---- searching (what is read, and how hits look: reader.py) ---------------------------------------
def terms(text: str) -> list[str]:
    """The stems to search for: words only, so no character or word of Whoosh's query syntax gets through."""
    words = re.findall(r"\w+", text[:MAX_QUERY_CHARS].lower())
    stems: list[str] = []
    for token in QUERY_ANALYZER(" ".join(words)):
        if token.text not in stems:
            stems.append(token.text)
    return stems[:MAX_TERMS]


def _query(stems: list[str]) -> Query:
    # Any word may match (more matched words score higher); the title's boost lifts title matches. A word typed in
    # part is no match here (on PostgreSQL the last word is a prefix): a Prefix branch would score a full word
    # twice and reorder the results.
    return Or([Or([Term("title", stem), Term("body", stem)]) for stem in stems], scale=0.9)

def _allowed(user: Any) -> list[int] | None | bool:
    """The organisations whose rows the user may see: None for all, False for none."""
    if user is None:
        return None
    organisations = permissions.organisation_ids(user)
    if organisations is None:
        return None
    return sorted(organisations) or False


def _run(text: str, user: Any, kind: str | None, collect) -> Results:
    stems = terms(text)
    allowed = _allowed(user)
    if not stems or allowed is False:
        return Results(query=text, terms=stems)
    app = current_app._get_current_object()
    flush(READ_WAIT)  # what this process committed is searchable: an editor finds what they have just saved
    path = index_path(app)
    try:
        for attempt in range(READ_ATTEMPTS):
            results = Results(query=text, terms=stems)
            try:
                if search_reader.generation(path, INDEX_NAME) is None:
                    with _locked():
                        _open_index(app)
                reader = search_reader.reader(path, INDEX_NAME)
                collect(reader, _query(stems), search_reader.restriction(reader, allowed, kind), results)
                return results
            except FileNotFoundError:
                # Whoosh lists the newest table of contents and then opens it (and its segments); a writer
                # committing in between removes them. The next try reads the new ones: readers take no lock.
                search_reader.forget(path, INDEX_NAME)
                if attempt == READ_ATTEMPTS - 1:
                    raise
                time.sleep(0.01 * (attempt + 1))
    except Exception as error:  # a broken or unbuildable index is a message on the page, not a 500
        search_reader.forget(path, INDEX_NAME)
        log.exception("Search index unreadable")
        raise SearchError(str(error)) from error
    return Results(query=text, terms=stems)


READ_ATTEMPTS = 5
READ_WAIT = 5.0  # seconds a search waits for this process's queued index writes before it reads what there is


def _on_postgresql() -> bool:
    return search_postgres.is_postgresql(db.engine)


def search(text: str, user: Any, *, kind: str | None = None, page: int = 1, per_page: int = 20,
           highlights: bool = True) -> Results:
    """One page of results, best first. `user` None searches everything (the command line without --as)."""
    if _on_postgresql():
        return search_postgres.search_as(text, terms(text), _allowed(user), kind=kind if kind in KINDS else None,
                                         page=page, per_page=per_page, highlights=highlights)
    return _run(text, user, kind if kind in KINDS else None,
                lambda reader, query, restriction, results: search_reader.collect_page(
                    reader, query, restriction, results, page=page, per_page=per_page, highlights=highlights))


def search_grouped(text: str, user: Any, *, per_group: int = 5) -> Results:
    """Results grouped by kind: each group's count and its best hits; the group with the best hit first."""
    if _on_postgresql():
        return search_postgres.grouped_as(text, terms(text), _allowed(user), per_group=per_group)
    return _run(text, user, None,
                lambda reader, query, restriction, results: search_reader.collect_grouped(
                    reader, query, restriction, results, per_group=per_group))
