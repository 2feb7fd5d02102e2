"""The site's version (part of every page's fingerprint) covers the code the site app really loads."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from portal.site import version


def test_the_site_version_covers_what_the_site_renders():
    modules = version.site_modules()
    # Charts and reports of questionnaire results are drawn by the site; the old hand-kept list missed them.
    for name in ("portal.monitoring.charts", "portal.monitoring.reports", "portal.site.views", "portal.site.feeds",
                 "portal.site.open_data", "portal.text", "portal.monitoring.public", "portal.publish.build"):
        assert name in modules, name
    # The admin is never loaded by the site app: a change there republishes nothing.
    assert not [name for name in modules if name.startswith(("portal.admin", "portal.search", "portal.cli"))]


def test_a_change_in_a_rendering_module_changes_the_version(monkeypatch, tmp_path):
    charts = version.module_path("portal.monitoring.charts")
    before = version.site_version()
    changed = tmp_path / "charts.py"
    changed.write_text(charts.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    real = version.module_path

    monkeypatch.setattr(version, "module_path",
                        lambda name: changed if name == "portal.monitoring.charts" else real(name))
    assert version.site_version() != before


def test_the_module_list_is_kept_for_the_next_process_while_the_code_stays_the_same(app, monkeypatch):
    """Finding the modules takes a fresh interpreter (about 2 s of every `portal build`): once per code."""
    cache = Path(app.instance_path) / version.CACHE_FILE
    version.site_modules.cache_clear()  # this process's memory: a new process starts without it
    try:
        found = version.site_modules()
        assert json.loads(cache.read_text(encoding="utf-8"))["modules"] == list(found)

        version.site_modules.cache_clear()
        monkeypatch.setattr(version, "_listed", lambda: pytest.fail("listed again for the same code"))
        assert version.site_modules() == found

        # Other code (an update): listed again, and kept for it.
        version.site_modules.cache_clear()
        monkeypatch.setattr(version, "_code_digest", lambda: "another release")
        monkeypatch.setattr(version, "_listed", lambda: ("portal", "portal.site"))
        assert version.site_modules() == ("portal", "portal.site")
        assert json.loads(cache.read_text(encoding="utf-8"))["code"] == "another release"

        # A damaged file is no list: found again.
        cache.write_text("{not json", encoding="utf-8")
        version.site_modules.cache_clear()
        assert version.site_modules() == ("portal", "portal.site")
    finally:
        version.site_modules.cache_clear()  # no made-up list for the next test
