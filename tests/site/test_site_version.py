"""The site's version (part of every page's fingerprint) covers the code the site app really loads."""
from __future__ import annotations

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
