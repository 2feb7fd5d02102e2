"""A large site's search in several Pagefind bundles: which pages go where, what a build indexes again, and the
search page finding pages of every bundle in Chromium."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from http_support import russian_page, static_host

from portal.publish import search_shards
from portal.publish.search_index import build_search_index
from tests_support import found_on_search_page, write_search_page


def html(title: str, text: str, related: str = "") -> str:
    aside = f'<aside data-pagefind-ignore><h2>Похожие</h2><div><p>{related}</p><div></div></div></aside>' if related else ""
    return (f'<!doctype html><html lang="ru"><head><meta charset="utf-8"><title>{title}</title></head><body>'
            f'<main data-pagefind-body><h1>{title}</h1><p>{text}</p>'
            f'<span data-pagefind-filter="Раздел" hidden>{title.split()[0]}</span></main>{aside}</body></html>')


# --- What Pagefind reads of a page -------------------------------------------------------------------------------

def test_the_digest_ignores_what_pagefind_ignores_and_nothing_else():
    base = html("Кейс один", "Наставник и ученик.", related="Кейс два")
    assert search_shards.digest(base.encode()) == search_shards.digest(
        html("Кейс один", "Наставник и ученик.", related="Совсем другой список").encode())
    assert search_shards.digest(base.encode()) != search_shards.digest(
        html("Кейс один", "Наставник и ученица.", related="Кейс два").encode())
    # Text after a nested ignored element still counts; a void element with the attribute cuts only itself.
    nested = '<main data-pagefind-body><div data-pagefind-ignore><div>x</div></div><p>{}</p></main>'
    assert search_shards.digest(nested.format("а").encode()) != search_shards.digest(nested.format("б").encode())
    void = '<main data-pagefind-body><img data-pagefind-ignore src="a.png"><p>{}</p></main>'
    assert search_shards.digest(void.format("а").encode()) != search_shards.digest(void.format("б").encode())
    assert search_shards.digest(b"<main><p>no body attribute</p></main>") is None


def test_a_small_site_is_one_bundle_and_a_large_one_equal_parts_cut_by_address():
    small = {f"cases/{n}/index.html": "d" for n in range(5)}
    plan, _ = search_shards.plan(small, 10, None)
    assert list(plan.shards) == [search_shards.PRIMARY] and plan.dirty == {search_shards.PRIMARY}

    pages = {f"cases/{n}/index.html": "d" for n in range(25)} | {f"news/{n}/index.html": "d" for n in range(12)}
    pages |= {"about/index.html": "d", "documents/index.html": "d"}
    plan, state = search_shards.plan(pages, 10, None)
    assert state["groups"] == {"*": 4}
    assert sorted(plan.shards) == ["part-1", "part-2", "part-3", search_shards.PRIMARY]
    assert sum(len(p) for p in plan.shards.values()) == len(pages)
    # Parts of the whole site, not of a section: cases and news share bundles.
    assert sum(1 for paths in plan.shards.values() if {p.split("/")[0] for p in paths} >= {"cases", "news"}) >= 2
    assert plan.dirty == set(plan.shards)  # nothing to compare with

    # The same pages again: nothing to do. One page changed, one removed: their bundles only.
    again, _ = search_shards.plan(dict(pages), 10, state)
    assert again.dirty == set()
    changed = dict(pages, **{"cases/7/index.html": "other"})
    del changed["news/3/index.html"]
    after, _ = search_shards.plan(changed, 10, state)
    assert after.dirty == {search_shards.shard_of("cases/7/index.html", state["groups"]),
                           search_shards.shard_of("news/3/index.html", state["groups"])}
    # Another bundle size, or a site grown past a cut: every bundle of the new cut.
    assert search_shards.plan(dict(pages), 20, state)[0].dirty == set(search_shards.plan(pages, 20, None)[0].shards)
    grown = dict(pages, **{f"news/{n}/index.html": "d" for n in range(12, 17)})  # 44 = 1.1 × 40: still four
    assert search_shards.plan(grown, 10, state)[1]["groups"] == {"*": 4}
    grown["news/17/index.html"] = "d"
    assert search_shards.plan(grown, 10, state)[1]["groups"] == {"*": 5}


def test_a_site_keeps_its_cut_within_a_tenth_of_its_bounds():
    """One page removed and added again must not re-index every bundle twice."""
    pages = {f"cases/{n}/index.html": "d" for n in range(31)}
    _, state = search_shards.plan(pages, 10, None)
    assert state["groups"] == {"*": 4}
    fewer = dict(list(pages.items())[:28])  # 28 > 0.9 × 30: still four parts, only the removed pages' bundles
    plan, kept = search_shards.plan(fewer, 10, state)
    assert kept["groups"] == {"*": 4} and plan.dirty < set(plan.shards)
    smaller = dict(list(pages.items())[:27])  # 27 = 0.9 × 30: three parts
    assert search_shards.plan(smaller, 10, kept)[1]["groups"] == {"*": 3}
    # A state cut by sections (before the whole-site cut) is cut again.
    assert search_shards.plan(pages, 10, dict(state, groups={"cases": 4}))[0].dirty == set(plan.shards)


# --- Building the bundles -----------------------------------------------------------------------------------------

def write(root: Path, pages: dict[str, str]) -> None:
    for path, text in pages.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")


WORDS = ["шахматы", "робототехника", "театр", "волонтёры", "олимпиада", "хор"]


def region_pages() -> dict[str, str]:
    pages = {f"cases/case-{n}/index.html": html(f"Кейс {n}", f"Наставник ведёт кружок: {WORDS[n % 6]}.", "Кейс 0")
             for n in range(9)}
    pages |= {f"news/item-{n}/index.html": html(f"Новость {n}", f"Наставники провели встречу: {WORDS[n % 6]}.")
              for n in range(6)}
    pages["about/index.html"] = html("Программа", "О программе наставничества в городе.")
    pages["index.html"] = "<html lang='ru'><body><main><p>Наставники</p></main></body></html>"  # not indexed
    return pages


@pytest.fixture
def sharded(tmp_path: Path) -> tuple[Path, object]:
    site = tmp_path / "site"
    write(site, region_pages())
    return site, build_search_index(site, timeout=60, shard_pages=4)


def test_a_large_site_gets_merged_bundles_listed_for_the_search_page(sharded):
    site, report = sharded
    assert report.pages == 16 and report.reindexed_pages == 16
    listed = json.loads((site / "pagefind" / "shards.json").read_text(encoding="utf-8"))["merge"]
    assert report.shards == len(listed) + 1 > 2
    assert (site / "pagefind" / "pagefind-ui.js").is_file()
    for path in listed:
        entry = json.loads((site / "pagefind" / path / "pagefind-entry.json").read_text(encoding="utf-8"))
        assert entry["languages"]["ru"]["page_count"] >= 1
    assert not [p for p in site.iterdir() if p.name.startswith(".pagefind-source")]


def test_an_incremental_build_indexes_only_the_bundles_whose_text_changed(sharded):
    site, first = sharded
    state = first.state
    bundles = {p.name: sorted(f.name for f in p.rglob("*")) for p in (site / "pagefind" / "shards").iterdir()}

    # A related list changed (ignored by Pagefind) and one case's text changed.
    (site / "cases/case-1/index.html").write_text(html("Кейс 1", f"Наставник ведёт кружок: {WORDS[1]}.", "Новый список"),
                                                 encoding="utf-8")
    (site / "cases/case-2/index.html").write_text(html("Кейс 2", "Наставник ведёт кружок: керамика."),
                                                 encoding="utf-8")
    second = build_search_index(site, timeout=60, shard_pages=4, previous=state,
                                rendered=["/cases/case-1/", "/cases/case-2/", "/events.ics"])
    changed = search_shards.shard_of("cases/case-2/index.html", state["groups"])
    assert second.reindexed_shards == 1 and second.reindexed_pages == len(
        [p for p, (s, _) in state["pages"].items() if s == changed])
    after = {p.name: sorted(f.name for f in p.rglob("*")) for p in (site / "pagefind" / "shards").iterdir()}
    assert {name for name in bundles if after[name] != bundles[name]} <= {changed}
    assert second.state["pages"]["cases/case-2/index.html"] != state["pages"]["cases/case-2/index.html"]

    # A page gone from the site (Frozen-Flask removed its file): its bundle is indexed again without it.
    news = "news/item-4/index.html"
    (site / news).unlink()
    third = build_search_index(site, timeout=60, shard_pages=4, previous=second.state, rendered=[])
    assert third.reindexed_shards == 1 and third.pages == 15 and news not in third.state["pages"]


def test_a_lost_bundle_is_made_again(sharded):
    site, first = sharded
    lost = json.loads((site / "pagefind" / "shards.json").read_text(encoding="utf-8"))["merge"][0]
    shutil.rmtree(site / "pagefind" / lost)
    again = build_search_index(site, timeout=60, shard_pages=4, previous=first.state, rendered=[])
    assert again.reindexed_shards == 1 and (site / "pagefind" / lost / "pagefind-entry.json").is_file()


def test_a_bundle_other_than_the_one_the_state_describes_is_indexed_again(sharded):
    """A site put back from a copy holds bundles of another build: the state's pages must not be trusted."""
    site, first = sharded
    state = json.loads(json.dumps(first.state))
    some = next(name for name in state["bundles"] if name != search_shards.PRIMARY)
    state["bundles"][some] = "0" * 24
    again = build_search_index(site, timeout=60, shard_pages=4, previous=state, rendered=[])
    assert again.reindexed_shards == 1 and again.state["bundles"][some] not in (None, "0" * 24)


