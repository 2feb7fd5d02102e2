"""Search between folds: the pages changed since the main bundles were indexed go into a small delta bundle, the
main bundles' stale copies and removed pages are hidden, and a visitor sees every page once (in Chromium)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from http_support import russian_page, static_host

from portal.publish import search_delta, search_shards
from portal.publish.search_index import build_search_index
from tests_support import found_on_search_page, write_search_page

WORDS = ["шахматы", "робототехника", "театр", "волонтёры", "олимпиада", "хор"]
SHARD_PAGES = 6  # 16 pages in three parts, each holding some (and the added case 9 falls in one of them)
ANY_DELTA = (50, 0)  # delta_limits: a delta however small the bundles (the real floor is for a region's sizes)


def html(title: str, text: str) -> str:
    return (f'<!doctype html><html lang="ru"><head><meta charset="utf-8"><title>{title}</title></head><body>'
            f'<main data-pagefind-body><h1>{title}</h1><p>{text}</p>'
            f'<span data-pagefind-filter="Раздел" hidden>{title.split()[0]}</span></main></body></html>')


def write(root: Path, pages: dict[str, str]) -> None:
    for path, text in pages.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_text(text, encoding="utf-8")


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.fixture
def indexed(tmp_path: Path):
    site = tmp_path / "site"
    pages = {f"cases/case-{n}/index.html": html(f"Кейс {n}", f"Наставник ведёт кружок: {WORDS[n % 6]}.")
             for n in range(9)}
    pages |= {f"news/item-{n}/index.html": html(f"Новость {n}", f"Наставники провели встречу: {WORDS[n % 6]}.")
              for n in range(6)}
    pages["about/index.html"] = html("Программа", "О программе наставничества в городе.")
    write(site, pages)
    return site, build_search_index(site, timeout=60, shard_pages=SHARD_PAGES)


def edit_site(site: Path) -> list[str]:
    """Case 1 no longer speaks of robotics, news 1 (robotics) is removed, case 9 is new: what was rendered."""
    (site / "cases/case-1/index.html").write_text(html("Кейс 1", "Наставник ведёт кружок: керамика."),
                                                 encoding="utf-8")
    (site / "news/item-1/index.html").unlink()
    write(site, {"cases/case-9/index.html": html("Кейс 9", "Наставник ведёт кружок: керамика и роспись.")})
    return ["/cases/case-1/", "/cases/case-9/", "/news/item-1/"]


def test_fragment_ids_name_each_page_of_a_bundle(indexed):
    site, first = indexed
    ids = {}
    for name in first.state["bundles"]:
        folder = site / "pagefind" if name == search_shards.PRIMARY else site / "pagefind" / "shards" / name
        ids |= search_delta.fragment_ids(folder)
    assert sorted(ids) == sorted(first.state["pages"])
    assert all(page_id.startswith("ru_") for page_id in ids.values())


def test_a_few_changed_pages_go_into_a_delta_and_the_main_bundles_stay(indexed):
    site, first = indexed
    main_before = {path: data for path, data in files_of(site / "pagefind").items()}
    shards = site / "pagefind" / "shards"
    old_ids = {**search_delta.fragment_ids(shards / first.state["pages"]["cases/case-1/index.html"][0]),
               **search_delta.fragment_ids(shards / first.state["pages"]["news/item-1/index.html"][0])}

    second = build_search_index(site, timeout=60, shard_pages=SHARD_PAGES, previous=first.state, rendered=edit_site(site),
                                fold=False, delta_limits=ANY_DELTA)

    assert second.reindexed_shards == 0 and second.reindexed_pages == 2 and second.pages == 16
    after = files_of(site / "pagefind")
    # Every file of the main bundles is as it was; only the delta and shards.json are new (the view, through which
    # the search page reads several bundles, was there already).
    changed = {path for path in after if main_before.get(path) != after[path]}
    assert {path.split("/")[0] for path in changed} == {"delta", "shards.json"}
    assert "view/pagefind.js" in main_before
    index = json.loads(after["shards.json"])
    assert index["delta"] == "delta/"
    assert sorted(index["hide"]) == sorted([old_ids["cases/case-1/index.html"], old_ids["news/item-1/index.html"]])
    assert sorted(search_delta.fragment_ids(site / "pagefind" / "delta")) == ["cases/case-1/index.html",
                                                                             "cases/case-9/index.html"]
    # The state still describes the main bundles, with the delta beside them.
    assert second.state["pages"] == first.state["pages"]
    assert sorted(second.state["delta"]["pages"]) == ["cases/case-1/index.html", "cases/case-9/index.html"]

    # Nothing more changed: the delta bundle stays as it is.
    third = build_search_index(site, timeout=60, shard_pages=SHARD_PAGES, previous=second.state, rendered=[],
                               fold=False, delta_limits=ANY_DELTA)
    assert third.reindexed_pages == 0 and files_of(site / "pagefind") == after

    # A change reverted leaves the delta too: case 1 back as it was is the main bundle's copy again.
    (site / "cases/case-1/index.html").write_text(html("Кейс 1", f"Наставник ведёт кружок: {WORDS[1]}."),
                                                 encoding="utf-8")
    fourth = build_search_index(site, timeout=60, shard_pages=SHARD_PAGES, previous=third.state, rendered=["/cases/case-1/"],
                                fold=False, delta_limits=ANY_DELTA)
    assert sorted(fourth.state["delta"]["pages"]) == ["cases/case-9/index.html"]
    assert json.loads((site / "pagefind" / "shards.json").read_text())["hide"] == [old_ids["news/item-1/index.html"]]


def test_a_fold_indexes_the_changed_bundles_and_empties_the_delta(indexed):
    site, first = indexed
    second = build_search_index(site, timeout=60, shard_pages=SHARD_PAGES, previous=first.state, rendered=edit_site(site),
                                fold=False, delta_limits=ANY_DELTA)
    folded = build_search_index(site, timeout=60, shard_pages=SHARD_PAGES, previous=second.state, rendered=[])
    assert folded.reindexed_shards >= 1 and "delta" not in folded.state
    assert not (site / "pagefind" / "delta").exists() and (site / "pagefind" / "view" / "pagefind.js").is_file()
    assert json.loads((site / "pagefind" / "shards.json").read_text()).keys() == {"merge"}
    assert "cases/case-9/index.html" in folded.state["pages"] and "news/item-1/index.html" not in folded.state["pages"]


def test_too_many_changes_or_small_bundles_fold_at_once(indexed):
    site, first = indexed
    rendered = edit_site(site)
    for limits in ((2, 0), (50, 100)):  # three changes over a limit of two; bundles of 6 pages under 100
        state = json.loads(json.dumps(first.state))
        report = build_search_index(site, timeout=60, shard_pages=SHARD_PAGES, previous=state, rendered=rendered,
                                    fold=False, delta_limits=limits)
        assert report.reindexed_shards >= 1 and "delta" not in report.state


def test_the_schedule_folds_a_delta_once_it_is_old_enough():
    assert not search_delta.fold_due(None) and not search_delta.fold_due({"pages": {}})
    state = {"delta": {"pages": {"a/index.html": "x"}, "hide": [], "since": 1000.0}}
    assert not search_delta.fold_due(state, now=1000.0 + search_delta.FOLD_AFTER_SECONDS - 1)
    assert search_delta.fold_due(state, now=1000.0 + search_delta.FOLD_AFTER_SECONDS)


# --- In Chromium: every page once, no removed page ---------------------------------------------------------------

def test_the_search_page_shows_each_page_once_and_never_a_removed_one(indexed, browser):
    site, first = indexed
    build_search_index(site, timeout=60, shard_pages=SHARD_PAGES, previous=first.state, rendered=edit_site(site),
                       fold=False, delta_limits=ANY_DELTA)
    write_search_page(site)
    with russian_page(browser) as page, static_host(site) as url:
        page.goto(f"{url}/search/?q=наставники")
        message = page.locator("#search .pagefind-ui__message")
        # 16 pages: case 1 in the delta only (its old copy hidden), news 1 gone, case 9 new.
        message.filter(has_text="Найдено: 15 —").wait_for()
        for query, expected in (("робототехнику", ["/cases/case-7/"]),  # not case 1's old copy, not news 1
                                ("керамика", ["/cases/case-1/", "/cases/case-9/"]),  # the delta's pages, once
                                # The delta knows no «шахматы»: its pages of «наставник» alone are no match.
                                ("наставник шахматы", ["/cases/case-0/", "/cases/case-6/", "/news/item-0/"])):
            assert found_on_search_page(page, query, len(expected)) == expected
        page.locator("#search .pagefind-ui__search-input").fill("наставник")
        message.filter(has_text="Найдено: 15 —").wait_for()
        more = page.locator("#search .pagefind-ui__button")  # «Показать ещё»: five more each time
        for shown_now in (10, 15):
            more.click()
            page.wait_for_function(
                f"document.querySelectorAll('#search .pagefind-ui__result').length >= {shown_now}")
        page.wait_for_function("document.querySelectorAll('#search .pagefind-ui__result-link').length === 15")
        shown = page.locator("#search .pagefind-ui__result-link").evaluate_all(
            "(ls) => ls.map((a) => new URL(a.href).pathname)")
        assert len(shown) == len(set(shown)) == 15 and "/news/item-1/" not in shown


def test_a_word_on_many_pages_that_the_delta_lacks_leaves_the_delta_pages_out(indexed, browser):
    """A word on many pages is in every main bundle; the view asks the delta alone whether it has it (the bound
    of «many» is lowered here: this site is small)."""
    site, first = indexed
    build_search_index(site, timeout=60, shard_pages=SHARD_PAGES, previous=first.state, rendered=edit_site(site),
                       fold=False, delta_limits=ANY_DELTA)
    write_search_page(site)
    with russian_page(browser) as page, static_host(site) as url:
        page.add_init_script("globalThis.portalSearchRarePages = 0")
        page.goto(f"{url}/search/")
        # Cases 1 and 9 (the delta) speak of a mentor but of no meeting: not found for both words.
        news = ["/news/item-0/", "/news/item-2/", "/news/item-3/", "/news/item-4/", "/news/item-5/"]
        assert found_on_search_page(page, "наставники встречу", len(news)) == news
        # Words the delta has: its pages are found as any other (cases 0–9, case 1 once: its old copy is hidden).
        page.locator("#search .pagefind-ui__search-input").fill("наставник кружок")
        page.locator("#search .pagefind-ui__message").filter(has_text="Найдено: 10 —").wait_for()


def filter_counts(page) -> dict[str, str]:
    """The filter panel's «value (count)» labels, as the visitor reads them."""
    labels = page.locator("#search .pagefind-ui__filter-label").evaluate_all("(ls) => ls.map((l) => l.textContent)")
    return {label.rsplit(" (", 1)[0]: label.rsplit(" (", 1)[1].rstrip(")") for label in labels}


