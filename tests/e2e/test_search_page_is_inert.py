"""The public search page shows whatever reaches Pagefind — filter values, titles, excerpts — as inert text, even
served with no Content-Security-Policy at all (a school's static host may send none). A curator can type
markup into their organisation's name or a case; nothing of it may run in a visitor's browser."""
from __future__ import annotations

from pathlib import Path

from http_support import static_host
from portal.extensions import db
from portal.models import Status
from portal.publish import publishing

PAYLOAD = '<img src=x onerror="window.__xss=1">'


def test_markup_in_names_titles_and_texts_stays_text_on_the_search_page(app, world, page):
    world.org_a.short_name = f"Школа {PAYLOAD}"
    case = world.rows[("cases", "a")]
    case.title = f"Турнир {PAYLOAD} шахматистов"
    case.summary = f"Итоги турнира {PAYLOAD}"
    case.body_md = f"Турнир шахматистов `{PAYLOAD}` и <script>window.__xss=2</script> текст"
    case.status = Status.PUBLISHED
    db.session.commit()
    report = publishing.run_build(app)
    assert report.ok, report.details
    with static_host(Path(app.config["BUILD_DIR"])) as base:  # a static host: no CSP header
        page.goto(f"{base}/search/?q=турнир")
        link = page.locator("#search .pagefind-ui__result-link").first
        link.wait_for()
        # The filter panel, with the organisation's name as a value of «Организация».
        page.locator("#search .pagefind-ui__filter-name", has_text="Организация").first.click()
        page.locator("#search label", has_text="onerror").first.wait_for()
        assert page.evaluate("window.__xss") is None
        assert page.locator("#search img").count() == 0 and page.locator("#search script").count() == 0
        labels = page.locator("#search .pagefind-ui__filter-label").all_inner_texts()
        assert any("‹img src=x onerror=”window.__xss=1”›" in label for label in labels), labels  # look-alikes
        assert PAYLOAD in link.inner_text()
