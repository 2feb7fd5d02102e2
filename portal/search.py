"""Admin search with Whoosh: the only module that imports whoosh.

Every content type is indexed, drafts included, with Russian stemming; titles weigh more than bodies. The index
lives in ``<INSTANCE_PATH>/search-index/`` and follows the database after each COMMIT: session events collect the
changed rows (after_flush; before_flush for deleted rows, which can still be read then), write them once the
transaction is committed (after_commit) and forget them when it is rolled back. The index never breaks a save: a
failure is logged and ``portal search reindex`` repairs it.

Single writer: one process-wide lock orders the writers of this process; Whoosh's own write lock, waited for with
retries, orders processes. A writer takes both locks *before* it reads the rows from the database, so the last
writer always writes what the database holds now, whatever order two saves commit in.
"""
from __future__ import annotations

import logging
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import sqlalchemy as sa
from flask import Flask, current_app, has_app_context
from markupsafe import Markup, escape
from sqlalchemy import event
from sqlalchemy.orm import Session
from whoosh import highlight, index, writing
from whoosh.analysis import LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.fields import ID, STORED, TEXT, Schema
from whoosh.lang import stopwords_for_language
from whoosh.query import And, Or, Query, Term

from portal import permissions
from portal.extensions import db
# What is indexed lives in search_documents.py (no whoosh there); these names stay part of this module's API.
from portal.search_documents import KIND_OF, KINDS, Kind, document, plain  # noqa: F401
from portal.search_documents import _load, _resolve, _touched

log = logging.getLogger(__name__)

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


