"""Search without re-indexing a bundle for one page: the delta bundle.

Pagefind has no incremental mode: one changed page in a bundle of 1 500 cost the whole bundle (about 2 s and
the linking of its pages). Between folds the main bundles stay as they are; the pages changed since they were
indexed go into one small bundle, `pagefind/delta/` (tens of milliseconds for a few pages), and shards.json
lists, beside it, the Pagefind page ids of the main bundles' copies that are stale or removed (`hide`) and their
filter values (`hidden_filters`: Pagefind's filter counts include those copies). The
search page loads Pagefind through `pagefind/view/pagefind.js` (static/site/pagefind-view.js, copied here by
the build), which leaves those ids out of every result: a visitor never sees a page twice or a removed page.

A fold re-indexes the main bundles that changed and empties the delta: a full build, a build asked with
`fold` (the worker's schedule asks for one once a delta is FOLD_AFTER_SECONDS old), a delta grown past
DELTA_MAX pages, or a change the delta cannot describe (a bundle lost, the cut of the bundles changed).

Its part of the search state: "ids" {bundle: {"entry": hash of the bundle's entry file, "pages": {path: id}}},
read from a bundle's fragments the first time one of its pages is hidden and kept while the bundle stays;
"delta" {"pages": {path: digest}, "hide": [ids], "since": epoch seconds of the first change after the fold}.
"""
from __future__ import annotations

import gzip
import json
import re
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

DELTA = "delta"  # pagefind/delta/: the bundle of the pages changed since the fold
VIEW_SUBDIR = "view"  # pagefind/view/pagefind.js: Pagefind over several bundles, stale copies left out (search.js)
VIEW_SOURCE = Path(__file__).resolve().parent.parent / "static" / "site" / "pagefind-view.js"
DELTA_MAX = 300  # pages changed or removed since the fold before a build folds (a fifth of a bundle to index)
DELTA_MIN_PAGES = 200  # bundles to index again smaller than this together are re-indexed: as cheap as a delta
FOLD_AFTER_SECONDS = 600  # the schedule asks for a fold once the delta is this old (portal/jobs.py)
FRAGMENT_SIGNATURE = b"pagefind_dcd"  # what Pagefind writes before a fragment's JSON
_URL = re.compile(rb'"url":"((?:[^"\\]|\\.)*)"')


@dataclass
class Delta:
    pages: dict[str, str]  # path → digest of the pages the delta bundle holds (changed or added since the fold)
    hide: list[str]  # page ids of the main bundles' copies of changed or removed pages
    # Their filter values ({id: {filter: [values]}}): the view takes them off Pagefind's counts, which include them.
    hidden_filters: dict[str, dict[str, list[str]]]
    ids: dict  # the state's "ids", with the bundles read for this delta
    since: float


def page_path(url: str) -> str:
    """The file of a page from its address in the index ("/cases/x/" → "cases/x/index.html")."""
    path = unquote(url).lstrip("/")
    return path + "index.html" if path == "" or path.endswith("/") else path


def fragment_ids(bundle: Path) -> dict[str, str]:
    """Page path → Pagefind's id of the page in `bundle` (the name of its fragment, a hash of its content)."""
    ids = {}
    for fragment in (bundle / "fragment").glob("*.pf_fragment"):
        data = gzip.decompress(fragment.read_bytes())
        found = _URL.search(data, 0, 8192)
        if found:
            ids[page_path(json.loads(b'"' + found.group(1) + b'"'))] = fragment.name.removesuffix(".pf_fragment")
    return ids


def fragment(bundle: Path, page_id: str) -> dict:
    """A page's fragment in `bundle` as Pagefind wrote it (its url, content, filters…), or {} if unreadable."""
    try:
        raw = gzip.decompress((bundle / "fragment" / f"{page_id}.pf_fragment").read_bytes())
        data = json.loads(raw[len(FRAGMENT_SIGNATURE):] if raw.startswith(FRAGMENT_SIGNATURE) else raw)
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def fragment_filters(bundle: Path, page_id: str) -> dict[str, list[str]]:
    """The filter values of a page in `bundle` as its fragment holds them ({} when it has none)."""
    found = fragment(bundle, page_id).get("filters")
    return {name: list(values) for name, values in found.items() if values} if isinstance(found, dict) else {}


