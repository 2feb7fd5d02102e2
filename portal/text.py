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
# C0 controls but tab, newline and carriage return: PostgreSQL refuses NUL, and none has a meaning in a form.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def strip_control_characters(value):
    """Remove control characters from text typed or pasted by a user; other values pass unchanged."""
    return _CONTROL.sub("", value) if isinstance(value, str) else value


def sanitize(html: str) -> str:
    """Keep only safe tags, attributes and URL schemes; links get rel="noopener noreferrer"."""
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=_URL_SCHEMES,
        link_rel="noopener noreferrer",
    )


def render_markdown(text: str | None) -> str:
    """Render Markdown written by an editor into HTML that is safe to publish."""
    if not text or not text.strip():
        return ""
    html = markdown.markdown(text, extensions=_EXTENSIONS, extension_configs=_EXTENSION_CONFIGS,
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
