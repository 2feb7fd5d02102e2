"""Rows of a long file (open data, the sitemap) remembered by the object they were made from.

A publishing worker keeps its snapshot from build to build and never changes an object of it: the objects of
unchanged rows, and the plan's addresses of unchanged sections, are the very same objects in the next build
(portal/site/content_reuse.py). So after one edit a file of 10 000 rows makes one row again, not all of them.
"""
from __future__ import annotations

from typing import Any, Callable


def memoised(items: list, memo: dict | None, make: Callable[[Any], Any]) -> list:
    """`make(item)` for each item, or what it gave for the same object last time; `memo` then holds this call's
    objects only (None: no memo, everything is made)."""
    if memo is None:
        return [make(item) for item in items]
    rows, seen = [], {}
    for item in items:
        found = memo.get(id(item))
        row = found[1] if found is not None and found[0] is item else make(item)
        seen[id(item)] = (item, row)  # the object itself too: an id is reused once its object is gone
        rows.append(row)
    memo.clear()
    memo.update(seen)
    return rows


class Reuse:
    """Values made last time by key, kept while what they were made from is the same: `signature` holds the very
    objects (rows compare by identity: the kept snapshot's unchanged rows are the same objects) and plain values
    (compared by value). One section of a plan uses one, for one context (the code, the menu, the settings)."""

    def __init__(self, memo: dict, context: object):
        if memo.get("context") != context:
            memo.clear()
        self.old: dict = memo.get("values", {})
        memo["context"], memo["values"] = context, {}
        self.new: dict = memo["values"]

    def get(self, key: Any, signature: tuple, make: Callable[[], Any]) -> Any:
        found = self.old.get(key)
        value = found[1] if found is not None and found[0] == signature else make()
        self.new[key] = (signature, value)
        return value
