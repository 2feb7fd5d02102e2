"""The admin search: what the admin's search box and `portal search` call, whatever engine answers.

- documents.py: what is indexed (one document per row, the rows a change touches); no engine there;
- whoosh_engine.py: the Whoosh engine (the index in the instance folder, kept in step with commits), and the
  collection of what a save changes, which on PostgreSQL it hands to
- postgres_engine.py: PostgreSQL's full-text search (a table written by the save's own transaction);
- reader.py: Whoosh's kept searchers and how a page of hits is collected.

Only this package imports whoosh and issues full-text SQL. Callers use the names below, whichever engine the
database calls for.
"""
from __future__ import annotations

from portal.search.documents import KIND_OF, KINDS, Kind, document, plain
from portal.search.reader import Group, Hit, Results, SearchError
from portal.search.whoosh_engine import (EXTENSION, INDEX_NAME, MAX_QUERY_CHARS, MAX_TERMS, flush, index_path,
                                         init_app, reindex, search, search_grouped, terms, update)

__all__ = ["EXTENSION", "INDEX_NAME", "KINDS", "KIND_OF", "MAX_QUERY_CHARS", "MAX_TERMS", "Group", "Hit", "Kind",
           "Results", "SearchError", "document", "flush", "index_path", "init_app", "plain", "reindex", "search",
           "search_grouped", "terms", "update"]
