"""The Pagefind index of the published site: built from a tiny hand-written site, then searched in Chromium."""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect
from http_support import russian_page, static_host

from portal.publish.search_index import SearchIndexError, SearchIndexReport, build_search_index


# url -> (title, filter type, body text); each body page is what the site's templates will produce, in small.
BODY_PAGES = {
    "cases/shkola-5/index.html": ("Кейс школы № 5", "Кейс",
                                  "Ученик седьмого класса нашёл наставника в шахматном клубе."),
    "news/forum/index.html": ("Форум в Казани", "Новость",
                              "Наставляемые встретились с наставниками. Наставник из Перми рассказал о проекте."),
    "about/index.html": ("О программе", None, "Программа помогает школам Татарстана: расписание занятий и клубов."),
}


def html_page(title: str, body: str, *, lang: str = "ru") -> str:
    return (f'<!doctype html>\n<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title></head>\n'
            f"<body><nav>Главная · Кейсы · Новости · Наставники</nav>\n{body}\n</body></html>\n")


def write_site(root: Path) -> Path:
    for url, (title, kind, text) in BODY_PAGES.items():
        facet = f'<span data-pagefind-filter="тип:{kind}"></span>' if kind else ""
        body = f"<main data-pagefind-body><h1>{title}</h1>{facet}<p>{text}</p></main>"
        (root / url).parent.mkdir(parents=True, exist_ok=True)
        (root / url).write_text(html_page(title, body), encoding="utf-8")
    # The home page says «наставники» literally, but has no data-pagefind-body: it must stay out of the index.
    (root / "index.html").write_text(html_page("Главная", "<main><p>Наставники и наставляемые.</p></main>"),
                                     encoding="utf-8")
    return root


@pytest.fixture
def site(tmp_path: Path) -> Path:
    return write_site(tmp_path / "site")


@pytest.fixture
def indexed_site(site: Path) -> Path:
    build_search_index(site, timeout=60)
    return site


def test_indexes_only_pages_with_a_pagefind_body_into_a_russian_index(site):
    report = build_search_index(site, timeout=60)

    assert isinstance(report, SearchIndexReport)
    assert report.pages == len(BODY_PAGES)  # the home page, without data-pagefind-body, is left out
    assert report.words is not None and report.words > 10
    assert report.filters == {}  # Pagefind 1.5 does not print filter values
    assert 0 < report.seconds < 60
    bundle = site / "pagefind"
    for name in ("pagefind.js", "pagefind-ui.js", "pagefind-ui.css", "pagefind-entry.json"):
        assert (bundle / name).is_file(), name
    assert list((bundle / "index").glob("ru_*.pf_index"))
    assert list((bundle / "filter").glob("ru_*.pf_filter"))
    assert len(list((bundle / "fragment").glob("ru_*.pf_fragment"))) == len(BODY_PAGES)
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert list(entry["languages"]) == ["ru"]
    assert entry["languages"]["ru"]["page_count"] == len(BODY_PAGES)


def test_rebuilding_replaces_the_old_bundle(indexed_site):
    stale = indexed_site / "pagefind" / "fragment" / "ru_stale.pf_fragment"
    stale.write_bytes(b"old")
    (indexed_site / "news" / "forum" / "index.html").unlink()

    report = build_search_index(indexed_site, timeout=60)

    assert report.pages == len(BODY_PAGES) - 1
    assert not stale.exists()
    assert len(list((indexed_site / "pagefind" / "fragment").iterdir())) == len(BODY_PAGES) - 1


@pytest.mark.parametrize("content", [{}, {"notes.txt": "не страница", "style.css": "body {}"}],
                         ids=["empty", "no-html"])
def test_a_folder_without_html_fails_with_a_russian_message(tmp_path, content):
    for name, text in content.items():
        (tmp_path / name).write_text(text, encoding="utf-8")

    with pytest.raises(SearchIndexError, match="Поиск по сайту не построен") as raised:
        build_search_index(tmp_path, timeout=60)

    assert "Pagefind завершился с кодом 1" in str(raised.value)
    assert "not able to build an index" in str(raised.value)  # pagefind's own stderr tail is kept


