"""Markdown to sanitized HTML, and pasted HTML back to Markdown: the only module that imports markdown, nh3 and
markdownify.

Rendering happens when a row is saved (see portal/models/base.py), and the HTML is stored beside the
Markdown, so that publishing never renders Markdown again.
"""
from __future__ import annotations

import re

import markdown
import nh3
from markdownify import markdownify

_EXTENSIONS = ["extra", "sane_lists", "smarty"]
_EXTENSION_CONFIGS = {
    # Russian typography: «ёлочки» instead of "English quotes".
    "smarty": {"substitutions": {"left-double-quote": "&laquo;", "right-double-quote": "&raquo;"}},
}
_TAGS = (nh3.ALLOWED_TAGS - {"map", "area"}) | {"figure", "figcaption"}
_ATTRIBUTES = {
    **{tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()},
    "a": {"href", "title", "hreflang"},
    "img": {"src", "alt", "title", "width", "height"},
    "th": {"colspan", "rowspan", "align"},
    "td": {"colspan", "rowspan", "align"},
    "ol": {"start", "reversed", "type"},
    "abbr": {"title"},
}
_URL_SCHEMES = {"http", "https", "mailto", "tel"}
# C0 controls but tab, newline and carriage return (PostgreSQL refuses NUL, and none has a meaning in a form), C1
# controls, and the bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) that make «отчёт‮fdp.exe»
# look like a PDF. The left-to-right and right-to-left marks stay: Arabic or Hebrew text may need them.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def strip_control_characters(value):
    """Remove control characters and bidi overrides from text typed, pasted or uploaded by a user (form fields,
    file names, imported cells); other values pass unchanged."""
    return _CONTROL.sub("", value) if isinstance(value, str) else value


def normalise_newlines(value):
    """Line ends as LF: a browser posts a textarea's lines ending in CRLF, imports and the command line in LF. One
    form keeps an unchanged text unchanged on save (no new revision, no Markdown rendered again)."""
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


def sanitize(html: str) -> str:
    """Keep only safe tags, attributes and URL schemes; links get rel="noopener noreferrer"."""
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


# Python-Markdown scans from each opener that never closes to the end of the text: `[` without `]` (or nested
# deeper than a link ever is), `(` without `)` after a link text, `<` with no `>` before the next `<`. Each costs
# O(length), so thousands of them cost O(length²) (20 000 `[`: minutes). A few are ordinary text and stay as
# written; past this many, every one is written escaped, which renders the same characters without the scan.
_PATHOLOGICAL_OPENERS = 16
_MAX_BRACKET_DEPTH = 8


def _unclosed_openers(text: str) -> list[int]:
    """Positions of the openers that make Python-Markdown scan to the end of the text (one linear pass each)."""
    found: list[int] = []
    for opener, closer in (("[", "]"), ("(", ")")):
        stack: list[int] = []
        escaped = False
        for position, char in enumerate(text):
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == opener:
                if opener == "[" and len(stack) >= _MAX_BRACKET_DEPTH:
                    found.append(position)
                else:
                    stack.append(position)
            elif char == closer and stack:
                stack.pop()
        found.extend(stack)
    next_angle = ""
    for position in range(len(text) - 1, -1, -1):
        if text[position] == "<":
            if next_angle != ">":
                found.append(position)
            next_angle = "<"
        elif text[position] == ">":
            next_angle = ">"
    return found


def _defuse(text: str) -> str:
    """The text with its unclosed openers escaped when there are pathologically many; otherwise unchanged."""
    found = _unclosed_openers(text)
    if len(found) <= _PATHOLOGICAL_OPENERS:
        return text
    escapes = {"[": "\\[", "(": "\\(", "<": "&lt;"}
    characters = list(text)
    for position in found:
        characters[position] = escapes[characters[position]]
    return "".join(characters)


def render_markdown(text: str | None) -> str:
    """Render Markdown written by an editor into HTML that is safe to publish, in time linear in its length."""
    if not text or not text.strip():
        return ""
    html = markdown.markdown(_defuse(text), extensions=_EXTENSIONS, extension_configs=_EXTENSION_CONFIGS,
                             output_format="html")
    return sanitize(html)


# What survives of a paste from Word or a web page: structure, not looks (Word's styles, classes and comments go).
_PASTE_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6", "p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li",
               "a", "table", "thead", "tbody", "tr", "th", "td", "blockquote", "pre", "code"}
MAX_PASTE_CHARS = 2_000_000  # Word puts megabytes of styles around a page of text; beyond this, refuse


def markdown_from_html(html: str) -> str:
    """Pasted HTML (Word, a browser) as Markdown: headings, lists, bold, links and tables kept. Saved, it is
    rendered and sanitized like anything typed."""
    cleaned = nh3.clean(html[:MAX_PASTE_CHARS], tags=_PASTE_TAGS, attributes={"a": {"href"}},
                        url_schemes=_URL_SCHEMES, strip_comments=True)
    text = markdownify(cleaned, heading_style="ATX", bullets="-", strong_em_symbol="*", escape_underscores=False,
                       table_infer_header=True)
    text = strip_control_characters(text).replace("\xa0", " ")
    return re.sub(r"\n{3,}", "\n\n", text).strip()


# A picture (or a file) of the media library put into a text: /media/<stored name> (portal/media/storage.py).
_MEDIA_LINK = re.compile(r'(src|href)="/media/([0-9a-f]{32}(?:-\d{2,5})?\.[a-z0-9]{2,5})"')


def media_names(html: str) -> set[str]:
    """The library files a rendered text shows: the build publishes them with the page."""
    return {match.group(2) for match in _MEDIA_LINK.finditer(html)} if "/media/" in html else set()


def relink_media(html: str, link) -> str:
    """The text with its /media/… addresses made by `link(name)` (relative ones on the static site)."""
    if "/media/" not in html:
        return html
    return _MEDIA_LINK.sub(lambda match: f'{match.group(1)}="{link(match.group(2))}"', html)