# --- The search page over merged bundles, in Chromium ------------------------------------------------------------

@pytest.fixture
def search_page(sharded) -> Path:
    """The sharded site with a search page like the portal's: its search.js merges the listed bundles."""
    site, _ = sharded
    write_search_page(site)
    return site


def test_the_search_page_finds_pages_of_every_bundle(search_page, browser):
    with russian_page(browser) as page, static_host(search_page) as url:
        found_everywhere(page, url)


def found_everywhere(page, url: str) -> None:
    page.goto(f"{url}/search/?q=наставники")
    message = page.locator("#search .pagefind-ui__message")
    # Every case and news page (several bundles; «наставник», «наставники» by Russian stemming).
    message.filter(has_text="Найдено: 15 —").wait_for()
    for query, expected in (("робототехнику", ["/cases/case-1/", "/cases/case-7/", "/news/item-1/"]),
                            ("городе", ["/about/"])):  # the primary bundle
        assert found_on_search_page(page, query, len(expected)) == expected
    page.locator("#search .pagefind-ui__search-input").fill("керамика")
    message.filter(has_text="Ничего не найдено").wait_for()


def test_a_result_has_every_word_of_the_query_whatever_bundle_holds_it(search_page, browser):
    """Pagefind leaves a word out in a bundle that lacks it: there, every page of the other word matched."""
    with russian_page(browser) as page, static_host(search_page) as url:
        page.goto(f"{url}/search/")
        for query, expected in (("робототехнику кружок", ["/cases/case-1/", "/cases/case-7/"]),  # not news 1
                                ("робототехника встречу", ["/news/item-1/"]),
                                ("наставник зззз", None)):  # a word no bundle knows is left out, as in one index
            if expected is None:
                page.locator("#search .pagefind-ui__search-input").fill(query)
                page.locator("#search .pagefind-ui__message").filter(has_text="Найдено: 15 —").wait_for()
            else:
                assert found_on_search_page(page, query, len(expected)) == expected
        page.locator("#search .pagefind-ui__search-input").fill("городе наставники")  # no page has both
        page.locator("#search .pagefind-ui__message").filter(has_text="Ничего не найдено").wait_for()


def test_bundles_too_large_to_index_side_by_side_are_indexed_one_at_a_time(tmp_path, monkeypatch):
    """Pagefind holds a bundle's index in memory: two large bundles at once would break a build's memory bound."""
    from portal.publish import search_index

    workers = []

    class Recording(search_index.ThreadPoolExecutor):
        def __init__(self, max_workers):
            workers.append(max_workers)
            super().__init__(max_workers=max_workers)

    monkeypatch.setattr(search_index, "ThreadPoolExecutor", Recording)
    write(tmp_path / "site", region_pages())
    for parallel_pages, expected in ((7, 1), (100, 2)):  # bundles of 4 to 6 pages: two of them hold 8 or more
        monkeypatch.setattr(search_index, "PARALLEL_PAGES", parallel_pages)
        build_search_index(tmp_path / "site", timeout=60, shard_pages=6, workers=2)
        assert workers[-1] == expected
