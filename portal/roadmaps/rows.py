"""What every reader of roadmap files gives parse.py: rows of cleaned cell texts (`Row`, `RawTable`), the text
cleaning they share, and the Russian refusal of a file that cannot be read. tables.py (text, .docx) and pdf.py
(PDF) both build these; neither imports the other's reading code through them."""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from portal.text import strip_control_characters


class UnreadableFile(ValueError):
    """The input cannot be read at all; the message says why, in Russian."""


@dataclass
class Row:
    cells: list[str]
    line: int | None  # 1-based line of the source text (None for .docx)
    # A line without tabs inside a pasted table: one cell spanning the table (a merged stage row) or the broken
    # text of the cell above; parse.py decides which.
    spans: bool = False
    # Positions of cells that the document shows merged with the cell above (a .docx vertical merge, a PDF's
    # ruled cell over several rows): their empty text means «the same as above».
    merged: set[int] = field(default_factory=set)


@dataclass
class RawTable:
    preamble: list[str] = field(default_factory=list)  # non-empty lines above the table
    rows: list[Row] = field(default_factory=list)
    warnings: list[tuple[int | None, str]] = field(default_factory=list)
    source: str = "text"  # "text", "docx" or "pdf": a document's table is shown as tab-separated text to correct


_TAG = re.compile(r"<[^>]{0,2000}>")
_LIST_ITEM = re.compile(r"<li[^>]*>", re.I)
_BREAK = re.compile(r"<br\s*/?>|</p>\s*<p[^>]*>", re.I)
_MARKDOWN = re.compile(r"(\*\*|__|(?<!\w)\*(?=\S)|(?<=\S)\*(?!\w)|`)")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s*")
_SPACES = re.compile(r"[ \t\u00a0\u2007\u202f]+")
_HYPHEN_BREAK = re.compile(r"(\w)-\n(\w)")
ITEM_SEPARATOR = "\n"  # list items of one cell stay on lines of their own, for parse.py to split


def clean(text: str) -> str:
    """HTML tags and Markdown marks removed, whitespace folded; list items kept on lines of their own."""
    text = _LIST_ITEM.sub(ITEM_SEPARATOR, strip_control_characters(text))
    text = _BREAK.sub(ITEM_SEPARATOR, text)
    text = html.unescape(_TAG.sub(" ", text))
    text = _HEADING.sub("", text)
    text = _MARKDOWN.sub("", text).replace("\\", "")
    text = _HYPHEN_BREAK.sub(r"\1\2", text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line)
