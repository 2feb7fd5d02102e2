"""The build's freezer (portal/publish/freezer.py): the pages of plain Frozen-Flask, without its test client; the
search digests taken as pages are written; the spare's bundles deleted aside (portal/publish/discard.py)."""
from __future__ import annotations

import json
import os
import shutil
import warnings
from pathlib import Path

import pytest
from flask_frozen import Freezer

from portal.publish import discard, publishing, search_index, search_shards, work_folder
from portal.publish import freezer as freezer_module
from portal.publish.freezer import ALWAYS, SiteFreezer, write_page
from portal.site import content
from portal.site.urls import addresses


def freeze(app, kind, destination: Path) -> dict[str, bytes]:
    site_app = publishing.site_app_for(app)
    site_app.config.update(FREEZER_DESTINATION=str(destination), FREEZER_RELATIVE_URLS=False,
                           SITE_RELATIVE_URLS=True, FREEZER_BASE_URL=site_app.config["SITE_URL"],
                           FREEZER_IGNORE_MIMETYPE_WARNINGS=True, FREEZER_REMOVE_EXTRA_FILES=False)
    defaults = list(site_app.url_default_functions.get(None, []))
    freezer = kind(site_app, with_no_argument_rules=False, log_url_for=False)
    with site_app.app_context(), content.use_snapshot(content.load()) as snapshot, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plan = [(a.endpoint, a.values, ALWAYS) for a in addresses(snapshot)]
        freezer.register_generator(lambda: iter(plan))
        freezer.freeze()
    site_app.url_default_functions[None] = defaults  # each Freezer adds its url_for logger to the kept app
    return {p.relative_to(destination).as_posix(): p.read_bytes() for p in destination.rglob("*") if p.is_file()}


def test_pages_are_the_bytes_plain_frozen_flask_writes(published, tmp_path):
    plain = freeze(published, Freezer, tmp_path / "plain")
    mine = freeze(published, SiteFreezer, tmp_path / "mine")
    # Open data carries the time it was made.
    assert {path for path in plain if "open-data" not in path} == {path for path in mine if "open-data" not in path}
    assert [path for path in plain if "open-data" not in path and plain[path] != mine[path]] == []
    assert len(plain) > 30


@pytest.mark.parametrize("url", ["/", "/cases/a-b/", "/cases/кейс/", "/news/page/2/", "/x%20y/", "/a b/"])
def test_a_request_has_the_environ_of_frozen_flasks_test_client(published, url):
    site_app = publishing.site_app_for(published)
    site_app.config["FREEZER_BASE_URL"] = "http://example.org/sub/"
    defaults = list(site_app.url_default_functions.get(None, []))
    freezer = SiteFreezer(site_app, with_static_files=False, with_no_argument_rules=False, log_url_for=False)
    seen = []
    site_app.before_request_funcs.setdefault(None, []).insert(0, lambda: seen.append(dict(
        __import__("flask").request.environ)))
    try:
        with site_app.app_context():
            site_app.test_client().get(url, base_url="http://example.org/sub/")
            freezer.render(url)
    finally:
        site_app.before_request_funcs[None].pop(0)
        site_app.url_default_functions[None] = defaults
    client, mine = ({k: v for k, v in environ.items() if not k.startswith("werkzeug.") and k != "wsgi.input"}
                    for environ in seen)
    assert mine == client


def test_a_page_with_new_bytes_replaces_its_file_and_one_with_the_same_bytes_keeps_it(tmp_path):
    published = tmp_path / "published.html"
    published.write_bytes(b"old")
    page = tmp_path / "site" / "page" / "index.html"
    page.parent.mkdir(parents=True)
    os.link(published, page)  # the work folder shares the published site's files
    write_page(page, b"old")
    assert os.path.samefile(page, published)
    write_page(page, b"new")
    assert page.read_bytes() == b"new" and published.read_bytes() == b"old"  # never written in place
    write_page(tmp_path / "site" / "other" / "index.html", b"fresh")
    assert (tmp_path / "site" / "other" / "index.html").read_bytes() == b"fresh"
    assert sorted(p.name for p in (tmp_path / "site").rglob("*") if p.is_file()) == ["index.html", "index.html"]


def test_a_full_build_indexes_with_the_digests_taken_while_rendering(published, monkeypatch):
    taken = {}
    real = search_index.build_search_index

    def spy(folder, **options):
        taken.update(options["known"])
        return real(folder, **options)

    monkeypatch.setattr("portal.publish.build.build_search_index", spy)
    report = publishing.run_build(published, full=True)
    assert report.ok, report.details
    site = Path(published.config["BUILD_DIR"])
    pages = {p.relative_to(site).as_posix() for p in site.rglob("*.html") if p.parts[len(site.parts)] != "pagefind"}
    assert set(taken) == pages
    assert all(taken[path] == search_shards.digest((site / path).read_bytes()) for path in pages)


def test_digests_known_are_not_read_again(tmp_path):
    page = tmp_path / "cases" / "a" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_bytes(b'<html lang="ru"><body><main data-pagefind-body><h1>A</h1></main></body></html>')
    read = search_index._digests(tmp_path, None, None, {})
    assert read == {"cases/a/index.html": search_shards.digest(page.read_bytes())}
    assert search_index._digests(tmp_path, None, None, {"cases/a/index.html": "known"}) == {
        "cases/a/index.html": "known"}


def test_a_full_build_in_the_spare_starts_its_search_index_empty_and_leaves_nothing_aside(published):
    assert publishing.run_build(published).ok
    assert publishing.run_build(published).ok  # the first site is the spare now
    site = Path(published.config["BUILD_DIR"])
    spare = work_folder.read_state(Path(published.config["INSTANCE_PATH"]) / work_folder.SPARE_STATE_FILE)
    assert spare
    stale = next(p for p in site.parent.iterdir() if p.name.startswith(f".{site.name}.spare-")) / "pagefind" / "x"
    stale.write_text("from an earlier run", encoding="utf-8")
    report = publishing.run_build(published, full=True)
    assert report.ok, report.details
    assert not (site / "pagefind" / "x").exists()
    assert not list(site.parent.glob(f".{site.name}{discard.PREFIX}*"))
    entry = json.loads((site / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert entry["languages"]["ru"]["page_count"] == report.indexed_pages


def test_what_a_killed_build_left_aside_is_swept(tmp_path):
    site = tmp_path / "build"
    site.mkdir()
    left = tmp_path / f".build{discard.PREFIX}123-456"
    (left / "fragment").mkdir(parents=True)
    (left / "fragment" / "a.pf_fragment").write_bytes(b"x")
    work_folder.recover(site)
    assert not left.exists() and site.is_dir()


def test_a_name_a_killed_build_left_linked_to_a_published_page_never_carries_a_write_into_it(tmp_path):
    """A killed build can leave `.index.html.<pid>.tmp` as a hard link to the live site's file; the next write of
    that page, or its private copy before Frozen-Flask writes it, must not change the live file."""
    live = tmp_path / "published.html"
    live.write_bytes(b"live")
    page = tmp_path / "site" / "index.html"
    page.parent.mkdir()
    os.link(live, page)
    os.link(live, page.with_name(f".{page.name}.{os.getpid()}.tmp"))
    other = tmp_path / "site" / "other.html"  # the private copy made before Frozen-Flask writes a page itself
    other.write_bytes(b"other")
    shutil.copy2(other, freezer_module._temporary(page))
    assert live.read_bytes() == b"live"
    write_page(page, b"new")
    assert page.read_bytes() == b"new" and live.read_bytes() == b"live"
