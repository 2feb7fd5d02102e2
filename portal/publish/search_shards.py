"""Which pages go into which Pagefind bundle, and which bundles a build must index again.

Pagefind has no incremental mode, works on one core and holds the whole index in memory (a region's 8 600 pages:
24 s and 1.4 GB in one run), so a large site is indexed as several bundles ("shards") of about `size` pages that
the search page merges in the browser (Pagefind's `mergeIndex`). A build indexes only the shards whose pages
changed, one per core at a time (the same region: 7 bundles, peak 0.56 GB; an edited case re-indexes one).

A shard is a section of the site (the first folder of the address: cases, news…) cut into equal parts by a hash
of the address, so a page stays in its shard from build to build; small sections share the primary shard, which
also holds every page when the site is small (one bundle, as Pagefind makes it by default).

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
    section = path.split("/", 1)[0] if "/" in path else ""
    parts = groups.get(section)
    if not parts:
        return PRIMARY
    return f"{section}-{zlib.crc32(path.encode()) % parts}"


def groups_for(pages: list[str], size: int) -> dict[str, int]:
    """How many shards each large section gets; sections of fewer than a third of `size` pages go to PRIMARY."""
    if len(pages) <= size:
        return {}
    counts: dict[str, int] = {}
    for path in pages:
        if "/" in path:
            section = path.split("/", 1)[0]
            counts[section] = counts.get(section, 0) + 1
    return {section: math.ceil(count / size) for section, count in sorted(counts.items()) if count >= size // 3}


def plan(digests: dict[str, str], size: int, previous: dict | None) -> tuple[Plan, dict]:
    """Shards of the indexed pages (path → digest) and those that differ from the `previous` state; the new state.

    Without a usable previous state every shard is dirty. A shard is dirty when one of its pages was added,
    removed or changed, or when the cut of its section changed (the section grew past a multiple of `size`).
    """
    groups = groups_for(sorted(digests), size)
    shards: dict[str, list[str]] = {}
    for path in sorted(digests):
        shards.setdefault(shard_of(path, groups), []).append(path)
    if PRIMARY not in shards and shards:  # every section is large: the smallest shard becomes the primary
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
