"""The site's full-text search: run Pagefind over the frozen site, writing `<site>/pagefind/`.

What pages must carry (the templates' business, listed here because this module depends on it):

- `<html lang="ru">`: Pagefind picks the stemmer per page language, so «наставники» finds «наставника».
  The page that runs the search must carry the same `lang`: the browser side loads the index of its own page's
  language. `lang="ru-RU"` works too, but then the index is named `ru-ru`.
- `data-pagefind-body` on the main content. Once one page has it, pages without it are left out of the index
  (menus, footers and list pages then never match).
- `data-pagefind-filter="тип:Кейс"` (or `data-pagefind-filter="тип"` on an element whose text is the value)
  for facets; `data-pagefind-meta="title"` or the first `<h1>` gives the result title.
- `data-pagefind-ignore` on parts of the body that should not be searched.

A large site is indexed as several bundles merged by the search page (search_shards.py says which pages go where
and which bundles changed): `pagefind/` is the primary bundle, the others are in `pagefind/shards/<name>/`, listed
in `pagefind/shards.json` for static/site/search.js. A small site is one bundle, as Pagefind makes it by default.

The build fails (SearchIndexError) rather than ship a site whose search is broken or empty.
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import re
import shutil
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from . import atomic, search_delta, search_shards

OUTPUT_SUBDIR = "pagefind"  # Pagefind's default; the site's search page loads /pagefind/pagefind-ui.js
SHARDS_SUBDIR = "shards"  # pagefind/shards/<name>/: the bundles merged into the primary one
SHARDS_FILE = "shards.json"  # pagefind/shards.json: {"merge": ["shards/news-0/", …]}, paths relative to pagefind/
SOURCE_DIR = ".pagefind-source"  # inside the site while Pagefind runs: links to the pages it indexes
SHARD_PAGES = 3000  # pages per bundle (a tenth more while a cut stays): Pagefind holds ~150 MB per 1 000 pages
# Bundles are indexed one at a time when two of them together hold more pages than this: Pagefind works on every
# core by itself, and two bundles of 3 000 pages at once (~1 GB) beside the build's own ~350 MB break its 1 GB.
# One bundle of 3 300 pages: ~0.57 GB.
PARALLEL_PAGES = SHARD_PAGES
STDERR_TAIL_LINES = 15


class SearchIndexError(RuntimeError):
    """Pagefind failed, timed out or indexed nothing; the message is in Russian, for the editor who published."""


@dataclass(frozen=True)
class SearchIndexReport:
    pages: int  # pages in the site's search
    words: int | None  # words of the bundles indexed in this run (Pagefind's count; the largest bundle's)
    # Pagefind 1.5 prints only how many filters there are, never their names or values, so this stays empty
    # unless a later version reports them; the browser gets the values from `pagefind.filters()`.
    filters: dict[str, int]
    seconds: float
    shards: int = 1
    reindexed_shards: int = 1
    reindexed_pages: int = 0
    # Pages, their bundles and digests, for the next build to index only what changed; None: index it all.
    state: dict | None = field(default=None, compare=False, repr=False)


def build_search_index(site_dir: Path, *, timeout: float = 300, previous: dict | None = None,
                       rendered: Iterable[str] | None = None, shard_pages: int = SHARD_PAGES,
                       workers: int | None = None, fold: bool = True,
                       delta_limits: tuple[int, int] = (search_delta.DELTA_MAX, search_delta.DELTA_MIN_PAGES),
                       known: dict[str, str | None] | None = None) -> SearchIndexReport:
    """Index the HTML pages under `site_dir` into `site_dir/pagefind/` and report what was indexed.

    With the `previous` state (of the build `site_dir` was copied from) and the addresses `rendered` since, only
    the pages rendered again are read (`known`: digests taken as the pages were written, not read again). Then
    either the bundles whose pages changed are indexed again (a fold), or, when `fold` is False and few pages
    changed, only those pages go into the delta bundle (search_delta.py).
    """
    site_dir = Path(site_dir)
    if not site_dir.is_dir():
        raise SearchIndexError(f"Поиск по сайту не построен: папка {site_dir} не найдена.")
    started = time.monotonic()
    output = site_dir / OUTPUT_SUBDIR
    digests = _digests(site_dir, previous, rendered, known or {})
    if not digests:  # no page says what to index: Pagefind reads the whole site into one bundle
        shutil.rmtree(output, ignore_errors=True)
        pages, words = _pagefind(site_dir, output, timeout)
        _write_shards_file(output, [])
        return SearchIndexReport(pages=pages, words=words, filters={}, seconds=time.monotonic() - started,
                                 reindexed_pages=pages)
    plan, state = search_shards.plan(digests, shard_pages, previous)
    described = previous.get("bundles") if isinstance(previous, dict) else None
    entries = {name: _entry(output, name) for name in plan.shards}
    lost = {name for name in plan.shards if entries[name] is None or not isinstance(described, dict)
            or described.get(name) != entries[name]}  # lost, never made, or not the bundle the state describes
    merged = [name for name in sorted(plan.shards) if name != search_shards.PRIMARY]
    if (not fold and not lost and isinstance(previous, dict) and previous.get("groups") == state["groups"]
            and previous.get("size") == shard_pages):
        delta = search_delta.plan(previous, digests, entries, sum(len(plan.shards[n]) for n in plan.dirty),
                                  lambda name: _bundle(output, name), delta_max=delta_limits[0],
                                  delta_min_pages=delta_limits[1])
        if delta is not None:
            return _index_delta(site_dir, output, previous, delta, merged, digests, timeout, started)
    plan.dirty |= lost
    _remove_stale_bundles(output, plan)
    jobs = sorted(plan.dirty, key=lambda name: -len(plan.shards[name]))  # the largest first, for an even finish
    sizes = sorted((len(plan.shards[name]) for name in jobs), reverse=True)
    alone = len(sizes) > 1 and sizes[0] + sizes[1] > PARALLEL_PAGES
    with ThreadPoolExecutor(max_workers=1 if alone else max(1, min(len(jobs), workers or _cores()))) as pool:
        runs = list(pool.map(lambda name: _index_shard(site_dir, output, name, plan.shards[name], timeout), jobs))
    _write_shards_file(output, merged)
    if merged:  # several bundles answer through the view, which keeps only results with every word
        search_delta.write_view(output)
    state["bundles"] = {name: _entry(output, name) for name in plan.shards}
    state["ids"] = search_delta.kept_ids(previous, state["bundles"])
    return SearchIndexReport(pages=len(digests), words=max((w for _, w in runs if w is not None), default=None),
                             filters={}, seconds=time.monotonic() - started, shards=len(plan.shards),
                             reindexed_shards=len(jobs), reindexed_pages=sum(p for p, _ in runs), state=state)


def _index_delta(site_dir: Path, output: Path, previous: dict, delta: search_delta.Delta, merged: list[str],
                 digests: dict[str, str], timeout: float, started: float) -> SearchIndexReport:
    """The main bundles stay; the delta bundle is indexed again when its pages differ from the published one's."""
    old = previous.get("delta") if isinstance(previous.get("delta"), dict) else {}
    bundles = dict(previous["bundles"])
    entry = _entry(output, search_delta.DELTA) if delta.pages else None
    reindexed = 0
    if not delta.pages or old.get("pages") != delta.pages or entry is None or bundles.get(search_delta.DELTA) != entry:
        shutil.rmtree(_bundle(output, search_delta.DELTA), ignore_errors=True)
        if delta.pages:
            reindexed, _ = _index_shard(site_dir, output, search_delta.DELTA, sorted(delta.pages), timeout)
        entry = _entry(output, search_delta.DELTA) if delta.pages else None
    bundles.pop(search_delta.DELTA, None)
    if entry is not None:
        bundles[search_delta.DELTA] = entry
    search_delta.write_view(output)
    _write_shards_file(output, merged, delta=bool(delta.pages), hide=delta.hide, hidden_filters=delta.hidden_filters)
    state = {key: previous[key] for key in ("size", "groups", "pages")} | {
        "bundles": bundles, "ids": delta.ids,
        "delta": {"pages": delta.pages, "hide": delta.hide, "since": delta.since}}
    return SearchIndexReport(pages=len(digests), words=None, filters={}, seconds=time.monotonic() - started,
                             shards=len(merged) + 1, reindexed_shards=0, reindexed_pages=reindexed, state=state)


