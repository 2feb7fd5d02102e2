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

The build fails (SearchIndexError) rather than ship a site whose search is broken or empty.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

OUTPUT_SUBDIR = "pagefind"  # Pagefind's default; the site's search page loads /pagefind/pagefind.js
SOURCE_DIR = ".pagefind-source"  # inside the site while Pagefind runs: links to the pages it indexes
BODY_ATTRIBUTE = b"data-pagefind-body"
STDERR_TAIL_LINES = 15


class SearchIndexError(RuntimeError):
    """Pagefind failed, timed out or indexed nothing; the message is in Russian, for the editor who published."""


@dataclass(frozen=True)
class SearchIndexReport:
    pages: int
    words: int | None
    # Pagefind 1.5 prints only how many filters there are, never their names or values, so this stays empty
    # unless a later version reports them; the browser gets the values from `pagefind.filters()`.
    filters: dict[str, int]
    seconds: float


def build_search_index(site_dir: Path, *, timeout: float = 300) -> SearchIndexReport:
    """Index every HTML page under `site_dir` into `site_dir/pagefind/` and report what was indexed."""
    site_dir = Path(site_dir)
    if not site_dir.is_dir():
        raise SearchIndexError(f"Поиск по сайту не построен: папка {site_dir} не найдена.")
    # Pagefind never deletes the hashed index files of an earlier run, so the bundle is rebuilt from scratch.
    shutil.rmtree(site_dir / OUTPUT_SUBDIR, ignore_errors=True)
    started = time.monotonic()
    source = _indexed_pages(site_dir)
    # The CLI through the current interpreter finds the binary shipped by `pagefind[extended]` in this very
    # environment; the package's async Python API would add an event loop and a long-lived service process.
    command = [sys.executable, "-m", "pagefind", "--site", str(source or site_dir),
               "--output-path", str(site_dir / OUTPUT_SUBDIR)]
    try:
        result = subprocess.run(command, capture_output=True, timeout=timeout, check=False,
                                encoding="utf-8", errors="replace")  # its output has non-ASCII (↳)
    except subprocess.TimeoutExpired as exc:  # run() has already killed the process
        raise SearchIndexError(f"Поиск по сайту не построен: Pagefind не уложился в {timeout:g} с."
                               f"{_tail(_text(exc.stderr) or _text(exc.stdout))}") from exc
    except OSError as exc:
        raise SearchIndexError(f"Поиск по сайту не построен: не удалось запустить Pagefind ({exc}).") from exc
    finally:
        if source is not None:
            shutil.rmtree(source, ignore_errors=True)
    seconds = time.monotonic() - started
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
    return SearchIndexReport(pages=pages, words=words, filters={}, seconds=seconds)


def _indexed_pages(site_dir: Path) -> Path | None:
    """A folder of hard links to the pages Pagefind would index (those with `data-pagefind-body`), at the same
    relative paths, so that it never parses the others: list pages, catalogue filters and embeds are more than
    half of a region's HTML by size (Pagefind took 46 s on 12 800 pages, 28 s on the 8 600 it indexes).

    None when no page has the attribute (Pagefind then indexes every page) or links cannot be made here.
    """
    marker = SOURCE_DIR
    source = site_dir / marker
    shutil.rmtree(source, ignore_errors=True)
    found = False
    try:
        for page in site_dir.rglob("*.html"):
            relative = page.relative_to(site_dir)
            if relative.parts[0] in (OUTPUT_SUBDIR, marker):
                continue
            data = page.read_bytes()
            if BODY_ATTRIBUTE in data or BODY_ATTRIBUTE in data.lower():
                target = source / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                os.link(page, target)
                found = True
    except OSError:  # no hard links on this file system: Pagefind reads the whole site as before
        shutil.rmtree(source, ignore_errors=True)
        return None
    if not found:
        shutil.rmtree(source, ignore_errors=True)
        return None
    return source


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
