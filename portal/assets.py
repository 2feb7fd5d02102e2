"""Static files under names that change with their content (`site.css` → `site.3f9a1c2b7e.css`), so that a
browser, nginx or a CDN may keep them for a year and still never serve last release's styles.

- templates link `url_for('site.static', filename=asset('site.css'))` (`asset(name, 'admin')` in the admin);
- the app serves a hashed name from the plain file, with a year's Cache-Control (`init_app`); an unknown hash
  (a page of an older release) is a 404 rather than the wrong file under a name cached for a year;
- a build writes the hashed copies and `static/manifest.json` (plain name → hashed name) into the site
  (`write_manifest`, called by portal/publish/build.py); the plain names stay too, for old links.

The names are computed once per process from the package's files: a new release restarts the processes.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from functools import lru_cache
from pathlib import Path

from flask import Flask, abort, g

from portal.config import PACKAGE_DIR

HASH_LENGTH = 10
LONG_CACHE = "public, max-age=31536000, immutable"
MANIFEST = "manifest.json"
FOLDERS = {"site": PACKAGE_DIR / "static" / "site", "admin": PACKAGE_DIR / "static" / "admin"}
ENDPOINTS = {"site.static": "site", "admin.static": "admin"}
HASHED = re.compile(r"^(?P<stem>.+)\.(?P<hash>[0-9a-f]{%d})(?P<suffix>\.[A-Za-z0-9]+)$" % HASH_LENGTH)
_HASHED_PATH = re.compile(r"/static/[^?#]+\.[0-9a-f]{%d}\.[A-Za-z0-9]+$" % HASH_LENGTH)


def hashed_name(name: str, data: bytes) -> str:
    digest = hashlib.sha256(data).hexdigest()[:HASH_LENGTH]
    stem, dot, suffix = name.rpartition(".")
    return f"{stem}.{digest}.{suffix}" if dot and stem and "/" not in suffix else f"{name}.{digest}"


@lru_cache(maxsize=None)
def manifest(folder: str = "site") -> dict[str, str]:
    """Plain name → hashed name of every file of static/<folder>/ (paths relative to it, with '/')."""
    root = FOLDERS[folder]
    return {path.relative_to(root).as_posix(): hashed_name(path.relative_to(root).as_posix(), path.read_bytes())
            for path in sorted(root.rglob("*")) if path.is_file()}


@lru_cache(maxsize=None)
def _plain_names(folder: str) -> dict[str, str]:
    return {hashed: plain for plain, hashed in manifest(folder).items()}


def asset(name: str, folder: str = "site") -> str:
    """The hashed name of static/<folder>/<name>, for url_for(…static, filename=…) in templates."""
    return manifest(folder)[name]


def is_hashed(path: str) -> bool:
    """Is this address a hashed asset (cached for a year)? `portal serve` and the bucket sync ask."""
    return bool(_HASHED_PATH.search("/" + path.lstrip("/")))


def init_app(app: Flask) -> None:
    """`asset` for templates; the static views of the site and admin blueprints answer hashed names too (the
    URL's filename is turned back into the plain one before the view runs: the view stays Flask's own, which
    Frozen-Flask recognises when it freezes the plain files)."""
    app.add_template_global(asset)

    @app.url_value_preprocessor
    def plain_filename(endpoint: str | None, values: dict | None) -> None:
        folder = ENDPOINTS.get(endpoint or "")
        if folder is None or not values or not HASHED.match(values.get("filename", "").rsplit("/", 1)[-1]):
            return
        plain = _plain_names(folder).get(values["filename"])
        if plain is None:  # a hash of another release: not the file cached under that name for a year
            abort(404)
        values["filename"] = plain
        g.hashed_asset = True

    @app.after_request
    def cache_for_a_year(response):
        if g.get("hashed_asset") and response.status_code in (200, 304):
            response.headers["Cache-Control"] = LONG_CACHE
        return response


def write_manifest(site: Path, folder: str = "site") -> dict[str, str]:
    """Write the hashed copies of static/<folder>/ and static/manifest.json into a built site; what it wrote."""
    root, target = FOLDERS[folder], site / "static"
    names = manifest(folder)
    for plain, hashed in names.items():
        destination = target / hashed
        if destination.is_file():
            continue  # the same name is the same content
        destination.parent.mkdir(parents=True, exist_ok=True)
        temporary = destination.with_name(f".{destination.name}.{os.getpid()}.tmp")
        temporary.write_bytes((root / plain).read_bytes())
        os.replace(temporary, destination)
    temporary = target / f".{MANIFEST}.{os.getpid()}.tmp"
    temporary.write_text(json.dumps(names, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(temporary, target / MANIFEST)
    return names
