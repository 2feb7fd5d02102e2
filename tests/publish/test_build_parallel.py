"""Rendering in forked processes (large builds): the same site as in one process, and failures still fail."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from portal.publish import build as build_module
from portal.publish import publishing

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="parallel rendering forks")


def pages(site: Path) -> dict[str, bytes]:
    # Pagefind's file names are hashes that differ between runs; open data carries the build's time.
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*")
            if p.is_file() and "pagefind" not in p.parts and "open-data" not in p.parts}


def test_pages_rendered_by_forked_helpers_are_the_pages_of_a_serial_build(published, monkeypatch):
    site = Path(published.config["BUILD_DIR"])
    serial = publishing.run_build(published, full=True)
    assert serial.ok, serial.details
    assert serial.phases["workers"] == 1  # a small site is not worth a fork
    expected = pages(site)

    monkeypatch.setattr(build_module, "PARALLEL_MIN_PAGES", 0)
    monkeypatch.setattr(build_module, "_workers", lambda: 3)
    parallel = publishing.run_build(published, full=True)
    assert parallel.ok, parallel.details
    assert parallel.phases["workers"] == 3
    assert parallel.pages_rendered == serial.pages_rendered
    assert parallel.rendered_paths == serial.rendered_paths
    assert pages(site) == expected


def test_a_page_failing_in_a_helper_fails_the_build_and_keeps_the_previous_site(published, monkeypatch):
    site = Path(published.config["BUILD_DIR"])
    assert publishing.run_build(published).ok
    before = pages(site)
    monkeypatch.setattr(build_module, "PARALLEL_MIN_PAGES", 0)
    monkeypatch.setattr(build_module, "_workers", lambda: 2)
    monkeypatch.setattr(build_module._Helper, "_render", staticmethod(lambda app, share: 1 / 0))
    report = publishing.run_build(published, full=True)
    assert not report.ok
    assert "ZeroDivisionError" in report.error
    assert pages(site) == before
