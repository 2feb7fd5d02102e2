"""Issue 18, finding 10: files of imports never saved do not stay in instance/imports/ forever, and `portal serve`
does not announce its software versions in the Server header."""
from __future__ import annotations

import io
import os
import threading
import time
import urllib.request
from pathlib import Path

from werkzeug.serving import make_server


def test_an_import_file_left_for_more_than_a_day_is_removed(app, world, editor_client):
    folder = Path(app.instance_path) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    stale, fresh = folder / "abandoned-token-abandoned-token", folder / "recent-token-recent-token-1"
    stale.write_bytes(b"x"), fresh.write_bytes(b"y")
    day_ago = time.time() - 25 * 60 * 60
    os.utime(stale, (day_ago, day_ago))
    table = "ФИО;Роль;Организация\nНовый Наставник;наставник;Школа A\n".encode()
    response = editor_client.post("/admin/registry/import", data={"check": "1", "file": (io.BytesIO(table), "r.csv")},
                                  content_type="multipart/form-data")
    assert response.status_code == 200
    assert not stale.exists() and fresh.exists()


def test_serve_sends_no_software_versions(app):
    from portal.serve import RequestHandler

    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=RequestHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{server.server_port}/admin/login") as response:
            header = response.headers.get("Server", "")
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
    assert "Werkzeug" not in header and "Python" not in header