def _digests(site_dir: Path, previous: dict | None, rendered: Iterable[str] | None,
             known: dict[str, str | None]) -> dict[str, str]:
    """Indexed page (path under the site) → digest of what Pagefind reads of it (`known`'s, else read).

    Incremental: the previous build's digests for the pages still there, read again for the pages rendered since.
    """
    def read(path: str, page: Path) -> str | None:
        return known[path] if path in known else search_shards.digest(page.read_bytes())

    old = previous.get("pages") if isinstance(previous, dict) else None
    if rendered is None or not isinstance(old, dict):
        found = ((path, read(path, page)) for page in _html_pages(site_dir)
                 for path in (page.relative_to(site_dir).as_posix(),))
        return {path: page_digest for path, page_digest in found if page_digest}
    folder = f"{site_dir}{os.sep}"  # a string, not a Path per page: 9 000 pages in a region
    digests = {path: page_digest for path, page_digest in search_delta.current_digests(previous).items()
               if os.path.isfile(folder + path)}
    for address in rendered:
        path = address.lstrip("/") + ("index.html" if address.endswith("/") else "")
        if not path.endswith(".html"):
            continue
        try:
            found = read(path, site_dir / path)
        except OSError:
            found = None
        if found:
            digests[path] = found
        else:
            digests.pop(path, None)
    return digests


