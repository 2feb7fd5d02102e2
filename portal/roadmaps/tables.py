"""Reading what users bring into rows of cells: pasted table text (.txt) or Word tables (.docx).

Both give a `RawTable`: the lines above the table (title, approval block), the table's rows as lists of
cleaned cell texts with the line each came from, and warnings. portal/roadmaps/parse.py then interprets
the rows; nothing here knows what a stage or an activity is.
"""
from __future__ import annotations

import html
import io
import re
import zipfile
from dataclasses import dataclass, field

from portal.media.archive_limits import MB, ArchiveTooLarge, check_archive
from portal.text import strip_control_characters

MAX_BYTES = 2 * 1024 * 1024  # real roadmaps are tens of kilobytes; a larger paste is a mistake
DOCX_SIGNATURE = b"PK\x03\x04"  # a .docx is a zip archive
DOCX_MAX_PART = 8 * MB  # a document body inflated; real roadmaps are far below


class UnreadableFile(ValueError):
    """The input cannot be read at all; the message says why, in Russian."""


@dataclass
class Row:
    cells: list[str]
    line: int | None  # 1-based line of the source text (None for .docx)


@dataclass
class RawTable:
    preamble: list[str] = field(default_factory=list)  # non-empty lines above the table
    rows: list[Row] = field(default_factory=list)
    warnings: list[tuple[int | None, str]] = field(default_factory=list)


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


def read_bytes(data: bytes, filename: str = "") -> RawTable:
    """A .docx by its content (a zip), anything else as text."""
    if len(data) > MAX_BYTES:
        raise UnreadableFile(f"Файл слишком большой: {len(data) // 1024} КБ, допустимо до {MAX_BYTES // 1024} КБ. "
                             "Дорожная карта обычно занимает несколько десятков килобайт.")
    if data.startswith(DOCX_SIGNATURE):
        return read_docx(data)
    if filename.lower().endswith(".docx"):
        raise UnreadableFile("Файл назван .docx, но это не документ Word. Сохраните его в Word как .docx.")
    return read_text(decode(data))


def decode(data: bytes) -> str:
    if b"\x00" in data[:4096]:
        raise UnreadableFile("Это не текст: в файле двоичные данные. Загрузите .docx или .txt с таблицей.")
    for encoding in ("utf-8-sig", "cp1251"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFile("Не удалось определить кодировку текста: сохраните файл в UTF-8.")


def _split_pipe_row(line: str) -> list[str] | None:
    """A Markdown table row «| a | b |» as cells; its separator row «|---|---|» as an empty list."""
    stripped = line.strip()
    if not (stripped.startswith("|") and stripped.endswith("|") and stripped.count("|") >= 3):
        return None
    cells = [c.strip() for c in stripped[1:-1].split("|")]
    return [] if all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c) else cells


def read_text(text: str) -> RawTable:
    """Pasted table text: cells separated by tabs (or a Markdown pipe table), rows by line breaks."""
    if len(text.encode("utf-8")) > MAX_BYTES:
        raise UnreadableFile(f"Текст слишком большой: допустимо до {MAX_BYTES // 1024} КБ.")
    table = RawTable()
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    tabular = [i for i, line in enumerate(lines) if "\t" in line or _split_pipe_row(line) is not None]
    if not tabular:
        table.preamble = [c for line in lines if (c := clean(line))]
        return table
    first, last = tabular[0], tabular[-1]
    table.preamble = [c for line in lines[:first] if (c := clean(line))]
    for number, line in enumerate(lines[first:last + 1], start=first + 1):
        pipe = _split_pipe_row(line)
        if pipe == []:
            continue
        raw_cells = pipe if pipe is not None else line.split("\t")
        cells = [clean(cell) for cell in raw_cells]
        if not any(cells):
            continue
        if len(raw_cells) == 1 and table.rows:
            # A line without tabs inside the table: text of the previous row's last cell, broken by the paste.
            previous = table.rows[-1]
            index = max(i for i, c in enumerate(previous.cells) if c) if any(previous.cells) else 0
            previous.cells[index] = f"{previous.cells[index]} {cells[0]}".strip()
            continue
        table.rows.append(Row(cells, number))
    return table


def read_docx(data: bytes) -> RawTable:
    """The first table of a Word document that has more than one row, and the paragraphs above it."""
    from docx import Document  # imported here: only this path needs python-docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        check_archive(data, max_member_size=DOCX_MAX_PART)
    except ArchiveTooLarge as error:
        raise UnreadableFile(str(error)) from None
    try:
        document = Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as error:
        raise UnreadableFile("Не удалось открыть документ Word: файл повреждён или это не .docx.") from error
    table = RawTable()
    body = document.element.body
    chosen = next((t for t in document.tables if len(t.rows) > 1), None)
    for child in body.iterchildren():
        if chosen is not None and child is chosen._tbl:
            break
        if child.tag.endswith("}p"):
            text = clean("".join(node.text or "" for node in child.iter() if node.tag.endswith("}t")))
            if text:
                table.preamble.append(text)
    if chosen is None:
        return table
    above: list = []
    for row in chosen.rows:
        cells, seen = [], set()
        for index, cell in enumerate(row.cells):
            tc = cell._tc
            merged_left = id(tc) in seen  # a cell spanning columns repeats itself: keep its text once
            merged_above = index < len(above) and above[index] is tc  # vertically merged: text belongs above
            seen.add(id(tc))
            cells.append("" if merged_left or merged_above else _docx_cell_text(cell))
        above = [cell._tc for cell in row.cells]
        if any(cells):
            table.rows.append(Row(cells, None))
    return table


def _docx_cell_text(cell) -> str:
    """Paragraphs of a cell; paragraphs of a Word list get their own line so that parse.py splits items."""
    parts = []
    for paragraph in cell.paragraphs:
        text = clean(paragraph.text)
        if text:
            parts.append(text)
    return ITEM_SEPARATOR.join(parts)
