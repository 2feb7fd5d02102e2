"""The wheel runs anywhere: built from the package's sources alone, installed into a new virtual environment, and
driven from an empty folder with nothing of the checkout: init, demo, build and the production server.

Quick and still honest: the wheel is installed with `--no-deps --no-index` into a venv without pip, whose only
link to the project's venv is a .pth line naming its site-packages for the dependencies (Flask, gunicorn, …).
A directory named in a .pth file is not a site directory: the editable install of the checkout that lives
there (its own .pth finder) is not loaded, and the test checks that `portal` comes from the wheel.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest

from portal.config import PACKAGE_DIR, PROJECT_ROOT

pytestmark = pytest.mark.skipif(not (PROJECT_ROOT / "pyproject.toml").is_file(), reason="needs the sources")

DATA_FOLDERS = ("templates", "static", "migrations", "content")


@pytest.fixture
def wheel(tmp_path_factory) -> Path:
    """The wheel, built by pip from a copy of pyproject.toml, README.md and portal/ (a build writes into the
    source folder: never into the checkout, whose build/ is the published site)."""
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(PROJECT_ROOT / name, source / name)
    shutil.copytree(PACKAGE_DIR, source / "portal", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(out),
                             str(source)], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr[-3000:]
    (built,) = out.glob("mentoring_portal-*.whl")
    return built


def assert_the_wheel_carries_templates_static_files_migrations_and_content(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder in DATA_FOLDERS:
        files = [p for p in (PACKAGE_DIR / folder).rglob("*") if p.is_file() and "__pycache__" not in p.parts]
        assert files
        missing = [str(p.relative_to(PACKAGE_DIR)) for p in files
                   if f"portal/{p.relative_to(PACKAGE_DIR).as_posix()}" not in names]
        assert not missing, f"not in the wheel: {missing}"
    assert "portal/content/demo/users.yaml" in names  # the demo data set ships too


@pytest.fixture
def venv(wheel, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root)], check=True, timeout=120)
    python = root / "bin" / "python"
    purelib = subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    (Path(purelib) / "project-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    result = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
                             "--no-deps", "--no-index", str(wheel)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return root


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> tuple[int, dict, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def _wait_for(url: str, server: subprocess.Popen) -> tuple[int, dict, bytes]:
    for _ in range(300):  # gunicorn boots its workers; give up after a minute
        try:
            return _get(url)
        except (urllib.error.URLError, ConnectionError):
            assert server.poll() is None, server.stdout.read()
            time.sleep(0.2)
    pytest.fail("the production server did not answer")


def test_an_installed_wheel_runs_init_demo_build_and_the_production_server_in_an_empty_folder(wheel, venv, tmp_path):
    # One test, so that pytest-xdist builds the wheel once.
    assert_the_wheel_carries_templates_static_files_migrations_and_content(wheel)
    folder = tmp_path / "empty"
    folder.mkdir()
    port = _free_port()
    # Only what a service would have: no PORTAL_* of the test run, no PYTHONPATH to the checkout.
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("PORTAL_", "PYTHON", "VIRTUAL_ENV", "TEST_"))}
    env.update(PORTAL_PORT=str(port), PORTAL_WEB_WORKERS="1", PORTAL_WEB_THREADS="2", PATH=f"{venv / 'bin'}:/usr/bin:/bin")
    portal = str(venv / "bin" / "portal")

    def run(*args: str) -> subprocess.CompletedProcess:
        result = subprocess.run([portal, *args], cwd=folder, env=env, capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, f"portal {' '.join(args)}:\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}"
        return result

    where = subprocess.run([str(venv / "bin" / "python"), "-c",
                            "import portal, portal.config as c; print(portal.__file__); print(c.IN_CHECKOUT)"],
                           cwd=folder, env=env, capture_output=True, text=True, check=True).stdout.split()
    assert where == [str(Path(sysconfig.get_paths()["purelib"].replace(sys.prefix, str(venv)))
                         / "portal" / "__init__.py"), "False"], where

    run("init")
    demo = run("demo")
    assert "admin@example.org" in demo.stdout
    run("build")
    # State in the folder the commands ran in, none in site-packages.
    assert (folder / "instance" / "portal.db").is_file()
    assert (folder / "build" / "index.html").is_file()
    manifest = json.loads((folder / "build" / "static" / "manifest.json").read_text(encoding="utf-8"))
    assert (folder / "build" / "static" / manifest["site.css"]).is_file()
    assert not list(venv.rglob("portal.db"))

    server = subprocess.Popen([portal, "serve", "--production"], cwd=folder, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True, start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        status, headers, body = _wait_for(f"{base}/healthz", server)
        assert status == 200, body
        health = json.loads(body)
        assert health["status"] == "ok" and health["checks"]["build"]["status"] == "done"
        assert headers["Server"] == "gunicorn"  # not Werkzeug's development server
        status, _, page = _get(f"{base}/")
        assert status == 200 and manifest["site.css"].encode() in page
        status, headers, _ = _get(f"{base}/static/{manifest['site.css']}")
        assert status == 200 and "immutable" in headers["Cache-Control"]
        status, _, login = _get(f"{base}/admin/login")
        assert status == 200 and "Вход".encode() in login
        # systemctl reload: SIGHUP to gunicorn's master replaces the workers; the server keeps answering.
        os.kill(server.pid, signal.SIGHUP)
        time.sleep(1)
        status, _, _ = _wait_for(f"{base}/healthz", server)
        assert status == 200
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        output, _ = server.communicate(timeout=120)
    assert server.returncode == 0, output[-3000:]
    assert "GET /admin/login 200" in output  # the request log, on stderr
    assert "Handling signal: hup" in output
