"""Search in the admin: GET /admin/search?q=… — every kind of row the user may see, drafts included."""
from __future__ import annotations

from flask import render_template, request
from flask_login import current_user

from portal import search as engine
from portal import text

from . import bp

PER_GROUP = 5  # hits shown per kind on the grouped page
PER_PAGE = 20  # hits per page when one kind is listed


@bp.get("/search", endpoint="search")
def search_view():
    query = text.strip_control_characters(request.args.get("q", "")).strip()[:engine.MAX_QUERY_CHARS]
    kind = request.args.get("kind", "")
    kind = kind if kind in engine.KINDS else ""
    page = min(max(request.args.get("page", 1, type=int), 1), 10_000)
    results, error = None, False
    if query:
        try:
            results = (engine.search(query, current_user, kind=kind, page=page, per_page=PER_PAGE) if kind
                       else engine.search_grouped(query, current_user, per_group=PER_GROUP))
        except engine.SearchError:
            error = True
    return render_template("admin/search.html", query=query, kind=kind, results=results, error=error,
                           kinds=engine.KINDS), 503 if error else 200
