"""Frozen-Flask as the build uses it: each page requested from the site app in-process and written as a new file.

Frozen-Flask asks for every page through Werkzeug's test client: an environ built from the URL, a cookie jar, a
WSGI round trip, a test response wrapping the body. A region's 13 000 pages spent about a fifth of their
rendering time there (pyinstrument, issue #22). `SiteFreezer` dispatches the request through Flask itself (request
context, before/after-request hooks, error handlers, the same environ the test client would make) and takes the
body from the response. Any answer but 200 goes through Frozen-Flask's own handling (redirect policy, 404s, errors).

The body of each page is at hand once rendered, so the digest the search index needs of it (search_shards.digest)
is taken here, in whichever process rendered the page, instead of reading every page again afterwards.
"""
from __future__ import annotations

import io
import os
import shutil
import unicodedata
from datetime import datetime
from pathlib import Path
from urllib.parse import unquote

from flask.ctx import RequestContext
from flask.testing import EnvironBuilder
from flask_frozen import Freezer
from werkzeug.urls import iri_to_uri

from . import atomic, search_shards

NEVER = datetime(1970, 1, 1)
LINK = datetime(1970, 1, 2)  # not rendered: the published site's file, linked into the work folder
ALWAYS = datetime(9999, 1, 1)
REMOVE = datetime(1970, 1, 3)  # an address the work folder holds and the new site has not: its file is deleted


class SiteFreezer(Freezer):
    """Frozen-Flask that writes each page it renders as a new file instead of rewriting the old one in place,
    which in the work folder is the published site's own file (see work_folder.py)."""

    published: Path | None = None  # the published site, whose files LINK addresses take

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.digests: dict[str, str | None] = {}  # page (path under the site) → search digest, of pages rendered
        self._environ: tuple[str, dict] | None = None

    @property
    def root(self) -> Path:
        # Frozen-Flask works this path out four times per address; a region has 12 800 of them per build.
        cached = self.__dict__.get("_root")
        if cached is None or cached[0] != self.app.config["FREEZER_DESTINATION"]:
            cached = self.__dict__["_root"] = (self.app.config["FREEZER_DESTINATION"],
                                               Path(self.app.root_path) / self.app.config["FREEZER_DESTINATION"])
        return cached[1]

    def _build_one(self, url, last_modified=None):
        relative = unicodedata.normalize("NFC", self.urlpath_to_filepath(url))
        path = self.root / relative
        if last_modified is NEVER and path.is_file():
            return path  # what Frozen-Flask would decide, without its request set-up
        if last_modified is REMOVE:
            remove_page(path, self.root)
            return path
        if last_modified is LINK:
            source = self.published / relative if self.published is not None else None
            if source is not None and source.is_file():
                if _same_file(source, path):  # a page written with the same bytes keeps its file (write_page)
                    return path
                path.parent.mkdir(parents=True, exist_ok=True)
                linked = _temporary(path)
                atomic.link_or_copy(str(source), str(linked))
                os.replace(linked, path)
                return path
            last_modified = ALWAYS  # not there after all: rendered
        try:
            # Frozen-Flask keeps a file at least as new as `last_modified` (NEVER: a page left as it is).
            if last_modified is not None and datetime.fromtimestamp(path.stat().st_mtime) >= last_modified:
                return path
        except FileNotFoundError:
            pass
        data = self.render(url)
        if data is None:  # not a plain 200: Frozen-Flask's own handling, on a private copy of the file
            if path.is_file() and path.stat().st_nlink > 1:
                private = _temporary(path)
                shutil.copy2(path, private)
                os.replace(private, path)
            return super()._build_one(url, last_modified)
        write_page(path, data)
        if relative.endswith(".html"):
            self.digests[relative] = search_shards.digest(data)
        return path

    def render(self, url: str) -> bytes | None:
        """The body the test client would get for `url`, or None when the answer is not a 200."""
        app = self.app
        environ = self._environ_for(url)
        # app.request_context(environ), with a null session: a static site has no session to open or save.
        context = RequestContext(app, environ, session=app.session_interface.make_null_session(app))
        error: BaseException | None = None
        try:
            try:
                context.push()
                response = app.full_dispatch_request()
            except Exception as caught:  # as Flask.wsgi_app: the error handlers answer (or it propagates)
                error = caught
                response = app.handle_exception(caught)
            try:
                if response.status_code != 200:
                    return None
                return b"".join(response.iter_encoded())
            finally:
                response.close()
        finally:
            if error is not None and app.should_ignore_error(error):
                error = None
            context.pop(error)

    def _environ_for(self, url: str) -> dict:
        """The environ Frozen-Flask's test client makes for `url` (werkzeug.test.EnvironBuilder with the client's
        REMOTE_ADDR and User-Agent), from one made once per base URL."""
        base_url = self.app.config["FREEZER_BASE_URL"]
        if self._environ is None or self._environ[0] != base_url:
            client = self.app.test_client()
            builder = EnvironBuilder(self.app, "/", base_url=base_url, environ_base=client.environ_base)
            try:
                self._environ = (base_url, builder.get_environ())
            finally:
                builder.close()
        environ = dict(self._environ[1])
        raw = url.encode("utf-8").decode("latin-1")
        environ.update({"PATH_INFO": unquote(iri_to_uri(url)).encode("utf-8").decode("latin-1"),
                        "REQUEST_URI": raw, "RAW_URI": raw, "wsgi.input": io.BytesIO()})
        return environ


def write_page(path: Path, data: bytes) -> None:
    """The page's new bytes as a new file; a file with the same bytes stays as it is (its mtime too, for rsync).

    The old file may be the published site's own (a hard link): it is replaced, never written into."""
    try:
        with open(path, "rb") as old:
            if old.read() == data:
                return
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with open(path, "xb") as new:  # a file of its own, shared with nothing
                new.write(data)
            return
        except FileExistsError:
            pass
    temporary = _temporary(path)
    temporary.write_bytes(data)
    os.replace(temporary, path)


def _temporary(path: Path) -> Path:
    """A free name beside `path` to write and then rename over it. A name a killed build left may be a hard link
    to a published file: it is removed first, so that writing (or copying) into it never changes the live site."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.unlink(missing_ok=True)
    return temporary


def _same_file(first: Path, second: Path) -> bool:
    """One file under two names (a hard link): os.replace of one over the other would do nothing."""
    try:
        return os.path.samestat(first.stat(), second.stat())
    except FileNotFoundError:
        return False


def remove_page(path: Path, root: Path) -> None:
    """A page the new site has not: its file, and folders left empty up to the site's root."""
    try:
        path.unlink()
    except FileNotFoundError:
        return
    folder = path.parent
    while folder != root and root in folder.parents:
        try:
            folder.rmdir()
        except OSError:  # not empty
            break
        folder = folder.parent
