"""Markdown → sanitized HTML, and slugs from Russian titles."""
from __future__ import annotations

import pytest

from portal import slugs
from portal.text import render_markdown


def test_markdown_renders_lists_tables_and_russian_quotes():
    html = render_markdown('"Наставник" года\n\n1. раз\n2. два\n\n| А | Б |\n|---|---|\n| 1 | 2 |')
    assert "«Наставник»" in html
    assert "<ol>" in html and "<table>" in html


@pytest.mark.parametrize("payload", [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[клик](javascript:alert(1))",
    "![x](javascript:alert(1))",
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    "<svg onload=alert(1)>",
    "<iframe src=https://evil.example></iframe>",
    '<div style="background:url(javascript:alert(1))">x</div>',
])
def test_dangerous_markup_is_removed(payload):
    html = render_markdown(payload)
    for bad in ("<script", "onerror", "javascript:", "data:text", "<svg", "<iframe", "style="):
        assert bad not in html


def test_links_get_noopener():
    assert 'rel="noopener noreferrer"' in render_markdown("[сайт](https://example.org)")


def test_empty_markdown_is_empty_html():
    assert render_markdown("") == "" and render_markdown("   ") == "" and render_markdown(None) == ""


@pytest.mark.parametrize("title,slug", [
    ("Дорожная карта МБОУ «СОШ № 5»", "dorozhnaya-karta-mbou-sosh-5"),
    ("Фестиваль наставнических тандемов — 2025", "festival-nastavnicheskikh-tandemov-2025"),
    ("Щедрый ёжик и объявление", "shchedryy-yozhik-i-obyavlenie"),
    ("Школа юных журналистов", "shkola-yunykh-zhurnalistov"),
    ("  ", ""),
])
def test_slugify_transliterates_russian(title, slug):
    assert slugs.slugify(title) == slug


def test_long_titles_are_cut_at_a_word():
    slug = slugs.slugify("Очень длинное название мероприятия " * 10)
    assert len(slug) <= slugs.MAX_LENGTH and not slug.endswith("-")


def test_unique_adds_a_number():
    assert slugs.unique("kejs", set()) == "kejs"
    assert slugs.unique("kejs", {"kejs", "kejs-2"}) == "kejs-3"
    assert slugs.unique("", set()) == "item"


def test_control_characters_are_stripped_but_line_breaks_kept():
    from portal.text import strip_control_characters

    assert strip_control_characters("Этап\x00 1\x0b\tначало\r\nконец\x7f") == "Этап 1\tначало\r\nконец"
    assert strip_control_characters(None) is None and strip_control_characters([1]) == [1]


WORD_PASTE = """<html xmlns:o="urn:schemas-microsoft-com:office:office"><head><style>p.MsoNormal{margin:0}</style></head>
<body><!--[if gte mso 9]><xml><w:WordDocument></w:WordDocument></xml><![endif]-->
<h1 class=MsoTitle>Итоги года</h1><p class=MsoNormal><b>24 пары</b> провели <span style="color:red">встречи</span>
<o:p></o:p></p><ul><li class=MsoListParagraph>Первое</li><li>Второе</li></ul><ol><li>Раз</li><li>Два</li></ol>
<table class=MsoTableGrid><tr><td>Этап</td><td>Сроки</td></tr><tr><td>1</td><td>сентябрь</td></tr></table>
<p><a href="https://example.org/plan">План</a> <a href="javascript:alert(1)">опасно</a></p>
<script>alert(1)</script><img src=x onerror=alert(1)></body></html>"""


def test_a_paste_from_word_keeps_headings_lists_bold_links_and_tables():
    from portal.text import markdown_from_html

    markdown = markdown_from_html(WORD_PASTE)
    assert markdown.startswith("# Итоги года")
    assert "**24 пары** провели встречи" in markdown
    assert "- Первое\n- Второе" in markdown and "1. Раз\n2. Два" in markdown
    assert "| Этап | Сроки |\n| --- | --- |\n| 1 | сентябрь |" in markdown
    assert "[План](https://example.org/plan)" in markdown
    for junk in ("Mso", "style", "color", "alert", "javascript", "<", "w:WordDocument"):
        assert junk not in markdown, junk
    html = render_markdown(markdown)
    assert "<h1>Итоги года</h1>" in html and "<table>" in html and "<strong>24 пары</strong>" in html
