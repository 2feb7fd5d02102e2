"""Reading what users bring into rows of cells: pasted table text (.txt), Word tables (.docx), PDF (pdf.py).

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

MAX_BYTES = 2 * 1024 * 1024  # real roadmaps are tens of kilobytes; a larger paste is a mistake
DOCX_SIGNATURE = b"PK\x03\x04"  # a .docx is a zip archive (so is an .odt: its "mimetype" entry tells)
PDF_SIGNATURE = b"%PDF-"
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97–2003 (.doc), old Excel and PowerPoint
RTF_SIGNATURE = b"{\\rtf"
SAVE_AS_DOCX = ("Откройте файл в Word или LibreOffice Writer и сохраните его как «Документ Word (.docx)» "
                "(«Файл» → «Сохранить как»), затем загрузите .docx — или скопируйте таблицу и вставьте её в поле ниже.")


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
    text = _LIST_ITEM.sub(ITEM_SEPARATOR, text)
    text = _BREAK.sub(ITEM_SEPARATOR, text)
    text = html.unescape(_TAG.sub(" ", text))
    text = _HEADING.sub("", text)
    text = _MARKDOWN.sub("", text).replace("\\", "")
    text = _HYPHEN_BREAK.sub(r"\1\2", text)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


def read_bytes(data: bytes, filename: str = "") -> RawTable:
    """A .docx by its content (a zip), anything else as text."""
    name = filename.lower()
    if data.startswith(PDF_SIGNATURE) or name.endswith(".pdf"):
        from .pdf import read_pdf  # only this path needs pdfplumber; it has its own size and page limits

        return read_pdf(data)
    if len(data) > MAX_BYTES:
        raise UnreadableFile(f"Файл слишком большой: {len(data) // 1024} КБ, допустимо до {MAX_BYTES // 1024} КБ. "
                             "Дорожная карта обычно занимает несколько десятков килобайт.")
    if data.startswith(OLE_SIGNATURE) or name.endswith(".doc"):
        raise UnreadableFile("Это документ Word 97–2003 (.doc): такой формат импорт не читает. " + SAVE_AS_DOCX)
    if data.startswith(RTF_SIGNATURE) or name.endswith(".rtf"):
        raise UnreadableFile("Это документ RTF: такой формат импорт не читает. " + SAVE_AS_DOCX)
    if data.startswith(DOCX_SIGNATURE):
        if _zip_mimetype(data).startswith("application/vnd.oasis.opendocument") or name.endswith((".odt", ".ods")):
            raise UnreadableFile("Это документ OpenDocument (.odt): такой формат импорт не читает. " + SAVE_AS_DOCX)
        return read_docx(data)
    if name.endswith((".docx", ".odt")):
        raise UnreadableFile("Файл назван .docx, но это не документ Word. " + SAVE_AS_DOCX)
    return read_text(decode(data))


def _zip_mimetype(data: bytes) -> str:
    """The "mimetype" entry of an OpenDocument archive; empty for a .docx or a broken zip."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            info = archive.getinfo("mimetype")
            if info.file_size > 200:
                return ""
            return archive.read(info).decode("ascii", "replace").strip()
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError, NotImplementedError, RuntimeError):
        return ""


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
        table.rows.append(Row(cells, number, spans=len(raw_cells) == 1 and bool(table.rows)))
    return table


def read_docx(data: bytes) -> RawTable:
    """The first table of a Word document that has more than one row, and the paragraphs above it."""
    from docx import Document  # imported here: only this path needs python-docx
    from docx.opc.exceptions import PackageNotFoundError

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
    table.source = "docx"
    if chosen is None:
        return table
    above: list = []
    for row in chosen.rows:
        cells, seen, merged = [], set(), set()
        for index, cell in enumerate(row.cells):
            tc = cell._tc
            merged_left = id(tc) in seen  # a cell spanning columns repeats itself: keep its text once
            merged_above = index < len(above) and above[index] is tc  # vertically merged: text belongs above
            seen.add(id(tc))
            if merged_above:
                merged.add(index)
            cells.append("" if merged_left or merged_above else _docx_cell_text(cell))
        above = [cell._tc for cell in row.cells]
        if any(cells):
            table.rows.append(Row(cells, None, merged=merged))
    return table


def _docx_cell_text(cell) -> str:
    """Paragraphs of a cell; paragraphs of a Word list get their own line so that parse.py splits items."""
    parts = []
    for paragraph in cell.paragraphs:
        text = clean(paragraph.text)
        if text:
            parts.append(text)
    return ITEM_SEPARATOR.join(parts)