def test_pages_with_nothing_to_index_fail_the_build(tmp_path):
    (tmp_path / "index.html").write_text(html_page("Пусто", "").replace("<body>", "<body data-pagefind-ignore=all>"),
                                         encoding="utf-8")
    with pytest.raises(SearchIndexError, match="Поиск по сайту не построен"):
        build_search_index(tmp_path, timeout=60)


def test_a_missing_folder_fails_with_a_russian_message(tmp_path):
    with pytest.raises(SearchIndexError, match="папка .* не найдена"):
        build_search_index(tmp_path / "build", timeout=60)


def test_a_timeout_fails_the_build(site):
    with pytest.raises(SearchIndexError, match="не уложился"):
        build_search_index(site, timeout=0.001)


# --- In a real browser -----------------------------------------------------------------------------------------

@pytest.fixture
def served(indexed_site: Path) -> Iterator[str]:
    """The indexed site served over HTTP on loopback, as a static host would serve build/."""
    with static_host(indexed_site) as url:
        yield url


@pytest.fixture
def page(browser):
    with russian_page(browser) as page:
        yield page


SEARCH_URLS = """async ([query, options]) => {
    const search = await window.pagefind.search(query, options);
    const data = await Promise.all(search.results.map((result) => result.data()));
    return data.map((page) => page.url).sort();
}"""


def test_the_js_api_stems_russian_words_and_filters_by_type(indexed_site, served, page):
    (indexed_site / "search.html").write_text(html_page("Поиск", """<script type="module">
        const pagefind = await import("/pagefind/pagefind.js");
        window.pagefind = pagefind;
    </script>"""), encoding="utf-8")
    page.goto(f"{served}/search.html")
    page.wait_for_function("window.pagefind !== undefined")

    # «наставники» only matches «наставника» through the Russian stemmer; the home page says «наставники»
    # word for word but has no data-pagefind-body.
    assert page.evaluate(SEARCH_URLS, ["наставники", {}]) == ["/cases/shkola-5/", "/news/forum/"]
    assert page.evaluate(SEARCH_URLS, ["наставник", {"filters": {"тип": "Кейс"}}]) == ["/cases/shkola-5/"]
    assert page.evaluate(SEARCH_URLS, ["наставник", {"filters": {"тип": "Новость"}}]) == ["/news/forum/"]
    assert page.evaluate("async () => await window.pagefind.filters()") == {"тип": {"Кейс": 1, "Новость": 1}}


def test_the_default_ui_finds_pages_and_speaks_russian(indexed_site, served, page):
    (indexed_site / "ui.html").write_text(html_page("Поиск", """
        <link href="/pagefind/pagefind-ui.css" rel="stylesheet">
        <script src="/pagefind/pagefind-ui.js"></script>
        <div id="search"></div>
        <script>window.addEventListener("DOMContentLoaded", () => new PagefindUI({element: "#search"}));</script>
    """), encoding="utf-8")
    page.goto(f"{served}/ui.html")
    search_input = page.locator("#search .pagefind-ui__search-input")

    assert search_input.get_attribute("placeholder") == "Поиск"
    search_input.fill("наставники")

    results = page.locator("#search .pagefind-ui__result-link")
    # The UI shows each result as its fragment arrives, so the first one may stand alone
    # for a moment; waiting for the count keeps a busy machine from reading half a list.
    expect(results).to_have_count(2)
    assert sorted(results.all_inner_texts()) == ["Кейс школы № 5", "Форум в Казани"]
    assert "результатов по запросу: наставники" in page.locator("#search .pagefind-ui__message").inner_text()
    assert page.locator("#search .pagefind-ui__filter-panel-label").inner_text() == "Фильтры"
