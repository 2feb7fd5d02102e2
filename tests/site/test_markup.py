"""Every built page is well-formed for assistive technology: one h1, headings in order, images with alt text,
unique ids, labelled landmarks, Russian language — checked over the whole built site, not a sample."""
from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest

from portal.extensions import db
from portal.models import Status
from portal.publish import publishing


class Outline(HTMLParser):
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__()
        self.headings: list[int] = []
        self.ids: Counter = Counter()
        self.problems: list[str] = []
        self.open: list[str] = []
        self.lang = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "html":
            self.lang = attributes.get("lang")
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.headings.append(int(tag[1]))
        if attributes.get("id"):
            self.ids[attributes["id"]] += 1
        if tag == "img" and "alt" not in attributes:
            self.problems.append(f"<img> without alt: {attributes.get('src')}")
        if tag == "a" and "a" in self.open:
            self.problems.append("a link inside a link")
        if tag == "nav" and not attributes.get("aria-label") and not attributes.get("aria-labelledby"):
            self.problems.append("<nav> without a label")
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag):
        if tag in self.open:
            while self.open and self.open.pop() != tag:
                pass


@pytest.fixture
def site(app, world) -> Path:
    for key in (("cases", "a"), ("cases", "b"), ("news", "a"), ("events", "a"), ("roadmaps", "a")):
        world.rows[key].status = Status.PUBLISHED
    db.session.commit()
    report = publishing.run_build(app)
    assert report.ok, report.details
    return Path(app.config["BUILD_DIR"])


def test_every_page_has_one_h1_ordered_headings_alt_texts_and_unique_ids(site):
    problems = {}
    pages = [p for p in site.rglob("*.html") if "pagefind" not in p.parts]
    for page in pages:
        html = page.read_text(encoding="utf-8")
        if 'http-equiv="refresh"' in html:
            continue  # redirect pages of old addresses: a link and nothing else
        outline = Outline()
        outline.feed(html)
        found = list(outline.problems)
        if outline.lang != "ru":
            found.append(f"lang={outline.lang!r}")
        if outline.headings.count(1) != 1:
            found.append(f"{outline.headings.count(1)} h1")
        for before, after in zip(outline.headings, outline.headings[1:]):
            if after > before + 1:
                found.append(f"h{before} → h{after}")
        found += [f"id {name!r} ×{n}" for name, n in outline.ids.items() if n > 1]
        if found:
            problems[str(page.relative_to(site))] = found
    assert len(pages) > 20 and not problems, problems
