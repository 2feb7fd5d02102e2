"""Hostile text typed into the admin never becomes active markup, in the admin or on the built site."""
from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest

from portal.extensions import db
from portal.models import Case, Status
from portal.publish import publishing

PAYLOADS = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<svg onload=alert(1)>", "<svg><script>alert(1)</script>",
    "<iframe src=javascript:alert(1)>", "<a href=javascript:alert(1)>x</a>", "<a href='JaVaScRiPt:alert(1)'>x</a>",
    "<a href=' javascript:alert(1)'>x</a>", "<a href=&#106;avascript:alert(1)>x</a>", "[x](javascript:alert(1))",
    "[x](JAVASCRIPT:alert(1))", "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))", "![x\" onerror=\"alert(1)](x.png)", "<body onload=alert(1)>", "<input autofocus onfocus=alert(1)>",
    "<details open ontoggle=alert(1)>", "<math><mtext></mtext><mglyph><svg><mtext><style><img src onerror=alert(1)>",
    "<div style=\"background:url(javascript:alert(1))\">x</div>", "<div style=\"width:expression(alert(1))\">x</div>",
    "<style>*{background:url(javascript:alert(1))}</style>", "<object data=javascript:alert(1)>", "<embed src=javascript:alert(1)>",
    "<base href=javascript:alert(1)//>", "<meta http-equiv=refresh content='0;url=javascript:alert(1)'>",
    "<form action=javascript:alert(1)><button>x</button></form>", "<button formaction=javascript:alert(1)>x</button>",
    "<video><source onerror=alert(1)>", "<audio src=x onerror=alert(1)>", "<marquee onstart=alert(1)>",
    "<isindex action=javascript:alert(1) type=image>", "<table background=javascript:alert(1)>", "<img src=`x`onerror=alert(1)>",
    "<<script>alert(1)//<</script>", "<scr<script>ipt>alert(1)</script>", "<img \"\"\"><script>alert(1)</script>\">",
    "<a href=\"#\" onclick=\"alert(1)\">x</a>", "<p onmouseover=alert(1)>x</p>", "<svg><a xlink:href=javascript:alert(1)><text>x</text></a></svg>",
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>", "<img src=x:alert(1) onerror=eval(src)>",
    "<a href=vbscript:msgbox(1)>x</a>", "<link rel=stylesheet href=javascript:alert(1)>", "<template><script>alert(1)</script></template>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">", "<textarea><script>alert(1)</script></textarea>",
    "javascript:alert(1)", "\"><script>alert(1)</script>", "'><img src=x onerror=alert(1)>", "</title><script>alert(1)</script>",
    "{{ 7*7 }}<script>alert(1)</script>", "[a](<javascript:alert(1)>)", "<a href=\"&#x6A;avascript:alert(1)\">x</a>",
]
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "background", "xlink:href"}
OUR_SCRIPTS = ("pagefind/pagefind-ui.js", "static/search.js", "static/admin.js")


class ActiveMarkup(HTMLParser):
    """Collects anything in a page that could run script."""

    def __init__(self):
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag in ("script",) and not any((attributes.get("src") or "").endswith(s) for s in OUR_SCRIPTS):
            self.problems.append(f"<{tag} {attrs}>")
        # Our redirect pages use <meta http-equiv=refresh> to a relative address; a script address is an attack.
        if tag in ("iframe", "object", "embed", "base", "form") or (tag == "meta" and "javascript" in str(attrs).lower()):
            self.problems.append(f"<{tag} {attrs}>")
        for name, value in attrs:
            if name.startswith("on") or name == "style" and "expression" in (value or "").lower():
                self.problems.append(f"<{tag} {name}={value!r}>")
            if name in URL_ATTRIBUTES and value and value.strip().lower().startswith(("javascript:", "data:", "vbscript:")):
                self.problems.append(f"<{tag} {name}={value!r}>")


def active_markup(html: str, *, allow_forms: bool = False) -> list[str]:
    parser = ActiveMarkup()
    parser.feed(html)
    return [p for p in parser.problems if not (allow_forms and p.startswith("<form"))]


@pytest.fixture
def hostile_cases(world):
    org = world.org_a
    for number, payload in enumerate(PAYLOADS):
        db.session.add(Case(organisation=org, title=f"Кейс {number} {payload}"[:400], slug=f"xss-{number}",
                            mentoring_form="pupil_pupil", summary=payload, body_md=f"Текст {payload}\n\n{payload}",
                            results_md=payload, status=Status.PUBLISHED))
    db.session.commit()
    return len(PAYLOADS)


def test_there_are_fifty_payloads():
    assert len(PAYLOADS) >= 50


def test_payloads_stay_inert_on_the_built_site(app, hostile_cases):
    report = publishing.run_build(app)
    assert report.ok, report.details
    build = Path(app.config["BUILD_DIR"])
    problems = {}
    for page in build.rglob("*.html"):
        found = active_markup(page.read_text(encoding="utf-8"))
        if found:
            problems[str(page.relative_to(build))] = found[:3]
    assert not problems


def test_payloads_stay_inert_in_the_admin(app, hostile_cases, admin_client):
    pages = ["/admin/cases/", *(f"/admin/cases/{i}/edit" for i in range(3, 3 + hostile_cases, 7))]
    for url in pages:
        html = admin_client.get(url).get_data(as_text=True)
        assert not active_markup(html, allow_forms=True), url