def _html_pages(site_dir: Path) -> Iterable[Path]:
    for page in site_dir.rglob("*.html"):
        first = page.relative_to(site_dir).parts[0]
        if first != OUTPUT_SUBDIR and not first.startswith(SOURCE_DIR):
            yield page


def _bundle(output: Path, name: str) -> Path:
    if name == search_delta.DELTA:
        return output / search_delta.DELTA
    return output if name == search_shards.PRIMARY else output / SHARDS_SUBDIR / name


def _entry(output: Path, name: str) -> str | None:
    """The bundle's entry file as a hash: Pagefind names the index in it by a hash of the index's content."""
    try:
        entry = (_bundle(output, name) / "pagefind-entry.json").read_bytes()
    except OSError:
        return None
    return hashlib.blake2b(entry, digest_size=12).hexdigest()


def take_bundles(output: Path, published: Path, published_state: dict | None) -> None:
    """Make the bundles in `output` the published ones (hard links) where they differ and the published bundle
    is the one its state names: a build working in the previous site starts from the published index, so that
    only what changes now is indexed again. A bundle left different is found dirty by build_search_index."""
    bundles = published_state.get("bundles") if isinstance(published_state, dict) else None
    if not isinstance(bundles, dict):
        return
    for name, entry in bundles.items():
        if entry is None or _entry(output, name) == entry or _entry(published, name) != entry:
            continue
        mine, theirs = _bundle(output, name), _bundle(published, name)
        for item in _bundle_items(mine):
            shutil.rmtree(item) if item.is_dir() else item.unlink()
        mine.mkdir(parents=True, exist_ok=True)
        for item in _bundle_items(theirs):
            if item.is_dir():
                shutil.copytree(item, mine / item.name, copy_function=atomic.link_or_copy)
            else:
                atomic.link_or_copy(str(item), str(mine / item.name))


def _bundle_items(folder: Path) -> list[Path]:
    """A bundle's files and folders (the primary bundle's folder also holds the others, in shards/)."""
    if not folder.is_dir():
        return []
    return [item for item in folder.iterdir()
            if item.name not in (SHARDS_SUBDIR, SHARDS_FILE, search_delta.DELTA, search_delta.VIEW_SUBDIR)]


def _remove_stale_bundles(output: Path, plan: search_shards.Plan) -> None:
    """Pagefind never deletes the hashed files of an earlier run: a bundle to index again starts empty. A fold
    leaves no delta."""
    for item in (output / search_delta.DELTA, output / search_delta.VIEW_SUBDIR):
        shutil.rmtree(item, ignore_errors=True)
    shards_dir = output / SHARDS_SUBDIR
    if shards_dir.is_dir():
        for folder in shards_dir.iterdir():
            if folder.name not in plan.shards or folder.name in plan.dirty:
                shutil.rmtree(folder, ignore_errors=True)
    if search_shards.PRIMARY in plan.dirty and output.is_dir():
        for item in output.iterdir():
            if item.name != SHARDS_SUBDIR and item.exists():
                shutil.rmtree(item) if item.is_dir() else item.unlink()


def _index_shard(site_dir: Path, output: Path, name: str, pages: list[str], timeout: float) -> tuple[int, int | None]:
    source = site_dir / f"{SOURCE_DIR}-{name}"
    try:
        _link_pages(site_dir, source, pages)
        return _pagefind(source, _bundle(output, name), timeout)
    finally:
        shutil.rmtree(source, ignore_errors=True)


