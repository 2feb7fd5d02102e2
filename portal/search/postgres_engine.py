"""The admin search on PostgreSQL: full-text search in the database, the engine the search package uses when the
database is PostgreSQL (Whoosh stays the engine on SQLite). The only module that issues full-text SQL.

- Documents (documents.py: title, plain text, organisation, admin address) are rows of
  `search_entry`, written by the save's own transaction before it commits: every host finds a save at once, and
  a rolled-back save leaves no trace. No writer thread, no files in the instance folder.
- `document` is `setweight(to_tsvector('russian', title), 'A') || setweight(…body…, 'B')` under a GIN index:
  Russian stemming; it decides what matches. Results are ranked by `rank_document`, the same over the title and
  the body's first LEAD_CHARS characters (the summary, where a row has one), with ts_rank: titles above bodies
  (weights 1.0 and 0.4), a row that names the words early above one that mentions them deep in its text. Ranking
  every match of a broad query by its whole document (ts_rank_cd) was most of the query: 50–66 ms for 9 000–
  17 000 matches at scale 1, against 11–15 ms this way; the window that picks each kind's best carries only
  keys and scores, and the shown rows are joined back for their texts.
- A query's words are OR-ed as in the Whoosh engine (more matched words rank higher), and the last word typed
  matches as a prefix: «наставн» finds «наставники».
- What a curator may see is a WHERE on `organisation_id`; highlights come from ts_headline with control
  characters as markers, so that the text is escaped before the markers become <b>.
"""
from __future__ import annotations

import logging
import re
from contextlib import contextmanager
from typing import Any, Callable, Iterable, Iterator

import sqlalchemy as sa
from markupsafe import Markup, escape
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from whoosh.lang import stopwords_for_language

from portal.extensions import db
from portal.models import SearchEntry
from portal.search.documents import KINDS, _load, _resolve, document
from portal.search.reader import Group, Hit, Results, SearchError

log = logging.getLogger("portal.search")
STOP_WORDS = frozenset(stopwords_for_language("ru"))  # the same list as the Whoosh engine's

CONFIG = "russian"
MAX_QUERY_CHARS = 200
MAX_WORDS = 16
START, STOP = "\x02", "\x03"  # ts_headline's markers: never in stored text, escaped around


def is_postgresql(bind: Any) -> bool:
    return bind is not None and bind.dialect.name == "postgresql"


LEAD_CHARS = 400  # of the body, in the ranking document; a change needs a reindex (`portal search reindex`)


def _vector(title: Any, body: Any) -> Any:
    config = sa.literal_column(f"'{CONFIG}'::regconfig")
    return (sa.func.setweight(sa.func.to_tsvector(config, title), sa.literal_column("'A'::\"char\""))
            .op("||")(sa.func.setweight(sa.func.to_tsvector(config, body), sa.literal_column("'B'::\"char\""))))


def _upsert_statement() -> Any:
    """One statement for every write, built once: a save binds its values and compiles nothing (building and
    compiling a statement of literals was 2 of the 4 ms a save's document took). The table's, not the model's:
    a list of values is then an executemany, not the ORM's bulk insert."""
    text = {name: sa.bindparam(name, type_=sa.Text) for name in ("title", "body", "lead")}
    statement = insert(SearchEntry.__table__).values(
        key=sa.bindparam("key_"), kind=sa.bindparam("kind_"), object_id=sa.bindparam("object_id_"),
        organisation_id=sa.bindparam("organisation_id_"), title=text["title"], body=text["body"],
        url=sa.bindparam("url_"), document=_vector(text["title"], text["body"]),
        rank_document=_vector(text["title"], text["lead"]))
    excluded = statement.excluded
    return statement.on_conflict_do_update(
        index_elements=[SearchEntry.key],
        set_={"kind": excluded.kind, "object_id": excluded.object_id, "organisation_id": excluded.organisation_id,
              "title": excluded.title, "body": excluded.body, "url": excluded.url, "document": excluded.document,
              "rank_document": excluded.rank_document})


_UPSERT = _upsert_statement()


def _upsert(session: Session, rows: list[dict]) -> None:
    if rows:
        session.execute(_UPSERT, [
            {"key_": r["key"], "kind_": r["kind"], "object_id_": r["id"],
             "organisation_id_": int(r["organisation_id"]) if r["organisation_id"] else None,
             "title": r["title"], "body": r["body"], "lead": r["body"][:LEAD_CHARS], "url_": r["url"]}
            for r in rows])


