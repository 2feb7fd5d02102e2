"""The admin under load: gunicorn on loopback, N concurrent logged-in editors, a bounded number of requests each.

Each client logs in (its own session, CSRF token from the page as a browser gets it) and repeats a round:
the dashboard, a list page with filters (organisation, status, words), an edit page, and a save (POST of the
edit form with a changed summary; each client edits cases of its own, so saves never conflict). Latencies are
taken per kind of request. The admin search is measured apart, over the whole index, with one client.
With a pause, each editor waits 2–5 s before each request (the realistic scenario of issue #22: 50 editors).
Traffic goes to 127.0.0.1 only, and every loop is bounded in count and in time.
"""
from __future__ import annotations

import http.client
import os
import random
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from typing import Callable
from urllib.parse import urlencode

from .measure import percentile

KINDS = ("dashboard", "list", "edit", "save")
SEARCH_QUERIES = ["наставник", "молодой педагог", "фестиваль тандемов", "профориентация", "дорожная карта",
                  "олимпиада", "функциональная грамотность", "Иванова", "колледж", "конкурс лучший тандем",
                  "адаптация молодого специалиста", "школа искусств", "работодатели", "проектная деятельность"]
LIST_WORDS = ["опыт", "наставничество", "проект", "программа", "школы"]
TIME_LIMIT = 240.0  # seconds: a load step stops by itself after this, whatever is left of its rounds


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(instance: Path, workers: int | None = None,
                   threads: int | None = None) -> tuple[subprocess.Popen, int]:
    """gunicorn as `portal serve --production` runs it: the settings' processes and threads unless given."""
    from portal.config import from_environment

    from .tasks import BENCH_SECRET, database_url

    workers = workers or from_environment("WEB_WORKERS")
    threads = threads or from_environment("WEB_THREADS")

    port = free_port()
    env = {**os.environ, "PORTAL_INSTANCE_PATH": str(instance), "PORTAL_BUILD_DIR": str(instance / "build"),
           "PORTAL_SECRET_KEY": BENCH_SECRET}
    if database_url(instance):
        env["PORTAL_DATABASE_URL"] = database_url(instance)
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [str(gunicorn), "--bind", f"127.0.0.1:{port}", "--workers", str(workers), "--threads", str(threads),
               "--worker-class", "gthread", "--log-level", "warning", "--timeout", "120", "portal:create_app()"]
    # The request log goes to a file: a pipe nobody reads fills after 64 KB of log lines, and then every request
    # blocks on its log line (seen: the 50-editor run stalled for minutes and its latencies were the pipe's).
    log_file = (instance / "gunicorn.log").open("a")
    server = subprocess.Popen(command, cwd=Path(__file__).resolve().parent.parent, env=env,
                              stdout=subprocess.DEVNULL, stderr=log_file)
    log_file.close()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited: {(instance / 'gunicorn.log').read_text()[-2000:]}")
        try:
            Client(port).get("/admin/login")
            return server, port
        except OSError:
            time.sleep(0.2)
    stop(server)
    raise RuntimeError("gunicorn did not answer within 60 s")


def server_cpu(server: subprocess.Popen) -> float:
    """CPU seconds used so far by gunicorn's workers (user and system)."""
    from .measure import psutil

    if psutil is None:
        return 0.0
    total = 0.0
    for process in psutil.Process(server.pid).children(recursive=True):
        try:
            times = process.cpu_times()
            total += times.user + times.system
        except psutil.NoSuchProcess:
            pass
    return total


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


class _Form(HTMLParser):
    """The fields of the edit form (the one with a `version` field), as a browser would post them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[list[tuple[str, str]]] = []
        self._form: list | None = None
        self._textarea: str | None = None
        self._select: str | None = None
        self._select_value: str | None = None
        self._first_option: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._form = []
        elif self._form is None:
            return
        elif tag == "input" and a.get("name") and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self._form.append((a["name"], a.get("value") or ("y" if a.get("type") == "checkbox" else "")))
        elif tag == "textarea" and a.get("name"):
            self._textarea, self._text = a["name"], []
        elif tag == "select" and a.get("name"):
            self._select, self._select_value, self._first_option = a["name"], None, None
            self._multiple = "multiple" in a
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._first_option is None:
                self._first_option = value
            if "selected" in a:
                if self._multiple:
                    self._form.append((self._select, value))
                    self._select_value = value
                else:
                    self._select_value = value

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if self._form is None:
            return
        if tag == "textarea" and self._textarea is not None:
            # As a browser: line ends read as LF, the newline right after the start tag dropped, and every line
            # end posted as CRLF (the HTML standard's form submission).
            value = "".join(self._text).replace("\r\n", "\n").removeprefix("\n")
            self._form.append((self._textarea, value.replace("\n", "\r\n")))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            if not self._multiple:
                value = self._select_value if self._select_value is not None else self._first_option
                if value is not None:
                    self._form.append((self._select, value))
            self._select = None
        elif tag == "form":
            self.forms.append(self._form)
            self._form = None


def edit_form(html: str) -> list[tuple[str, str]]:
    parser = _Form()
    parser.feed(html)
    for form in parser.forms:
        if any(name == "version" for name, _ in form):
            return form
    raise ValueError("no edit form on the page")


class Client:
    """One browser: a keep-alive connection to the server and its cookies."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None) -> tuple[int, str, float, dict]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        try:
            self.connection.request(method, path, body=body.encode() if body else None, headers=headers)
            response = self.connection.getresponse()
            data = response.read()
        except (http.client.HTTPException, OSError):
            self.connection.close()  # the server closed a kept-alive connection: once more on a new one
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
            self.connection.request(method, path, body=body.encode() if body else None, headers=headers)
            response = self.connection.getresponse()
            data = response.read()
        elapsed = time.perf_counter() - started
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, data.decode("utf-8", "replace"), elapsed, dict(response.headers)

    def get(self, path: str) -> tuple[int, str, float, dict]:
        return self.request("GET", path)

    def post(self, path: str, fields: list[tuple[str, str]]) -> tuple[int, str, float, dict]:
        return self.request("POST", path, urlencode(fields))

    def login(self, email: str, password: str) -> None:
        status, html, _, _ = self.get("/admin/login")
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
        fields = [("csrf_token", unescape(token.group(1)) if token else ""), ("email", email),
                  ("password", password)]
        status, html, _, _ = self.post("/admin/login", fields)
        if status != 302:
            raise RuntimeError(f"login failed: {status} {html[:300]}")


