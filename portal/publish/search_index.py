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

import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

OUTPUT_SUBDIR = "pagefind"  # Pagefind's default; the site's search page loads /pagefind/pagefind.js
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
    # The CLI through the current interpreter finds the binary shipped by `pagefind[extended]` in this very
    # environment; the package's async Python API would add an event loop and a long-lived service process.
    command = [sys.executable, "-m", "pagefind", "--site", str(site_dir), "--output-subdir", OUTPUT_SUBDIR]
    started = time.monotonic()
    try:
        result = subprocess.run(command, capture_output=True, timeout=timeout, check=False,
                                encoding="utf-8", errors="replace")  # its output has non-ASCII (↳)
    except subprocess.TimeoutExpired as exc:  # run() has already killed the process
        raise SearchIndexError(f"Поиск по сайту не построен: Pagefind не уложился в {timeout:g} с."
                               f"{_tail(_text(exc.stderr) or _text(exc.stdout))}") from exc
    except OSError as exc:
        raise SearchIndexError(f"Поиск по сайту не построен: не удалось запустить Pagefind ({exc}).") from exc
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