def write(session: Session, keys: Iterable[tuple[str, int]], document_of: Callable[[Any], dict] = document) -> None:
    """Bring the documents of these keys in step with the rows, inside the caller's transaction: the rows found are
    written over their documents, and the documents of rows gone are deleted."""
    keys = set(keys)
    if ("*", 0) in keys:
        rebuild(session, document_of)
        return
    for kind, ids in _resolve(session, keys).items():
        rows = [document_of(obj) for obj in _load(session, kind, ids)]
        gone = {f"{kind}:{id}" for id in ids} - {row["key"] for row in rows}
        if gone:
            session.execute(sa.delete(SearchEntry).where(SearchEntry.key.in_(sorted(gone))))
        _upsert(session, rows)


def rebuild(session: Session, document_of: Callable[[Any], dict] = document) -> int:
    """Every document anew, in the caller's transaction: readers see the old set until it commits."""
    session.execute(sa.delete(SearchEntry))
    count = 0
    for kind in KINDS:
        model = KINDS[kind].model
        rows = [document_of(obj) for obj in _load(session, kind, session.scalars(sa.select(model.id)))]
        for start in range(0, len(rows), 500):
            _upsert(session, rows[start:start + 500])
        count += len(rows)
    return count


def words(text: str) -> list[str]:
    """The words of a query: letters and digits only, so nothing of tsquery's syntax gets through."""
    found: list[str] = []
    for word in re.findall(r"\w+", text[:MAX_QUERY_CHARS].lower().replace("ё", "е")):
        if word not in found:
            found.append(word)
    return found[:MAX_WORDS]


def _tsquery(found: list[str]) -> Any:
    # to_tsquery stems each word with the Russian dictionary and drops stop words; `:*` makes the last a prefix.
    text = " | ".join(found[:-1] + [f"{found[-1]}:*"])
    return sa.func.to_tsquery(sa.literal_column(f"'{CONFIG}'::regconfig"), text)


def _where(query: Any, allowed: list[int] | None, kind: str | None) -> list[Any]:
    conditions = [SearchEntry.document.op("@@")(query)]
    if allowed is not None:
        conditions.append(SearchEntry.organisation_id.in_(allowed))
    if kind:
        conditions.append(SearchEntry.kind == kind)
    return conditions


def _headline(column: Any, query: Any, options: str) -> Any:
    return sa.func.ts_headline(sa.literal_column(f"'{CONFIG}'::regconfig"), column, query,
                               f"StartSel={START}, StopSel={STOP}, {options}")


def _marked(text: str | None) -> Markup:
    return Markup(str(escape(text or "")).replace(START, '<b class="match">').replace(STOP, "</b>"))


def _score(query: Any) -> Any:
    return sa.func.ts_rank(SearchEntry.rank_document, query)


def _shown(chosen: Any, query: Any, highlights: bool) -> Any:
    """The chosen keys (a subquery with their score) joined back to their rows for what a hit shows, the title and
    a fragment marked up in the same statement when asked: ts_headline reads the whole body, so it runs only on
    the rows shown (one round trip for all of them, not one per hit)."""
    entry = SearchEntry.__table__.alias("shown")
    columns = [chosen, entry.c.object_id, entry.c.title, entry.c.url, entry.c.organisation_id]
    if highlights:
        columns += [_headline(entry.c.title, query, "HighlightAll=true").label("title_marked"),
                    _headline(entry.c.body, query, 'MaxFragments=2, MaxWords=30, MinWords=12, '
                                                   'FragmentDelimiter=" … "').label("fragment_marked")]
    return sa.select(*columns).join(entry, entry.c.key == chosen.c.key)


@contextmanager
def _matches_through_the_index(session: Session) -> Iterator[None]:
    """Make the statements inside find the matching rows through the GIN index (a bitmap scan), for this transaction
    only. A broad query matches a third to a half of the rows, and PostgreSQL then estimates a sequential scan as
    cheaper: it does not know that `@@` on every row of the table costs more (53 ms at scale 1) than reading the
    pages the index names (12–16 ms)."""
    session.execute(sa.text("SET LOCAL enable_seqscan = off"))
    session.execute(sa.text("SET LOCAL enable_indexscan = off"))  # else it walks ix_search_entry_kind for the order
    yield
    # Not after a failed statement: its transaction is rolled back, which undoes SET LOCAL anyway (and a reset in the
    # aborted transaction would fail, hiding the error).
    session.execute(sa.text("SET LOCAL enable_seqscan TO DEFAULT"))
    session.execute(sa.text("SET LOCAL enable_indexscan TO DEFAULT"))


def _hits(rows: Iterable[Any], highlights: bool) -> list[Hit]:
    hits = []
    for row in rows:
        hit = Hit(kind=row.kind, id=row.object_id, title=row.title, url=row.url, score=round(float(row.score), 3),
                  organisation_id=row.organisation_id)
        if highlights:
            hit.title_html = _marked(row.title_marked)
            hit.fragment_html = Markup(_marked(row.fragment_marked).replace("\n", " · "))
        hits.append(hit)
    return hits