def _targets(instance: Path) -> tuple[list[int], list[int]]:
    import sqlalchemy as sa

    from .tasks import database_url

    engine = sa.create_engine(database_url(instance) or f"sqlite:///{instance / 'portal.db'}")
    try:
        with engine.connect() as db:
            cases = list(db.scalars(sa.text("SELECT id FROM \"case\" WHERE status = 'published' ORDER BY id")))
            orgs = list(db.scalars(sa.text("SELECT organisation_id FROM \"case\" GROUP BY organisation_id "
                                           "ORDER BY count(*) DESC, organisation_id LIMIT 20")))
    finally:
        engine.dispose()
    return cases, orgs


def load(port: int, instance: Path, clients: int, rounds: int, pause: tuple[float, float] | None = None,
         logged_in: Callable[[], None] | None = None) -> dict:
    """`clients` editors at once, `rounds` rounds each (dashboard, list, edit, save): latencies per kind.

    With `pause` (low, high seconds) each editor waits a random time in that range before each request, as a
    person reading the page does (seeded per editor: the same run makes the same waits). `logged_in` is called once
    every editor has logged in, before the first request is timed: a login hashes a password on purpose (scrypt),
    and the server's CPU per request is read from then on."""
    from .region import PASSWORD, USERS

    cases, orgs = _targets(instance)
    timings: dict[str, list[float]] = {kind: [] for kind in KINDS}
    errors: list[str] = []
    lock = threading.Lock()
    barrier = threading.Barrier(clients, action=logged_in)
    deadline = time.monotonic() + TIME_LIMIT

    def editor(number: int) -> None:
        client = Client(port)
        waits = random.Random(number)

        def think() -> None:
            if pause:
                time.sleep(waits.uniform(*pause))
        try:
            client.login(USERS["editor"], PASSWORD)
        except Exception as error:  # noqa: BLE001
            errors.append(str(error))
            barrier.abort()
            return
        try:
            barrier.wait(timeout=120)
        except threading.BrokenBarrierError:
            return
        for round_ in range(rounds):
            if time.monotonic() > deadline:
                break
            case_id = cases[(number * 7919 + round_ * 31) % len(cases)]
            org = orgs[(number + round_) % len(orgs)]
            word = LIST_WORDS[(number + round_) % len(LIST_WORDS)]
            steps = [("dashboard", "GET", "/admin/", None), ("list", "GET",
                     f"/admin/cases/?{urlencode({'org': org, 'status': 'published', 'q': word})}", None),
                     ("edit", "GET", f"/admin/cases/{case_id}/edit", None)]
            for kind, method, path, _ in steps:
                think()
                status, html, seconds, _ = client.request(method, path)
                if status != 200:
                    errors.append(f"{kind} {path}: {status}")
                    continue
                with lock:
                    timings[kind].append(seconds)
            try:
                fields = [(k, v) for k, v in edit_form(html) if k not in ("preview",)]
            except ValueError as error:
                errors.append(f"edit form: {error}")
                continue
            fields = [(k, f"Краткое описание: правка {number}.{round_}." if k == "summary" else v)
                      for k, v in fields] + [("save", "1")]
            think()
            status, body, seconds, _ = client.post(f"/admin/cases/{case_id}/edit", fields)
            if status != 302:
                errors.append(f"save {case_id}: {status} " + ("form refused" if status == 200 else body[:200]))
                continue
            with lock:
                timings["save"].append(seconds)

    threads = [threading.Thread(target=editor, args=(n,)) for n in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    result = {"clients": clients, "rounds": rounds, "pause": pause, "wall": wall, "errors": errors[:10], "error_count": len(errors)}
    for kind, values in timings.items():
        result[kind] = _summary(values)
    done = sum(len(v) for v in timings.values())
    result["requests_per_second"] = done / wall if wall else 0
    return result


def search(port: int, repeat: int = 3) -> dict:
    """The admin search page over the whole index (an editor sees every row), one client."""
    from .region import PASSWORD, USERS

    client = Client(port)
    client.login(USERS["editor"], PASSWORD)
    times: list[float] = []
    deadline = time.monotonic() + TIME_LIMIT
    for _ in range(repeat):
        for query in SEARCH_QUERIES:
            if time.monotonic() > deadline:
                break
            status, _, seconds, _ = client.get(f"/admin/search?{urlencode({'q': query})}")
            if status == 200:
                times.append(seconds)
    return _summary(times)


def _summary(values: list[float]) -> dict:
    ms = [v * 1000 for v in values]
    return {"n": len(ms), "p50": percentile(ms, 50), "p95": percentile(ms, 95), "p99": percentile(ms, 99)}
