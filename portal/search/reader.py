"""Reading the admin search index: one open searcher per thread and index, reused while the index is unchanged;
what a page of results holds (`collect_page`, `collect_grouped`) and how hits look. portal/search/whoosh_engine.py owns the
index (schema, writing, creating a missing one) and calls this module to read it.

Opening a Whoosh index for every query costs more than the query (reading the table of contents, unpickling the
schema, opening every segment), and each opening unpickles its own analyzer, so the stem cache that highlighting
relies on starts cold each time. A searcher is kept per thread (Whoosh readers share file positions, so one
searcher must not serve two threads at once) and per index directory; before each use a directory listing tells
whether a writer committed since (`generation`). If so, a new searcher is made that keeps the segment readers
whose segment has not changed.

Whoosh's own ``Searcher.refresh()`` is not used: it keys reusable readers on the segment id alone, so a segment
that gained deletions (an updated or deleted document) would keep its old reader and show the old document next to
the new one, and it also carries over segments that a merge removed.
"""
from __future__ import annotations

import os
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape
from whoosh import highlight, index
from whoosh.filedb.filestore import FileStorage
from whoosh.reading import EmptyReader, MultiReader, SegmentReader
from whoosh.query import Query, Term
from whoosh.searching import Searcher

from portal.search.documents import KINDS

MAX_OPEN = 4  # indexes a thread keeps open (one in production; tests make one per test)

_local = threading.local()


class SearchError(Exception):
    """The index cannot be read; `portal search reindex` rebuilds it."""


@dataclass
class Reader:
    """One thread's open view of one index generation, and what is worked out once per generation."""

    searcher: Searcher
    generation: tuple[int, int, int]  # TOC generation, inode and modification time (a rebuilt index restarts at 0)
    cache: dict[Any, Any] = field(default_factory=dict)  # e.g. the documents of each kind


def generation(path: Path, name: str) -> tuple[int, int, int] | None:
    """The newest table of contents (None: no index): a directory listing and a stat, far cheaper than opening
    it."""
    try:
        storage = FileStorage(str(path))
        number = index.TOC._latest_generation(storage, name)
        if number < 0:
            return None
        stat = os.stat(path / index.TOC._filename(name, number))
    except FileNotFoundError:
        return None
    return number, stat.st_ino, stat.st_mtime_ns


def _segment_key(segment: Any) -> tuple[str, int]:
    # Deletions are kept in the table of contents, not in the segment's files: a segment that gained deletions
    # needs a new reader. Deletions only ever grow, so the count tells the state.
    return segment.segment_id(), segment.deleted_count()


def _open(path: Path, name: str, old: Reader | None) -> Reader:
    """A searcher over the newest generation, keeping the old one's readers of unchanged segments.

    Raises FileNotFoundError when a writer removes the files of the generation being opened (the caller retries).
    """
    before = generation(path, name)
    if before is None:
        raise FileNotFoundError(f"no search index in {path}")
    ix = index.open_dir(str(path), indexname=name)
    toc = ix._read_toc()
    reusable: dict[tuple[str, int], SegmentReader] = {}
    schema = toc.schema
    if old is not None:
        old_leaves = [leaf for leaf, _offset in old.searcher.reader().leaf_readers()]
        reusable = {_segment_key(leaf.segment()): leaf for leaf in old_leaves if leaf.segment() is not None}
        if old_leaves:
            schema = old_leaves[0].schema  # this thread's schema: its analyzer's stem cache is warm already
    leaves, created = [], []
    try:
        for segment in toc.segments:
            leaf = reusable.pop(_segment_key(segment), None)
            if leaf is None:
                leaf = SegmentReader(ix.storage, schema, segment, generation=toc.generation)
                created.append(leaf)
            leaves.append(leaf)
    except BaseException:  # the old searcher still owns the readers it lent
        for leaf in created:
            leaf.close()
        raise
    if not leaves:
        combined = EmptyReader(schema)
    elif len(leaves) == 1:
        combined = leaves[0]
    else:
        combined = MultiReader(leaves, generation=toc.generation)
    for unused in reusable.values():  # segments merged away or with new deletions
        unused.close()
    # A commit between the listing and the opening: a generation that matches nothing, so the next use reopens.
    opened = (toc.generation, *before[1:]) if toc.generation == before[0] else (toc.generation, -1, -1)
    return Reader(Searcher(combined), opened)