def _link_pages(site_dir: Path, source: Path, pages: list[str]) -> None:
    """A folder of links to the shard's pages at the same relative paths, so that Pagefind parses only those
    (list pages, catalogue filters and embeds are more than half of a region's HTML) and the results' addresses
    are the pages' own."""
    shutil.rmtree(source, ignore_errors=True)
    for path in pages:
        target = source / path
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic.link_or_copy(str(site_dir / path), str(target))


def _pagefind(source: Path, output: Path, timeout: float) -> tuple[int, int | None]:
    """Run Pagefind over `source` into `output`; the pages and words it indexed."""
    # The binary shipped by `pagefind[extended]` in this very environment, run directly: `python -m pagefind` cost
    # a Python start and the package's imports, 50 ms of every one-edit publish. The package's async Python API
    # would add an event loop and a long-lived service process.
    try:
        command = [_binary(), "--site", str(source), "--output-path", str(output)]
        result = subprocess.run(command, capture_output=True, timeout=timeout, check=False,
                                encoding="utf-8", errors="replace")  # its output has non-ASCII (↳)
    except subprocess.TimeoutExpired as exc:  # run() has already killed the process
        raise SearchIndexError(f"Поиск по сайту не построен: Pagefind не уложился в {timeout:g} с."
                               f"{_tail(_text(exc.stderr) or _text(exc.stdout))}") from exc
    except OSError as exc:
        raise SearchIndexError(f"Поиск по сайту не построен: не удалось запустить Pagefind ({exc}).") from exc
    if result.returncode != 0:
        raise SearchIndexError(f"Поиск по сайту не построен: Pagefind завершился с кодом {result.returncode}."
                               f"{_tail(result.stderr or result.stdout)}")
    pages, words = _count(result.stdout, "page"), _count(result.stdout, "word")
    if pages is None:  # a changed output format must not pass for a good index
        raise SearchIndexError("Поиск по сайту не построен: не удалось прочитать отчёт Pagefind."
                               f"{_tail(result.stdout)}")
    if pages == 0:
        raise SearchIndexError("Поиск по сайту не построен: Pagefind не проиндексировал ни одной страницы "
                               f"(нет HTML-страниц с текстом?).{_tail(result.stderr or result.stdout)}")
    return pages, words


@functools.cache
def _binary() -> str:
    """Pagefind's binary, as `python -m pagefind` finds it (PAGEFIND_BINARY_PATH, the package's, then PATH)."""
    from pagefind.service import get_executable

    found = get_executable()
    if found is None:
        raise OSError("программа не найдена: установите пакет pagefind[extended]")
    return str(found)


def _write_shards_file(output: Path, merged: list[str], delta: bool = False, hide: list[str] = (),
                       hidden_filters: dict | None = None) -> None:
    """{"merge": [bundles], "delta": "delta/" (merged too), "hide": [page ids], "hidden_filters": {id: {filter:
    [values]}}}: what search.js reads."""
    output.mkdir(parents=True, exist_ok=True)
    index: dict = {"merge": [f"{SHARDS_SUBDIR}/{name}/" for name in merged]}
    if delta:
        index["delta"] = f"{search_delta.DELTA}/"
    if hide:
        index["hide"] = list(hide)
    if hidden_filters:
        index["hidden_filters"] = hidden_filters
    text = json.dumps(index, ensure_ascii=False)
    atomic.write_text(output / SHARDS_FILE, text)  # replaced, never rewritten: it may be the published file


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def _count(stdout: str, noun: str) -> int | None:
    """The number in `Indexed N pages` of the `Total:` block (per-language blocks come before it)."""
    total = stdout.rpartition("Total:")[2]
    match = re.search(rf"Indexed (\d+) {noun}s?\b", total)
    return int(match.group(1)) if match else None


def _text(output: str | bytes | None) -> str:
    # TimeoutExpired keeps what was read so far as bytes even when run() was asked to decode.
    return output.decode("utf-8", "replace") if isinstance(output, bytes) else (output or "")


def _tail(output: str) -> str:
    lines = [line for line in output.strip().splitlines() if line.strip()]
    return ("\nВывод Pagefind:\n" + "\n".join(lines[-STDERR_TAIL_LINES:])) if lines else ""