class SearchError(Exception):
    """The index cannot be read; `portal search reindex` rebuilds it."""


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
    return ix.writer(timeout=WRITE_TIMEOUT, delay=0.05)


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
                for kind, ids in _resolve(session, keys).items():
                    found = set()
                    for obj in _load(session, kind, ids):
                        writer.update_document(**document(obj, adapter))
                        found.add(obj.id)
                    for id in ids - found:
                        writer.delete_by_term("key", f"{kind}:{id}")
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
    for name, listener in (("before_flush", _before_flush), ("after_flush", _after_flush),
                           ("after_commit", _after_commit),
                           ("after_rollback", _after_rollback)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


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


def _after_commit(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint: the outer transaction may still roll back
        return
    keys = session.info.pop(_PENDING, None)
    if not keys or not _enabled():
        return
    try:
        update(keys)
    except Exception:  # the commit stands; `portal search reindex` repairs the index
        log.exception("Search index not updated for %d rows; run `portal search reindex`", len(keys))


def _after_rollback(session: Session) -> None:
    # A savepoint rolled back keeps the keys: re-reading a row that did not change costs nothing.
    if not session.in_nested_transaction():
        session.info.pop(_PENDING, None)


# ---- searching ----------------------------------------------------------------------------------------------
@dataclass
class Hit:
    kind: str
    id: int
    title: str
    url: str
    score: float
    organisation_id: int | None
    title_html: Markup = Markup("")
    fragment_html: Markup = Markup("")

    @property
    def label(self) -> str:
        return KINDS[self.kind].label


@dataclass
class Group:
    kind: str
    total: int
    hits: list[Hit]

    @property
    def heading(self) -> str:
        return KINDS[self.kind].heading


@dataclass
class Results:
    query: str
    terms: list[str]  # the stems searched for; empty when the query has no word to search (only stop words)
    total: int = 0
    hits: list[Hit] = field(default_factory=list)  # this page, best first
    groups: list[Group] = field(default_factory=list)  # search_grouped: by kind, the best group first
    page: int = 1
    pages: int = 0


def terms(text: str) -> list[str]:
    """The stems to search for: words only, so no character or word of Whoosh's query syntax gets through."""
    words = re.findall(r"\w+", text[:MAX_QUERY_CHARS].lower())
    stems: list[str] = []
    for token in QUERY_ANALYZER(" ".join(words)):
        if token.text not in stems:
            stems.append(token.text)
    return stems[:MAX_TERMS]


def _query(stems: list[str]) -> Query:
    # Any word may match (more matched words score higher); the title's boost lifts title matches.
    return Or([Or([Term("title", stem), Term("body", stem)]) for stem in stems], scale=0.9)


def _allowed(user: Any) -> Query | None | bool:
    """The filter of rows the user may see: None for all, False for none."""
    if user is None:
        return None
    organisations = permissions.organisation_ids(user)
    if organisations is None:
        return None
    if not organisations:
        return False
    return Or([Term("organisation_id", str(id)) for id in sorted(organisations)])


class _MatchFormatter(highlight.Formatter):
    """Escaped text; matched words in <b class="match">."""

    between = " … "

    def _text(self, text: str) -> str:
        return str(escape(text))

    def format_token(self, text: str, token: Any, replace: bool = False) -> str:
        return f'<b class="match">{escape(highlight.get_text(text, token, replace))}</b>'


_FORMATTER = _MatchFormatter()
_TITLE_HIGHLIGHTER = highlight.Highlighter(fragmenter=highlight.WholeFragmenter(), formatter=_FORMATTER)


def _styled(results: Any) -> Any:
    results.fragmenter = highlight.ContextFragmenter(maxchars=240, surround=60)
    results.formatter = _FORMATTER
    return results


def _hit(whoosh_hit: Any, with_html: bool) -> Hit:
    stored = whoosh_hit.fields()
    hit = Hit(kind=stored["kind"], id=stored["id"], title=stored["title"], url=stored.get("url", ""),
              score=round(whoosh_hit.score, 3),
              organisation_id=int(stored["organisation_id"]) if stored["organisation_id"] else None)
    if with_html:
        title = _TITLE_HIGHLIGHTER.highlight_hit(whoosh_hit, "title", top=1)
        hit.title_html = Markup(title or escape(hit.title))
        fragment = whoosh_hit.highlights("body", top=2)
        body = stored.get("body", "")
        fragment = fragment or str(escape(body[:200] + ("…" if len(body) > 200 else "")))
        hit.fragment_html = Markup(fragment.replace("\n", " · "))  # the body's parts are lines
    return hit


def _run(text: str, user: Any, kind: str | None, collect) -> Results:
    stems = terms(text)
    allowed = _allowed(user)
    if not stems or allowed is False:
        return Results(query=text, terms=stems)
    restriction = [q for q in (allowed, Term("kind", kind) if kind else None) if q is not None]
    query_filter = And(restriction) if len(restriction) > 1 else (restriction[0] if restriction else None)
    app = current_app._get_current_object()
    try:
        path = index_path(app)
        for attempt in range(READ_ATTEMPTS):
            results = Results(query=text, terms=stems)
            try:
                if not index.exists_in(str(path), indexname=INDEX_NAME):
                    with _locked():
                        _open_index(app)
                with index.open_dir(str(path), indexname=INDEX_NAME).searcher() as searcher:
                    collect(searcher, _query(stems), query_filter, results)
                return results
            except FileNotFoundError:
                # Whoosh lists the newest table of contents and then opens it (and its segments); a writer
                # committing in between removes them. The next try reads the new ones: readers take no lock.
                if attempt == READ_ATTEMPTS - 1:
                    raise
                time.sleep(0.01 * (attempt + 1))
    except Exception as error:  # a broken or unbuildable index is a message on the page, not a 500
        log.exception("Search index unreadable")
        raise SearchError(str(error)) from error
    return Results(query=text, terms=stems)


READ_ATTEMPTS = 5


def _count(searcher: Any, query: Query, restriction: Query | None) -> int:
    # Counted here: Whoosh's own count of a limited, filtered search is wrong (all documents when the filter
    # matches none, fewer than all when it skips blocks).
    docs = set(searcher.docs_for_query(query))
    return len(docs & set(searcher.docs_for_query(restriction))) if restriction is not None else len(docs)


def search(text: str, user: Any, *, kind: str | None = None, page: int = 1, per_page: int = 20,
           highlights: bool = True) -> Results:
    """One page of results, best first. `user` None searches everything (the command line without --as)."""

    def collect(searcher, query, query_filter, results: Results) -> None:
        results.total = _count(searcher, query, query_filter)
        results.pages = -(-results.total // per_page)
        results.page = min(max(page, 1), max(results.pages, 1))
        found = _styled(searcher.search(query, limit=results.page * per_page, filter=query_filter))
        results.hits = [_hit(h, highlights) for h in found[(results.page - 1) * per_page:]]

    return _run(text, user, kind if kind in KINDS else None, collect)


def search_grouped(text: str, user: Any, *, per_group: int = 5) -> Results:
    """Results grouped by kind: each group's count and its best hits; the group with the best hit first."""

    def collect(searcher, query, query_filter, results: Results) -> None:
        found = _styled(searcher.search(query, limit=None, filter=query_filter))  # scored once, best first
        kinds = searcher.reader().column_reader("kind")  # the kind without loading stored fields
        groups: dict[str, Group] = {}
        for position, (_score, docnum) in enumerate(found.top_n):
            kind = kinds[docnum]
            group = groups.setdefault(kind, Group(kind, 0, []))
            group.total += 1
            if len(group.hits) < per_group:
                group.hits.append(_hit(found[position], True))
        results.groups = list(groups.values())  # in the order of their best hits
        results.total = sum(group.total for group in results.groups)
        results.pages = 1 if results.total else 0

    return _run(text, user, None, collect)