def reader(path: Path, name: str) -> Reader:
    """This thread's reader of the index, up to date with the last commit."""
    readers: OrderedDict[tuple[str, str], Reader] = _local.__dict__.setdefault("readers", OrderedDict())
    key = (str(path), name)
    current = readers.get(key)
    toc = generation(path, name)
    if current is not None and toc is not None and current.generation == toc:
        readers.move_to_end(key)
        return current
    if current is not None and toc is None:  # the index was removed: nothing of it can be reused
        forget(path, name)
        current = None
    fresh = _open(path, name, current)
    readers[key] = fresh
    readers.move_to_end(key)
    while len(readers) > MAX_OPEN:
        _key, evicted = readers.popitem(last=False)
        evicted.searcher.close()
    return fresh


def forget(path: Path, name: str) -> None:
    """Close this thread's reader of the index (after an error, or when the index was removed)."""
    readers = _local.__dict__.get("readers")
    current = readers.pop((str(path), name), None) if readers else None
    if current is not None:
        try:
            current.searcher.close()
        except Exception:  # noqa: BLE001 — a reader of removed files may fail to close; it is dropped anyway
            pass


# ---- results -------------------------------------------------------------------------------------------------
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


def _docs(reader: Reader, field_name: str, value: str) -> set[int]:
    """The documents with this value of an ID field, worked out once per index generation and thread (read-only:
    Whoosh takes a filter of document numbers as a set, not a frozenset)."""
    key = (field_name, value)
    docs = reader.cache.get(key)
    if docs is None:
        docs = reader.cache[key] = set(reader.searcher.docs_for_query(Term(field_name, value)))
    return docs


def restriction(reader: Reader, allowed: list[int] | None, kind: str | None) -> set[int] | None:
    """The documents the search may return (the user's organisations, the kind), or None for all of them."""
    docs = None
    if allowed is not None:
        docs = set().union(*(_docs(reader, "organisation_id", str(id)) for id in allowed))
    if kind:
        docs = _docs(reader, "kind", kind) if docs is None else docs & _docs(reader, "kind", kind)
    return docs


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


def _count(searcher: Searcher, query: Query, restriction: set[int] | None) -> int:
    # Counted here: Whoosh's own count of a limited, filtered search is wrong (all documents when the filter
    # matches none, fewer than all when it skips blocks).
    docs = searcher.docs_for_query(query)
    return len(restriction.intersection(docs)) if restriction is not None else len(set(docs))


def collect_page(reader: Reader, query: Query, restriction: set[int] | None, results: Results, *, page: int,
                 per_page: int, highlights: bool) -> None:
    searcher = reader.searcher
    results.total = _count(searcher, query, restriction)
    results.pages = -(-results.total // per_page)
    results.page = min(max(page, 1), max(results.pages, 1))
    if not results.total:
        return
    found = _styled(searcher.search(query, limit=results.page * per_page, filter=restriction))
    results.hits = [_hit(h, highlights) for h in found[(results.page - 1) * per_page:]]


def _kind_of(reader: Reader) -> dict[int, str]:
    """Each document's kind, once per generation (reading Whoosh's column per hit costs more than the search)."""
    kinds = reader.cache.get("kind of")
    if kinds is None:
        kinds = reader.cache["kind of"] = {doc: kind for kind in KINDS for doc in _docs(reader, "kind", kind)}
    return kinds


def collect_grouped(reader: Reader, query: Query, restriction: set[int] | None, results: Results, *,
                    per_group: int) -> None:
    searcher = reader.searcher
    found = _styled(searcher.search(query, limit=None, filter=restriction))  # scored once, best first
    matched = {docnum for _score, docnum in found.top_n}
    totals = {kind: len(matched.intersection(_docs(reader, "kind", kind))) for kind in KINDS}
    kind_of = _kind_of(reader)
    groups: dict[str, Group] = {}
    to_fill = sum(min(total, per_group) for total in totals.values())
    for position, (_score, docnum) in enumerate(found.top_n):
        if not to_fill:
            break  # every group has its best hits: the rest only counts, and that is done
        kind = kind_of[docnum]
        group = groups.setdefault(kind, Group(kind, totals[kind], []))
        if len(group.hits) < per_group:
            group.hits.append(_hit(found[position], True))
            to_fill -= 1
    results.groups = list(groups.values())  # in the order of their best hits
    results.total = sum(group.total for group in results.groups)
    results.pages = 1 if results.total else 0
