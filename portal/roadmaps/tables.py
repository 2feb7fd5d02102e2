"""Reading what users bring into rows of cells: pasted table text (.txt), Word tables (.docx), PDF (pdf.py).

Both give a `RawTable`: the lines above the table (title, approval block), the table's rows as lists of
cleaned cell texts with the line each came from, and warnings. portal/roadmaps/parse.py then interprets
the rows; nothing here knows what a stage or an activity is.
"""
from __future__ import annotations

import io
import re
import zipfile

from portal.media.archive_limits import MB, ArchiveTooLarge, check_archive

from .rows import ITEM_SEPARATOR, RawTable, Row, UnreadableFile, clean  # noqa: F401 — part of this module's API

MAX_BYTES = 2 * 1024 * 1024  # real roadmaps are tens of kilobytes; a larger paste is a mistake
DOCX_SIGNATURE = b"PK\x03\x04"  # a .docx is a zip archive (so is an .odt: its "mimetype" entry tells)
DOCX_MAX_PART = 8 * MB  # a document body inflated; real roadmaps are far below
PDF_SIGNATURE = b"%PDF-"
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97–2003 (.doc), old Excel and PowerPoint
RTF_SIGNATURE = b"{\\rtf"
SAVE_AS_DOCX = ("Откройте файл в Word или LibreOffice Writer и сохраните его как «Документ Word (.docx)» "
                "(«Файл» → «Сохранить как»), затем загрузите .docx — или скопируйте таблицу и вставьте её в поле ниже.")


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