def plan(previous: dict, digests: dict[str, str], bundles: dict[str, str | None], dirty_pages: int,
         bundle_path, *, delta_max: int = DELTA_MAX, delta_min_pages: int = DELTA_MIN_PAGES) -> Delta | None:
    """The delta that brings the main bundles of `previous` to the pages' `digests`, or None: fold instead.

    `bundles`: entry hash of each main bundle now in the output; `dirty_pages`: the pages of the bundles a fold
    would index again; `bundle_path(name)`: a bundle's folder (to read its ids)."""
    main = previous.get("pages")
    if not isinstance(main, dict) or not main:
        return None
    changed = {path: digest for path, digest in digests.items()
               if not (isinstance(main.get(path), list) and main[path][1:] == [digest])}
    removed = [path for path in main if path not in digests]
    if not changed and not removed:
        return None  # the main bundles are the site: nothing to hide (a fold with nothing to index)
    if len(changed) + len(removed) > delta_max or dirty_pages < delta_min_pages:
        return None
    known = previous.get("ids") if isinstance(previous.get("ids"), dict) else {}
    ids, hide, hidden_filters = {}, [], {}
    for path in sorted({*removed, *(p for p in changed if p in main)}):
        bundle = main[path][0]
        entry = bundles.get(bundle)
        if entry is None:
            return None  # the bundle is gone: only a fold can mend it
        if bundle not in ids:
            kept = known.get(bundle)
            if isinstance(kept, dict) and kept.get("entry") == entry and isinstance(kept.get("pages"), dict):
                ids[bundle] = kept
            else:
                ids[bundle] = {"entry": entry, "pages": fragment_ids(bundle_path(bundle))}
        page_id = ids[bundle]["pages"].get(path)
        if page_id is None:
            return None  # the bundle does not hold what the state says: a fold indexes it again
        hide.append(page_id)
        if filters := fragment_filters(bundle_path(bundle), page_id):
            hidden_filters[page_id] = filters
    # Ids read before for bundles still in place stay known for the next delta.
    for bundle, kept in known.items():
        if bundle not in ids and isinstance(kept, dict) and kept.get("entry") == bundles.get(bundle):
            ids[bundle] = kept
    old = previous.get("delta") if isinstance(previous.get("delta"), dict) else {}
    return Delta(pages=changed, hide=sorted(set(hide)), hidden_filters=hidden_filters, ids=ids,
                 since=old.get("since") or time.time())


def kept_ids(previous: dict | None, bundles: dict[str, str | None]) -> dict:
    """After a fold: the ids read before of the bundles that were not indexed again."""
    known = previous.get("ids") if isinstance(previous, dict) and isinstance(previous.get("ids"), dict) else {}
    return {name: kept for name, kept in known.items()
            if isinstance(kept, dict) and kept.get("entry") is not None and kept.get("entry") == bundles.get(name)}


def current_digests(previous: dict) -> dict[str, str]:
    """What the published search holds of each page: the delta's digest, else the main bundle's."""
    main = previous.get("pages") if isinstance(previous.get("pages"), dict) else {}
    found = {path: entry[1] for path, entry in main.items() if isinstance(entry, list) and len(entry) == 2}
    delta = previous.get("delta")
    if isinstance(delta, dict) and isinstance(delta.get("pages"), dict):
        found.update(delta["pages"])
    return found


def fold_due(state: dict | None, now: float | None = None) -> bool:
    """Has the published search a delta old enough to fold?"""
    delta = state.get("delta") if isinstance(state, dict) else None
    if not isinstance(delta, dict) or not (delta.get("pages") or delta.get("hide")):
        return False
    return (now or time.time()) - float(delta.get("since") or 0) >= FOLD_AFTER_SECONDS


def write_view(output: Path) -> None:
    """pagefind/view/pagefind.js, replaced only when it differs (it may be a link to the published file)."""
    from . import atomic

    target = output / VIEW_SUBDIR / "pagefind.js"
    text = VIEW_SOURCE.read_text(encoding="utf-8")
    try:
        if target.read_text(encoding="utf-8") == text:
            return
    except OSError:
        pass
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic.write_text(target, text)
