"""Every admin page of each role, in Chromium at a phone's 360 px and a laptop's 1366 px: the page never scrolls
sideways (wide tables scroll in their own box), the header's controls — the user, «Сайт», «Выйти», the
search — are inside the header and on the screen, and no English word of ours is anywhere a user reads (text,
options, hints, button labels): field names, statuses and values speak Russian."""
from __future__ import annotations

import re

import pytest

from tests_support import PASSWORD, admin_rules, url_for_rule

WIDTHS = (360, 1366)
# Not pages to look at: the login (a logged-in user is sent on), the stylesheets; files are told by their type.
NOT_PAGES = {"admin.login", "admin.static"}
OWN = {"admin": "a", "editor": "a", "curator_a": "a"}

LAYOUT = """(width) => {
  const bar = document.querySelector('header.topbar');  // previews show the public site's page instead
  if (!bar) return {scroll: document.documentElement.scrollWidth, hidden: []};
  const header = bar.getBoundingClientRect();
  const hidden = [...document.querySelectorAll('header.topbar .account > *, header.topbar form[role=search]')]
    .filter(e => { const r = e.getBoundingClientRect();
                   return r.left < 0 || r.right > width + 1 || r.top < header.top || r.bottom > header.bottom + 1; })
    .map(e => e.textContent.trim().slice(0, 30) || e.tagName);
  return {scroll: document.documentElement.scrollWidth, hidden};
}"""


# What a user reads besides the page's text: options of closed lists, hints on hover, placeholders, labels of
# icon buttons. Addresses, e-mails and file names are data, not our words.
READABLE = """() => [document.title, [...document.querySelectorAll('code, kbd')].reduce(  // code is code
      (text, code) => code.innerText.trim() ? text.split(code.innerText).join(' ') : text, document.body.innerText),
  ...[...document.querySelectorAll('option')].map(o => o.textContent),
  ...[...document.querySelectorAll('[title], [placeholder], [aria-label]')].flatMap(
      e => [e.getAttribute('title'), e.getAttribute('placeholder'), e.getAttribute('aria-label')]),
].filter(Boolean).join('\\n')"""
DATA = re.compile(r"\S+@\S+|https?://\S+|\b[\w.-]+\.(?:org|ru|рф|pdf|docx|xlsx|csv|odt|png|jpe?g|webp|ics|json|xml|zip)\b"
                  r"|\d{2}/[A-Za-zА-Яа-я]+", re.IGNORECASE)
# Words that are Russian usage: formats and standards as Russians write them, the product names users meet.
FORMATS = {"PDF", "DOCX", "XLSX", "CSV", "ODT", "TXT", "JPEG", "PNG", "WEBP", "JSON", "XML", "ZIP", "ICS", "HTML"}
ACCEPTED = {"iCalendar", "alt", "Word", "Excel", "LibreOffice", "Google", "Ctrl", "Cmd", "Mac", "Email", "RSS", "Atom"}
LATIN_WORD = re.compile(r"(?<![\w-])[A-Za-z][A-Za-z_]{2,}(?![\w-])")


def english_words(readable: str, names: set[str]) -> set[str]:
    """Latin words that are neither data (addresses, files, the test users' names) nor Russian usage."""
    return {word for word in LATIN_WORD.findall(DATA.sub(" ", readable))
            if word not in ACCEPTED and word.upper() not in FORMATS and word not in names}


def pages_of(app, world, role: str) -> list[str]:
    from admin.test_permissions import expected_status  # the matrix of who may open what

    urls = []
    for rule in admin_rules(app):
        if "GET" not in rule.methods or rule.endpoint in NOT_PAGES:
            continue
        if expected_status(role, rule, OWN[role]) != 200:
            continue
        urls.append(url_for_rule(rule, world, OWN[role]))
    return urls


@pytest.mark.parametrize("role", sorted(OWN))
def test_every_admin_page_fits_the_screen_with_its_header_controls(live_server, browser, app, world, role):
    urls = pages_of(app, world, role)
    assert len(urls) > 20
    names = {user.name for user in (world.admin, world.editor, world.curator_a, world.curator_b)}
    failures = []
    pages: dict[str, bool] = {}  # url → an HTML page, not an export or a file: asked at the first width only
    for width in WIDTHS:
        context = browser.new_context(locale="ru-RU", viewport={"width": width, "height": 800})
        page = context.new_page()
        page.goto(f"{live_server}/admin/login")
        page.fill("input[name=email]", getattr(world, role).email)
        page.fill("input[name=password]", PASSWORD)
        page.click("form.login button[type=submit], main form button[type=submit]")
        page.wait_for_url(f"{live_server}/admin/")
        for url in urls:
            if url not in pages:
                pages[url] = "text/html" in context.request.get(f"{live_server}{url}").headers["content-type"]
            if not pages[url]:
                continue  # an export or a file: a download, not a page
            response = page.goto(f"{live_server}{url}")
            assert response.status == 200, (url, response.status)
            found = page.evaluate(LAYOUT, width)
            if found["scroll"] > width or found["hidden"]:
                failures.append(f"{width} px {url}: page {found['scroll']} px wide, outside the header: "
                                f"{found['hidden']}")
            if width == WIDTHS[-1] and (english := english_words(page.evaluate(READABLE), names)):
                failures.append(f"{url}: English words {sorted(english)}")
        context.close()
    assert not failures, "\n".join(failures)
