"""The public search as a visitor meets it: build/ served over HTTP on loopback (compressed as the README's nginx
configuration compresses it), Debian's Chromium driven by Playwright, every response's bytes counted.

For each repetition, a fresh browser context (empty cache) opens /search/ and types a first query, then a
second one. Measured: the bytes fetched for each query (Pagefind's script, WebAssembly, index chunks and result
fragments; the search page itself is counted apart), the time from typing to results on screen (Pagefind's UI
waits 300 ms after the last keystroke before it searches: included), and, through Pagefind's JS API in another
fresh context, the query time itself (first query: loading included).
"""
from __future__ import annotations

import functools
import gzip
import os
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from .measure import median

QUERIES = [("наставник", "фестиваль тандемов"), ("молодой педагог", "профориентация"),
           ("олимпиада", "дорожная карта")]
CHROMIUM = os.environ.get("BENCH_CHROMIUM") or os.environ.get("TEST_CHROMIUM") or "/usr/bin/chromium"


# What the README's nginx configuration compresses (gzip_types, and text/html, which nginx always includes), at
# its gzip_comp_level: the bytes counted are those a visitor of a site served that way fetches. Pagefind's own
# files (.pagefind, .pf_*) are gzip already and go as they are.
GZIP_TYPES = {"text/html", "text/css", "text/javascript", "application/javascript", "application/json",
              "image/svg+xml", "application/xml", "text/xml", "application/atom+xml", "text/calendar", "text/csv",
              "text/plain"}
GZIP_LEVEL = 5


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?", 1)[0].endswith("/"):
            path = path / "index.html"
        kind = self.guess_type(str(path))
        if (not path.is_file() or kind not in GZIP_TYPES
                or "gzip" not in self.headers.get("Accept-Encoding", "")):
            super().do_GET()
            return
        body = gzip.compress(path.read_bytes(), compresslevel=GZIP_LEVEL)
        self.send_response(200)
        self.send_header("Content-Type", kind + ("; charset=utf-8" if kind.startswith("text/") else ""))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def _serve(folder: Path) -> tuple[ThreadingHTTPServer, str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def index_size(build: Path) -> dict:
    files = [p for p in (build / "pagefind").rglob("*") if p.is_file()]
    return {"bytes": sum(p.stat().st_size for p in files), "files": len(files)}


def measure(build: Path, repeat: int = 3) -> dict:
    from playwright.sync_api import sync_playwright

    server, base = _serve(build)
    runs = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            try:
                for number in range(repeat):
                    first, second = QUERIES[number % len(QUERIES)]
                    runs.append(_ui_run(browser, base, first, second) | _api_run(browser, base, first, second))
            finally:
                browser.close()
    finally:
        server.shutdown()
    keys = runs[0].keys()
    return {"runs": runs, **{key: median(run[key] for run in runs) for key in keys if key != "queries"},
            "queries": [run["queries"] for run in runs], **{"index_" + k: v for k, v in index_size(build).items()}}


class _Bytes:
    """Bytes of every finished response (headers and body, as they come over the wire)."""

    def __init__(self, page) -> None:
        self.total = 0
        self.requests = 0
        self.pending = 0
        page.on("request", self._started)
        page.on("requestfinished", self._finished)
        page.on("requestfailed", self._failed)

    def _started(self, _request) -> None:
        self.pending += 1

    def _finished(self, request) -> None:
        self.pending -= 1
        sizes = request.sizes()
        self.total += sizes["responseBodySize"] + sizes["responseHeadersSize"]
        self.requests += 1

    def _failed(self, _request) -> None:
        self.pending -= 1

    def take(self) -> tuple[int, int]:
        counted = self.total, self.requests
        self.total = self.requests = 0
        return counted


def _settle(page, counter: _Bytes, quiet: float = 0.4, limit: float = 15) -> None:
    """Until no request has been in flight for `quiet` seconds (fragments load after the results list)."""
    deadline = time.monotonic() + limit
    calm_since = None
    while time.monotonic() < deadline:
        page.wait_for_timeout(50)
        if counter.pending > 0:
            calm_since = None
        elif calm_since is None:
            calm_since = time.monotonic()
        elif time.monotonic() - calm_since >= quiet:
            return


def _ui_query(page, counter: _Bytes, query: str) -> tuple[float, int, int]:
    # Not cleared first: focusing the box is when Pagefind's UI starts loading, which belongs to the query.
    counter.take()
    started = time.perf_counter()
    page.fill("#search input", query)
    page.wait_for_function(
        """q => { const m = document.querySelector('.pagefind-ui__message');
                  return m && m.textContent.includes(q) && document.querySelector('.pagefind-ui__result-link'); }""",
        arg=query, timeout=30_000)
    seconds = time.perf_counter() - started
    _settle(page, counter)
    size, requests = counter.take()
    return seconds, size, requests


def _ui_run(browser, base: str, first: str, second: str) -> dict:
    context = browser.new_context(locale="ru-RU")
    try:
        page = context.new_page()
        counter = _Bytes(page)
        page.goto(f"{base}/search/")
        page.wait_for_selector("#search input")
        _settle(page, counter)
        page_bytes, _ = counter.take()
        first_s, first_bytes, first_requests = _ui_query(page, counter, first)
        second_s, second_bytes, second_requests = _ui_query(page, counter, second)
        results = page.eval_on_selector_all(".pagefind-ui__result-link", "links => links.length")
    finally:
        context.close()
    return {"page_bytes": page_bytes, "first_bytes": first_bytes, "first_requests": first_requests,
            "first_ui_ms": first_s * 1000, "second_bytes": second_bytes, "second_requests": second_requests,
            "second_ui_ms": second_s * 1000, "results_shown": results, "queries": [first, second]}


# As search.js loads it: the bundles listed in shards.json merged, through the view (pagefind-view.js) when there
# are several (it hides stale copies and keeps results with every word).
_API = """async ([base, query]) => {
  if (!window.__pf) {
    let shards = {};
    try { shards = await (await fetch(base + "/pagefind/shards.json")).json(); } catch (error) { /* one bundle */ }
    const merged = shards.merge || [];
    const viewed = merged.length > 0 || Boolean(shards.delta);
    const pf = await import(base + (viewed ? "/pagefind/view/pagefind.js" : "/pagefind/pagefind.js"));
    if (viewed) { pf.hide(shards.hide || [], shards.hidden_filters || {}); }
    for (const path of merged) { await pf.mergeIndex(base + "/pagefind/" + path); }
    if (shards.delta) { await pf.mergeIndex(base + "/pagefind/" + shards.delta, { mergeFilter: { [pf.DELTA]: "1" } }); }
    window.__pf = pf;
  }
  const started = performance.now();
  const search = await window.__pf.search(query);
  await Promise.all(search.results.slice(0, 5).map(r => r.data()));
  return [performance.now() - started, search.results.length];
}"""


def _api_run(browser, base: str, first: str, second: str) -> dict:
    """Pagefind's own search call over every bundle, the five first results' fragments loaded: no UI, no
    debounce. The first query's time includes loading Pagefind and merging the bundles."""
    context = browser.new_context(locale="ru-RU")
    try:
        page = context.new_page()
        page.goto(f"{base}/search/")
        first_ms, first_found = page.evaluate(_API, [base, first])
        second_ms, second_found = page.evaluate(_API, [base, second])
    finally:
        context.close()
    return {"first_api_ms": first_ms, "second_api_ms": second_ms, "first_found": first_found,
            "second_found": second_found}