def search(session: Session, text: str, found: list[str], terms: list[str], allowed: list[int] | None, *,
           kind: str | None, page: int, per_page: int, highlights: bool) -> Results:
    """`found`: the query's words without stop words; `terms`: their stems, as the results page shows them."""
    results = Results(query=text, terms=terms)
    if not found:
        return results
    query = _tsquery(found)
    conditions = _where(query, allowed, kind)
    results.total = session.scalar(sa.select(sa.func.count()).select_from(SearchEntry).where(*conditions)) or 0
    results.pages = -(-results.total // per_page)
    results.page = min(max(page, 1), max(results.pages, 1))
    if not results.total:
        return results
    score = _score(query).label("score")
    page_rows = (sa.select(SearchEntry.key, SearchEntry.kind, score).where(*conditions)
                 .order_by(score.desc(), SearchEntry.key)
                 .limit(per_page).offset((results.page - 1) * per_page).subquery())
    with _matches_through_the_index(session):
        rows = session.execute(_shown(page_rows, query, highlights)
                               .order_by(page_rows.c.score.desc(), page_rows.c.key)).all()
    results.hits = _hits(rows, highlights)
    return results


def search_grouped(session: Session, text: str, found: list[str], terms: list[str], allowed: list[int] | None, *,
                   per_group: int) -> Results:
    results = Results(query=text, terms=terms)
    if not found:
        return results
    query = _tsquery(found)
    conditions = _where(query, allowed, None)
    score = _score(query)
    # Keys and scores only through the window: the texts of the few rows shown are joined back afterwards.
    ranked = sa.select(
        SearchEntry.key, SearchEntry.kind, score.label("score"),
        sa.func.row_number().over(partition_by=SearchEntry.kind, order_by=(score.desc(), SearchEntry.object_id))
        .label("place"),
        sa.func.count().over(partition_by=SearchEntry.kind).label("total")).where(*conditions).subquery()
    # The limit changes nothing (at most per_group rows of each kind) but tells the planner how few rows are joined
    # back: without it, it expected thousands and read the whole table to join them.
    best = sa.select(ranked).where(ranked.c.place <= per_group).limit(per_group * len(KINDS)).subquery()
    with _matches_through_the_index(session):
        rows = session.execute(_shown(best, query, True)
                               .order_by(best.c.score.desc(), best.c.kind, best.c.place)).all()
    groups: dict[str, Group] = {}
    for row, hit in zip(rows, _hits(rows, True)):
        groups.setdefault(row.kind, Group(row.kind, row.total, [])).hits.append(hit)
    results.groups = list(groups.values())  # in the order of their best hits
    results.total = sum(group.total for group in results.groups)
    results.pages = 1 if results.total else 0
    return results


def is_empty(session: Session) -> bool:
    return session.execute(sa.select(SearchEntry.key).limit(1)).first() is None


# ---- what the search package calls ----------------------------------------------------------------------------
def write_pending(session: Session, keys: Iterable[tuple[str, int]] | None, document_of: Callable) -> None:
    """The keys a transaction changed, written before it commits, in a savepoint of their own: a failing document
    never fails the save (`portal search reindex` repairs the index)."""
    if not keys:
        return
    try:
        with session.begin_nested(), session.no_autoflush:
            write(session, keys, document_of)
    except Exception:
        log.exception("Search index not updated for %d rows; run `portal search reindex`", len(keys))


def reindex() -> int:
    with Session(db.engine) as session:
        count = rebuild(session)
        session.commit()
    return count


def _run(text: str, terms: list[str], allowed: list[int] | None | bool, run: Callable) -> Results:
    """The query's words without stop words (PostgreSQL stems them itself), on the request's session, after a
    first fill of an empty table (a database migrated with rows in it); a database error is a message, not a 500.
    `terms` are the stems the results page shows, as the Whoosh engine gives them."""
    found = [word for word in words(text) if word not in STOP_WORDS]
    if not found or allowed is False:
        return Results(query=text, terms=terms)
    try:
        if is_empty(db.session) and any(
                db.session.execute(sa.select(kind.model.id).limit(1)).first() for kind in KINDS.values()):
            reindex()
        return run(db.session, found)
    except sa.exc.SQLAlchemyError as error:
        log.exception("Search failed")
        raise SearchError(str(error)) from error


def search_as(text: str, terms: list[str], allowed: list[int] | None | bool, *, kind: str | None, page: int,
              per_page: int, highlights: bool) -> Results:
    return _run(text, terms, allowed, lambda session, found: search(
        session, text, found, terms, allowed, kind=kind, page=page, per_page=per_page, highlights=highlights))


def grouped_as(text: str, terms: list[str], allowed: list[int] | None | bool, *, per_group: int) -> Results:
    return _run(text, terms, allowed, lambda session, found: search_grouped(
        session, text, found, terms, allowed, per_group=per_group))
