"""Pagefind reads only the pages it indexes (hard links to the pages with `data-pagefind-body`)."""
from __future__ import annotations

from pathlib import Path

from portal.publish import search_index
from portal.publish.search_index import build_search_index


def page(title: str, body: bool) -> str:
    main = "<main data-pagefind-body>" if body else "<main>"
    return (f'<!doctype html><html lang="ru"><head><title>{title}</title></head><body>{main}<h1>{title}</h1>'
            "<p>Наставники и наставляемые школы.</p></main></body></html>")


def write(root: Path, pages: dict[str, str]) -> Path:
    for path, text in pages.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")
    return root


def test_only_pages_with_a_body_are_handed_to_pagefind_and_the_links_are_removed(tmp_path, monkeypatch):
    site = write(tmp_path / "site", {"cases/a/index.html": page("Кейс А", True),
                                     "cases/page/2/index.html": page("Список", False),
                                     "news/b/index.html": page("Новость Б", True)})
    handed = []
    original = search_index._pagefind

    def spy(source, output, timeout):
        handed.extend(sorted(p.relative_to(source).as_posix() for p in source.rglob("*.html")))
        return original(source, output, timeout)

    monkeypatch.setattr(search_index, "_pagefind", spy)
    report = build_search_index(site)
    assert handed == ["cases/a/index.html", "news/b/index.html"]
    assert report.pages == 2
    assert (site / "pagefind" / "pagefind.js").is_file()
    assert not [p for p in site.iterdir() if p.name.startswith(search_index.SOURCE_DIR)]
    assert (site / "cases/page/2/index.html").is_file()  # the site itself is untouched


def test_without_any_body_attribute_pagefind_reads_the_whole_site(tmp_path):
    site = write(tmp_path / "site", {"a/index.html": page("Первая", False), "b/index.html": page("Вторая", False)})
    report = build_search_index(site)
    assert report.pages == 2 and report.state is None  # nothing to compare with next time: indexed whole again
