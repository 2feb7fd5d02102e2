"""Static files under hashed names: the site and the admin link them, every server answers them with a year's cache,
a build writes them and their manifest, and a change of content is a change of name."""
from __future__ import annotations

import json
import re
from pathlib import Path

from werkzeug.test import Client

from portal import assets
from portal.bucket import site_cache_control
from portal.config import PACKAGE_DIR
from portal.models import Status
from portal.extensions import db
from portal.publish import publishing
from portal.serve import PublishedSite

HASHED_LINK = re.compile(r'(?:href|src)="[^"]*static/([\w-]+\.[0-9a-f]{10}\.\w+)"')


def test_the_hashed_name_follows_the_content():
    assert assets.hashed_name("site.css", b"a") != assets.hashed_name("site.css", b"b")
    assert re.fullmatch(r"site\.[0-9a-f]{10}\.css", assets.asset("site.css"))
    assert assets.asset("admin.js", "admin").startswith("admin.")
    assert set(assets.manifest("site")) == {p.name for p in (PACKAGE_DIR / "static" / "site").iterdir()}


def test_the_admin_links_and_serves_its_files_under_hashed_names_for_a_year(app, client):
    page = client.get("/admin/login").get_data(as_text=True)
    linked = set(HASHED_LINK.findall(page))
    assert assets.asset("admin.css", "admin") in linked and assets.asset("admin.js", "admin") in linked
    # An icon of its own: without one a browser asks for /favicon.ico on every page, a 404 in the log each time.
    assert assets.asset("favicon.svg", "admin") in linked
    with client.get(f"/admin/static/{assets.asset('favicon.svg', 'admin')}") as icon:
        assert icon.status_code == 200 and icon.mimetype == "image/svg+xml"
    with client.get(f"/admin/static/{assets.asset('admin.css', 'admin')}") as response:
        assert response.status_code == 200 and response.headers["Cache-Control"] == assets.LONG_CACHE
        assert response.data == (PACKAGE_DIR / "static" / "admin" / "admin.css").read_bytes()
    with client.get("/admin/static/admin.css") as plain:  # old links still work, without the long cache
        assert plain.status_code == 200 and "immutable" not in plain.headers.get("Cache-Control", "")
    # A name of another release is not this release's file.
    assert client.get("/admin/static/admin.0123456789.css").status_code == 404


def test_a_build_writes_hashed_copies_and_the_manifest_and_its_pages_link_them(app, world):
    world.rows[("cases", "a")].status = Status.PUBLISHED
    db.session.commit()
    assert publishing.run_build(app).ok
    site = Path(app.config["BUILD_DIR"])
    manifest = json.loads((site / "static" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest == assets.manifest("site")
    for plain, hashed in manifest.items():
        assert (site / "static" / hashed).read_bytes() == (site / "static" / plain).read_bytes()
    for page in ("index.html", "search/index.html", f"cases/{world.rows[('cases', 'a')].slug}/index.html"):
        linked = set(HASHED_LINK.findall((site / page).read_text(encoding="utf-8")))
        assert linked and linked <= set(manifest.values()), page
        assert 'static/site.css"' not in (site / page).read_text(encoding="utf-8")
    # `portal serve` answers them with a year's cache, and the pages without.
    client = Client(PublishedSite(app, str(site)))
    response = client.get(f"/static/{manifest['site.css']}")
    assert response.status_code == 200 and response.headers["Cache-Control"] == assets.LONG_CACHE
    assert "immutable" not in client.get("/").headers.get("Cache-Control", "")
    assert publishing.run_build(app).ok  # a second build (in the spare folder) keeps them
    assert all((site / "static" / hashed).is_file() for hashed in manifest.values())


def test_a_bucket_keeps_hashed_files_a_year_and_plain_ones_an_hour():
    assert site_cache_control(f"static/{assets.asset('site.css')}") == assets.LONG_CACHE
    assert site_cache_control("static/site.css") == "public, max-age=3600"
    assert site_cache_control("static/manifest.json") == "no-cache"
