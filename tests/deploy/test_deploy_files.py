"""The deployment kit of deploy/ passes its own checkers (systemd-analyze verify, nginx -t) and agrees with the
portal: every setting in the environment file, the gunicorn settings of `portal serve --production`, commands
that exist, the container image built where an engine runs."""
from __future__ import annotations

import os
import re
import runpy
import shlex
import shutil
import subprocess
import sys
import time
import urllib.error
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from portal import assets, production
from portal.cli import main
from portal.config import BY_NAME, PROJECT_ROOT, SETTINGS

DEPLOY = PROJECT_ROOT / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("portal-*.*"))
INSTALLED_PORTAL = "/opt/portal/venv/bin/portal"


def portal_commands() -> list[list[str]]:
    """Every `portal …` command line of the units, the compose file and the Containerfile."""
    commands = []
    for unit in UNITS:
        for line in unit.read_text(encoding="utf-8").splitlines():
            if line.startswith("ExecStart=") and INSTALLED_PORTAL in line:
                commands.append(shlex.split(line.split("=", 1)[1])[1:])
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    commands += [service["command"][1:] for service in compose["services"].values()
                 if service.get("command", [""])[0] == "portal"]
    commands.append(["serve", "--production"])  # the Containerfile's CMD, checked below
    return commands


