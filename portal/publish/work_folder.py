"""The folders of a build: where it works, what that folder holds, and the swap that publishes it.

A build works beside the published folder (`build/`), never in it. The site published before stays beside it as
the spare (`.build.spare-*`, named in SPARE_STATE_FILE) and the next build works in the spare: no build copies or
deletes a whole site (a region's 300 MB and 11 700 folders took 5–9 s of file-system work per build). Without a
spare, the work folder is a copy of the published site made of hard links. Either way the work folder shares
files with the published site: nothing may write into one of its files in place, only replace it.
"""
from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from . import atomic, discard
from .atomic import link_or_copy
from .search_index import OUTPUT_SUBDIR

STATE_FILE = "build-state.json"  # in the instance folder: fingerprints of the pages of the published build
SEARCH_STATE_FILE = "search-state.json"  # in the instance folder: the published search bundles' pages and digests
# In the instance folder: the previous site, kept beside the published one as the next build's work folder, and
# the states that describe it.
SPARE_STATE_FILE = "spare-state.json"


def recover(target: Path) -> None:
    """Undo what a build killed at the wrong moment left: a swap cut in half, temporary folders."""
    olds = sorted(target.parent.glob(f".{target.name}.old-*"))
    if not target.exists() and olds:
        os.replace(olds[-1], target)  # killed between the two renames: put the previous site back
        olds = olds[:-1]
    for stale in [*olds, *target.parent.glob(f".{target.name}.tmp-*")]:
        shutil.rmtree(stale, ignore_errors=True)
    discard.sweep(target)


@dataclass
class Work:
    folder: Path
    previous: dict  # fingerprints of the pages the folder holds
    live: dict  # fingerprints of the published pages ({}: every page is rendered)
    live_search: dict | None  # the published search bundles' state (None: every bundle is indexed again)
    published: dict  # fingerprints of the published pages as read, full build or not: the spare's after the swap
    spare: bool = False  # the folder is the spare, not a copy of the published site
    fresh: bool = False  # the folder was made empty: nothing in it to remove


def prepare(target: Path, full: bool, instance: Path) -> Work:
    """The folder to build in, beside the target, and what it holds.

    The previous site kept by the last build (the spare) when there is one: the pages the published site has
    and it lacks are linked into it, what changes now is rendered (build._freeze). Otherwise a copy of the
    published site whose files are hard links to the published ones. Nothing may write into a file of the work
    folder in place, only replace it (freezer.SiteFreezer, atomic writes, Pagefind's fresh folders), or the published
    site would change before the swap.
    """
    recover(target)
    work = target.parent / f".{target.name}.tmp-{os.getpid()}-{time.time_ns()}"
    published = read_state(instance / STATE_FILE)
    live = {} if full else published
    live_search = None if full else read_state(instance / SEARCH_STATE_FILE)
    spare = _take_spare(target, instance)
    if spare is not None:
        folder, pages = spare
        os.replace(folder, work)
        return Work(work, pages, live, live_search, published, spare=True)
    if target.is_dir() and not full:
        shutil.copytree(target, work, symlinks=True, copy_function=link_or_copy)
        return Work(work, live, live, live_search, published)
    work.mkdir(parents=True)
    return Work(work, {}, {}, None, published, fresh=True)


def _take_spare(target: Path, instance: Path) -> tuple[Path, dict] | None:
    """The spare folder with the fingerprints of its pages, if the spare state names it; any other spare is
    removed. The state file is removed first: the folder is about to change, and a build killed now must not
    trust it again."""
    state_path = instance / SPARE_STATE_FILE
    state = read_state(state_path)
    state_path.unlink(missing_ok=True)
    chosen = None
    for folder in sorted(target.parent.glob(f".{target.name}.spare-*")):
        if chosen is None and folder.name == state.get("folder") and isinstance(state.get("pages"), dict):
            chosen = folder
        else:
            shutil.rmtree(folder, ignore_errors=True)
    return (chosen, state["pages"]) if chosen is not None else None


def keep_spare(previous_site: Path | None, pages: dict, target: Path, instance: Path) -> None:
    """After the swap: the site that was published stays beside the new one, for the next build to work in, with
    the fingerprints of its pages (`pages`: those the published state held when the build began). Its search
    bundles need no state: a build in the spare takes the published ones (search_index.take_bundles)."""
    if previous_site is None:
        return
    spare = target.parent / f".{target.name}.spare-{time.time_ns()}"
    os.replace(previous_site, spare)
    write_state(instance / SPARE_STATE_FILE, {"folder": spare.name, "pages": pages})


def swap(work: Path, target: Path) -> Path | None:
    """Put the new site in place; the folder now holding the previous site (None on the first build)."""
    # One exchange where the system has it: the folder is the old site or the new one at every moment, and the
    # old one is left in `work` (removed by the next build if this one is killed before keeping it).
    if target.is_dir() and atomic.exchange(work, target):
        return work
    # Otherwise two renames on one file system: between them there is no site for microseconds, and a kill right
    # there is repaired by the next build (_recover).
    old = target.parent / f".{target.name}.old-{time.time_ns()}"
    if target.exists():
        os.replace(target, old)
    os.replace(work, target)
    return old if old.exists() else None


# The states this process read or wrote last, by path, with the file's identity then: a publishing worker reads
# back on every build the states it wrote on the one before (three files, 0.1–0.25 s of parsing at regional scale).
# Another process's write makes a new file (atomic.write_text), so it is read again. Nobody changes a state read.
_KNOWN: dict[Path, tuple[tuple, dict]] = {}


def _identity(path: Path) -> tuple:
    found = path.stat()
    return found.st_ino, found.st_mtime_ns, found.st_size


def read_state(path: Path) -> dict:
    """Fingerprints of the published pages; none (so every page is rendered) when missing or unreadable."""
    try:
        identity = _identity(path)
        known = _KNOWN.get(path)
        if known is not None and known[0] == identity:
            return known[1]
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(state, dict):
        return {}
    _KNOWN[path] = (identity, state)
    return state


def write_state(path: Path, state: dict) -> None:
    # One line: with `indent` the json module encodes in Python, several times slower for a region's 13 000 pages.
    atomic.write_text(path, json.dumps(state, ensure_ascii=False, separators=(",", ":")))
    _KNOWN[path] = (_identity(path), state)


def remove_extra(folder: Path, built: set[str]) -> None:
    """Remove the files of the previous site that this build no longer has (and folders left empty), as
    FREEZER_REMOVE_EXTRA_FILES does, in one os.walk: the search index (pagefind/) is not the freezer's."""
    emptied: set[str] = set()
    for root, folders, files in os.walk(folder, topdown=True):
        relative = os.path.relpath(root, folder)
        if relative == ".":
            folders[:] = [name for name in folders if name != OUTPUT_SUBDIR and not name.startswith(".")]
        prefix = "" if relative == "." else relative.replace(os.sep, "/") + "/"
        for name in files:
            if prefix + name not in built:
                os.unlink(os.path.join(root, name))
                emptied.add(root)
    for root in sorted(emptied, key=len, reverse=True):  # the deepest first, then up while empty
        # A folder may be gone already: emptied itself, then removed on the way up from a deeper one.
        while root != str(folder) and os.path.isdir(root) and not os.listdir(root):
            os.rmdir(root)
            root = os.path.dirname(root)
