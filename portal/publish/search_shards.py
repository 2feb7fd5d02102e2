"""Which pages go into which Pagefind bundle, and which bundles a build must index again.

Pagefind has no incremental mode, works through a whole bundle at once and holds its index in memory (about
150 MB per 1 000 pages: a region's 8 600 pages take 1.3 GB in one run), so a large site is indexed as a few bundles
("shards") of at most `size` pages that the search page merges in the browser (Pagefind's `mergeIndex`).

Every bundle costs each query: the browser fetches, per bundle, its entry and meta files, its filter chunks and,
for each word of the query, the index chunk holding it (Pagefind cuts chunks at 20 000 word locations, so a
chunk carries neighbouring words too). Fewer bundles fetch less, and they answer closer to one index: Pagefind
leaves a word out of the search in a bundle that lacks it, so a bundle of events only returned every event with
the query's other words («фестиваль тандемов»: 3 566 results instead of 1 182). So the bundles are as large as
the memory of a build allows (search_index.SHARD_PAGES), and each is an equal part of the whole site, cut by a
hash of the address: a page stays in its bundle from build to build, and every bundle holds a sample of every
section and so of the site's vocabulary. A small site is one bundle, as Pagefind makes it by default.

A page changed for search when the text Pagefind reads changed: its bytes without the parts marked
`data-pagefind-ignore` (a case's «Похожие практики» change whenever another case does, but are not indexed).
"""
from __future__ import annotations

import hashlib
import math
import re
import zlib
from dataclasses import dataclass, field

PRIMARY = "site"
WHOLE_SITE = "*"  # the state's "groups": {"*": parts}; older states cut by section ({"cases": 3, …})
BODY_ATTRIBUTE = b"data-pagefind-body"
IGNORE_ATTRIBUTE = b"data-pagefind-ignore"
VOID_ELEMENTS = {b"area", b"br", b"col", b"embed", b"hr", b"img", b"input", b"link", b"meta", b"source", b"track",
                 b"wbr"}
_TAG_NAME = re.compile(rb"<([A-Za-z][A-Za-z0-9-]*)")


def digest(data: bytes) -> str | None:
    """What Pagefind would read of a page, as a short hash; None for a page it does not index."""
    if BODY_ATTRIBUTE not in data and BODY_ATTRIBUTE not in data.lower():
        return None
    return hashlib.blake2b(_without_ignored(data), digest_size=12).hexdigest()


def _without_ignored(data: bytes) -> bytes:
    parts, position = [], 0
    while (found := data.find(IGNORE_ATTRIBUTE, position)) >= 0:
        start = data.rfind(b"<", position, found)
        name = _TAG_NAME.match(data, start) if start >= 0 else None
        if name is None:  # the attribute's name in text, not in a tag: nothing to cut
            parts.append(data[position:found + len(IGNORE_ATTRIBUTE)])
            position = found + len(IGNORE_ATTRIBUTE)
            continue
        parts.append(data[position:start])
        position = _element_end(data, name.group(1).lower(), start)
    parts.append(data[position:])
    return b"".join(parts)


def _element_end(data: bytes, name: bytes, start: int) -> int:
    """Where the element opened at `start` ends (after its closing tag), counting nested ones of its kind."""
    if name in VOID_ELEMENTS:
        return data.find(b">", start) + 1 or len(data)
    depth = 0
    pattern = re.compile(rb"<(/?)" + re.escape(name) + rb"(?=[\s>/])", re.IGNORECASE)
    for tag in pattern.finditer(data, start):
        depth += -1 if tag.group(1) else 1
        if depth == 0:
            return data.find(b">", tag.end()) + 1 or len(data)
    return len(data)  # never closed: the rest of the page is the element's


@dataclass
class Plan:
    shards: dict[str, list[str]]  # shard name → pages (paths relative to the site folder)
    dirty: set[str] = field(default_factory=set)  # shards to index again


def shard_of(path: str, groups: dict[str, int]) -> str:
    """The bundle of a page: part `crc32(path) % parts` of the site, part 0 being the primary bundle."""
    parts = groups.get(WHOLE_SITE)
    part = zlib.crc32(path.encode()) % parts if parts else 0
    return f"part-{part}" if part else PRIMARY


def groups_for(pages: list[str], size: int, previous: dict | None = None) -> dict[str, int]:
    """Into how many parts the site is cut ({} for one bundle). The previous cut stays while the site is within a
    tenth of its bounds: one page more or less must not swing it between cuts, and a new cut indexes every bundle
    again (a fold, in the background) where an added page could otherwise go into the delta bundle."""
    if len(pages) <= size:
        return {}
    parts = math.ceil(len(pages) / size)
    old = previous.get("groups") if isinstance(previous, dict) and previous.get("size") == size else None
    kept = old.get(WHOLE_SITE) if isinstance(old, dict) and set(old) == {WHOLE_SITE} else None
    if isinstance(kept, int) and (kept - 1) * size * 0.9 < len(pages) <= kept * size * 1.1:
        return {WHOLE_SITE: kept}
    return {WHOLE_SITE: parts}


def plan(digests: dict[str, str], size: int, previous: dict | None) -> tuple[Plan, dict]:
    """Shards of the indexed pages (path → digest) and those that differ from the `previous` state; the new state.

    Without a usable previous state every shard is dirty. A shard is dirty when one of its pages was added,
    removed or changed, or when the cut of the site changed (`groups_for`: the site left a tenth of its bounds).
    """
    groups = groups_for(sorted(digests), size, previous)
    shards: dict[str, list[str]] = {}
    for path in sorted(digests):
        shards.setdefault(shard_of(path, groups), []).append(path)
    if PRIMARY not in shards and shards:  # no page in part 0: the smallest shard becomes the primary
        smallest = min(shards, key=lambda name: (len(shards[name]), name))
        shards[PRIMARY] = shards.pop(smallest)
    state = {"size": size, "groups": groups, "pages": {path: [shard, digests[path]]
                                                      for shard, paths in shards.items() for path in paths}}
    result = Plan(shards=shards)
    old_pages = previous.get("pages") if isinstance(previous, dict) else None
    if not isinstance(old_pages, dict) or previous.get("size") != size or previous.get("groups") != groups:
        result.dirty = set(shards)
        return result, state
    for path, (shard, page_digest) in state["pages"].items():
        if old_pages.get(path) != [shard, page_digest]:
            result.dirty.add(shard)
    for path, old in old_pages.items():
        if path not in digests and isinstance(old, list) and old:
            result.dirty.add(old[0] if old[0] in shards else PRIMARY)
    return result, state