def test_the_units_pass_systemd_analyze_verify(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed (Debian package systemd; `make test` installs it)")
    assert {unit.name for unit in UNITS} == {"portal-web.service", "portal-worker.service", "portal-backup.service",
                                              "portal-backup.timer"}
    # verify checks that each ExecStart program exists: the portal of this venv stands in for /opt/portal's.
    here = Path(sys.executable).with_name("portal")
    for unit in UNITS:
        (tmp_path / unit.name).write_text(unit.read_text(encoding="utf-8").replace(INSTALLED_PORTAL, str(here)),
                                          encoding="utf-8")
    result = subprocess.run([analyze, "verify", "--man=no", *sorted(str(p) for p in tmp_path.iterdir())],
                            capture_output=True, text=True, timeout=120)
    # Unknown keys and bad values are only warnings to systemd: any line about our units fails the test.
    ours = [line for line in (result.stdout + result.stderr).splitlines() if "portal-" in line]
    assert result.returncode == 0 and not ours, result.stdout + result.stderr


def test_the_unit_commands_are_commands_of_the_portal():
    # Options are parsed before --help is acted on: an option the command lacks fails here.
    runner = CliRunner()
    for command in portal_commands():
        result = runner.invoke(main, [*command, "--help"])
        assert result.exit_code == 0, (command, result.output)
    # `python -m portal` is the command too (`portal serve --production` starts its worker so).
    result = subprocess.run([sys.executable, "-m", "portal", "worker", "--help"], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr


def write_nginx_conf(folder: Path, head: str = "") -> None:
    """A main nginx.conf in `folder` that includes the portal.conf written beside it."""
    mime = "/etc/nginx/mime.types"
    (folder / "nginx.conf").write_text(f"""
{head}
pid {folder}/nginx.pid;
error_log stderr;
events {{}}
http {{
    {f'include {mime};' if Path(mime).exists() else ''}
    access_log off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    include {folder}/portal.conf;
}}
""", encoding="utf-8")


def test_the_nginx_configuration_passes_nginx_t(tmp_path):
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if nginx is None:
        pytest.skip("nginx is not installed (Debian package nginx; `make test` installs it)")
    proxy = tmp_path / "portal_proxy.conf"
    shutil.copy(DEPLOY / "nginx" / "portal_proxy.conf", proxy)
    site = (DEPLOY / "nginx" / "portal.conf").read_text(encoding="utf-8").replace("/etc/nginx/portal_proxy.conf",
                                                                                   str(proxy))
    (tmp_path / "portal.conf").write_text(site, encoding="utf-8")
    write_nginx_conf(tmp_path)
    result = subprocess.run([nginx, "-t", "-p", str(tmp_path), "-e", "stderr", "-c", str(tmp_path / "nginx.conf")],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0 and "test is successful" in result.stderr, result.stderr


def test_the_nginx_configuration_proxies_the_dynamic_paths_and_caches_hashed_files_for_a_year():
    conf = (DEPLOY / "nginx" / "portal.conf").read_text(encoding="utf-8")
    for location in ("location /admin/", "location /q/", "location /apply/", "location = /healthz"):
        block = conf.split(location, 1)[1].split("}", 1)[0]
        assert "proxy_pass http://portal_app;" in block and "portal_proxy.conf" in block, location
    assert "gzip on;" in conf and "add_header X-Frame-Options DENY always;" in conf
    proxy = (DEPLOY / "nginx" / "portal_proxy.conf").read_text(encoding="utf-8")
    assert "X-Forwarded-For" in proxy and "X-Request-ID $request_id" in proxy
    (pattern,) = re.findall(r'location ~ "(\^/static/[^"]+)"', conf)
    block = conf.split(pattern, 1)[1].split("}", 1)[0]
    assert "max-age=31536000, immutable" in block
    for name in list(assets.manifest("site").values()):
        assert re.match(pattern, f"/static/{name}"), name
    for name in assets.manifest("site"):
        assert not re.match(pattern, f"/static/{name}"), name  # plain names are not cached a year


def settings_lines(text: str) -> dict[str, tuple[bool, str]]:
    """PORTAL_NAME → (set, value) for each `PORTAL_NAME=value` or `#PORTAL_NAME=value` line."""
    found: dict[str, tuple[bool, str]] = {}
    for line in text.splitlines():
        match = re.match(r"^(#?)PORTAL_([A-Z0-9_]+)=(.*)$", line)
        if match:
            name = match.group(2)
            assert name not in found, f"PORTAL_{name} twice"
            found[name] = (match.group(1) == "", match.group(3))
    return found


def test_the_environment_file_lists_every_setting_with_its_help_and_default():
    text = (DEPLOY / "portal.env").read_text(encoding="utf-8")
    found = settings_lines(text)
    assert set(found) == {s.name for s in SETTINGS}, "deploy/portal.env and portal/config.py differ"
    comments = " ".join(line[2:] for line in text.splitlines() if line.startswith("# "))
    for setting in SETTINGS:
        is_set, value = found[setting.name]
        assert " ".join(setting.help.split()) in comments, f"help of PORTAL_{setting.name}"
        if is_set:
            setting.parse(value)  # a value the portal reads
        elif setting.default is not None and setting.name != "CONTENT_DIR":
            default = str(setting.default).lower() if isinstance(setting.default, bool) else str(setting.default)
            assert value == default, f"PORTAL_{setting.name}: the file says {value!r}, the portal {default!r}"


def test_the_gunicorn_configuration_file_is_what_portal_serve_production_runs(monkeypatch):
    for name in ("HOST", "PORT", "WEB_WORKERS", "WEB_THREADS", "WEB_TIMEOUT"):
        monkeypatch.delenv(f"PORTAL_{name}", raising=False)
    monkeypatch.setenv("PORTAL_WEB_WORKERS", "3")
    values = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    options = production.options()
    assert options["workers"] == 3
    assert {key: values[key] for key in options} == options


def test_the_container_image_and_compose_file_run_the_portal():
    containerfile = (DEPLOY / "Containerfile").read_text(encoding="utf-8")
    for source in re.findall(r"^COPY (?!--from)(.+) \S+$", containerfile, re.MULTILINE):
        for name in source.split():
            assert (PROJECT_ROOT / name).exists(), name
    assert 'CMD ["portal", "serve", "--production"]' in containerfile and "/healthz" in containerfile
    environment = re.findall(r"PORTAL_([A-Z0-9_]+)=", containerfile)
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    services = compose["services"]
    assert {"web", "worker", "postgres", "redis"} <= set(services)
    assert services["web"]["command"] == ["portal", "serve", "--production"]
    assert services["worker"]["command"][:2] == ["portal", "worker"]
    environment += [name.removeprefix("PORTAL_") for name in services["web"]["environment"]]
    unknown = [name for name in environment if name not in BY_NAME]
    assert not unknown, f"not settings of the portal: {unknown}"
    assert services["web"]["environment"]["PORTAL_QUEUE_URL"].startswith("redis://")


def _engine() -> str | None:
    for engine in ("docker", "podman"):
        if shutil.which(engine) and subprocess.run([engine, "info"], capture_output=True,
                                                   timeout=30).returncode == 0:
            return engine
    return None


def test_the_image_builds_where_a_container_engine_runs():
    engine = _engine()
    if engine is None:
        pytest.skip("no container engine runs here (`docker info` fails: no daemon); the image is not built")
    result = subprocess.run([engine, "build", "-f", str(DEPLOY / "Containerfile"), "-t", "mentoring-portal:test",
                             str(PROJECT_ROOT)], capture_output=True, text=True, timeout=1800)
    assert result.returncode == 0, result.stderr[-3000:]



def test_nginx_with_this_configuration_serves_the_site_and_proxies_the_portal(app, tmp_path):
    """nginx for real, on a free port: pages and hashed files with their caching and headers, /healthz and the admin
    through the proxy with nginx's request id."""
    import socket
    import threading
    import urllib.request

    from werkzeug.serving import make_server

    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    if nginx is None:
        pytest.skip("nginx is not installed (Debian package nginx; `make test` installs it)")
    site = tmp_path / "site"
    (site / "static").mkdir(parents=True)
    (site / "index.html").write_text("<!doctype html><title>Главная</title>" + "<p>текст</p>" * 200, encoding="utf-8")
    hashed = assets.asset("site.css")
    (site / "static" / hashed).write_bytes(b"body { color: black; }\n" * 100)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    conf = (DEPLOY / "nginx" / "portal.conf").read_text(encoding="utf-8")
    conf = (conf.replace("server 127.0.0.1:5000;", f"server 127.0.0.1:{server.server_port};")
            .replace("listen 80;", f"listen 127.0.0.1:{port};").replace("listen [::]:80;", "")
            .replace("root /var/lib/portal/build;", f"root {site};")
            .replace("/etc/nginx/portal_proxy.conf", str(DEPLOY / "nginx" / "portal_proxy.conf")))
    (tmp_path / "portal.conf").write_text(conf, encoding="utf-8")
    # As root, nginx's workers would be `nobody`, who cannot read pytest's private temporary folder.
    write_nginx_conf(tmp_path, ("user root;\n" if os.geteuid() == 0 else "") + "daemon off;")
    process = subprocess.Popen([nginx, "-p", str(tmp_path), "-e", "stderr", "-c", str(tmp_path / "nginx.conf")],
                               stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"

    def get(path: str, **headers):
        request = urllib.request.Request(base + path, headers=headers)
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()

    try:
        for _ in range(100):
            try:
                status, headers, _ = get("/")
                break
            except OSError:
                assert process.poll() is None, process.stderr.read()
                time.sleep(0.1)
        assert status == 200 and headers["Cache-Control"] == "no-cache"
        assert headers["X-Frame-Options"] == "DENY" and "frame-ancestors 'none'" in headers["Content-Security-Policy"]
        status, headers, _ = get(f"/static/{hashed}", **{"Accept-Encoding": "gzip"})
        assert status == 200 and headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert headers["Content-Encoding"] == "gzip" and headers["X-Content-Type-Options"] == "nosniff"
        status, headers, body = get("/healthz")
        assert status == 200 and b'"status":"ok"' in body.replace(b" ", b"")
        assert re.fullmatch(r"[0-9a-f]{32}", headers["X-Request-ID"])  # nginx's $request_id, passed through
        status, headers, _ = get("/admin/login")
        assert status == 200 and "script-src 'self';" in headers["Content-Security-Policy"]  # the admin's own
    finally:
        process.terminate()
        process.communicate(timeout=30)
        server.shutdown()
        server.server_close()
