"""What `portal serve` runs: the admin app at /admin/ and the published folder everywhere else,
answered as a static host would (folder → index.html, unknown address → 404.html with status 404)."""
from __future__ import annotations

import mimetypes
from pathlib import Path

from flask import Flask
from werkzeug.security import safe_join
from werkzeug.serving import WSGIRequestHandler
from werkzeug.wrappers import Request, Response

from portal import assets, logs, security_headers


class RequestHandler(WSGIRequestHandler):
    """Werkzeug's handler without «Werkzeug/… Python/…» in the Server header: versions help only an attacker."""

    def version_string(self) -> str:
        return "portal"


class PublishedSite:
    def __init__(self, admin_app: Flask, build_dir: str):
        self.admin_app = admin_app
        self.build_dir = Path(build_dir)
        self.static_app = logs.RequestLog(self._static_app)  # the site's requests are logged as the admin's are

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "/")
        # /q/: questionnaires answered at a public link are dynamic too (portal/respond/); so are the
        # applications posted from the site's «Стать наставником» and «Найти наставника» (portal/apply/);
        # /healthz: the checks.
        if path in ("/admin", "/healthz") or path.startswith(("/admin/", "/q/", "/apply/")):
            return self.admin_app(environ, start_response)
        return self.static_app(environ, start_response)

    def _static_app(self, environ, start_response):
        request = Request(environ)
        # What a static host should send too (the README shows it for nginx): the admin app adds its own.
        response = security_headers.add_headers(self.static(request), security_headers.site_headers(request.path))
        if response.status_code == 200 and assets.is_hashed(request.path):
            response.headers["Cache-Control"] = assets.LONG_CACHE  # its name changes with its content
        return response(environ, start_response)

    def static(self, request: Request) -> Response:
        if not (self.build_dir / "index.html").exists():
            return Response("Сайт ещё не опубликован: выполните «portal build» или нажмите «Опубликовать» в админке.",
                            status=404, mimetype="text/plain")
        relative = request.path.lstrip("/")
        if relative == "" or relative.endswith("/"):
            relative += "index.html"
        full = safe_join(str(self.build_dir), relative)
        if full and Path(full).is_dir() and (Path(full) / "index.html").is_file():
            return Response(status=301, headers={"Location": request.path + "/"})
        if not full or not Path(full).is_file():
            not_found = self.build_dir / "404.html"
            return Response(not_found.read_bytes() if not_found.exists() else b"Not found", status=404,
                            mimetype="text/html")
        mimetype = mimetypes.guess_type(full)[0] or "application/octet-stream"
        if mimetype.startswith("text/") or mimetype in ("application/json", "application/xml"):
            mimetype += "; charset=utf-8"
        return Response(Path(full).read_bytes(), content_type=mimetype)