def test_filter_counts_leave_out_the_hidden_copies(indexed, browser):
    """Case 1's old copy and the removed news 1 are still in the main bundles' filter chunks: not counted."""
    site, first = indexed
    second = build_search_index(site, timeout=60, shard_pages=SHARD_PAGES, previous=first.state,
                                rendered=edit_site(site), fold=False, delta_limits=ANY_DELTA)
    hidden = json.loads((site / "pagefind" / "shards.json").read_text(encoding="utf-8"))["hidden_filters"]
    assert sorted(v["Раздел"] for v in hidden.values()) == [["Кейс"], ["Новость"]] and len(second.state["delta"]["hide"]) == 2
    write_search_page(site)
    with russian_page(browser) as page, static_host(site) as url:
        page.goto(f"{url}/search/")
        page.locator("#search .pagefind-ui__search-input").focus()  # the UI loads Pagefind and its filters
        page.locator("#search .pagefind-ui__filter-label").first.wait_for(state="attached")
        # Ten cases (0–9, case 1 once), five news items (1 removed), the programme page.
        assert filter_counts(page) == {"Кейс": "10", "Новость": "5", "Программа": "1"}
        page.locator("#search .pagefind-ui__search-input").fill("наставник")
        page.locator("#search .pagefind-ui__message").filter(has_text="Найдено: 15 —").wait_for()
        assert filter_counts(page) == {"Кейс": "10", "Новость": "5", "Программа": "0"}
        # Choosing a value: its results and the counts of the filtered search.
        page.locator("#search .pagefind-ui__filter-checkbox[value='Новость']").check()
        page.locator("#search .pagefind-ui__message").filter(has_text="Найдено: 5 —").wait_for()
        assert filter_counts(page)["Новость"] == "5"
