"""PDF roadmaps → a RawTable. The only module that imports pdfplumber.

A ruled table gives its cells from the lines drawn: pdfplumber finds them, and a cell drawn over several rows
is a merge that the document shows (Row.merged), over all the columns a stage row (Row.spans). A table without
rules is read from the positions of the words: the header line gives the columns, a number in the first column
or a wider gap between lines starts a row. Tables continued on the next pages (a repeated header, column
numbers) join the first one. Work is bounded: a size and a page limit, and a broken file is a message.
"""
from __future__ import annotations

import io
import re

from .columns import header_roles, is_header
from .rows import RawTable, Row, UnreadableFile, clean

MAX_PDF_BYTES = 10 * 1024 * 1024
MAX_PAGES = 40  # roadmaps are 2–15 pages; a longer PDF is a whole collection of documents
_LIST_START = re.compile(r"^(\d{1,2}(\.\d{1,2})*[.)]|[-–—•·])\s")
_LINE_TOLERANCE = 3  # points: words whose tops differ less are on one line
_WORD_GAP = 7  # points: a wider gap between words of a line separates cells


def read_pdf(data: bytes) -> RawTable:
    if len(data) > MAX_PDF_BYTES:
        raise UnreadableFile(f"PDF слишком большой: {len(data) // (1024 * 1024)} МБ, допустимо до "
                             f"{MAX_PDF_BYTES // (1024 * 1024)} МБ. Загрузите только дорожную карту, без приложений.")
    import pdfplumber

    try:
        document = pdfplumber.open(io.BytesIO(data))
    except Exception as error:  # pdfminer raises many kinds of errors on a broken file
        raise UnreadableFile("Не удалось открыть PDF: файл повреждён или это не PDF. Сохраните документ в PDF "
                             "заново или загрузите .docx.") from error
    try:
        with document:
            pages = document.pages
            if len(pages) > MAX_PAGES:
                raise UnreadableFile(f"В PDF {len(pages)} страниц, допустимо до {MAX_PAGES}. Загрузите только "
                                     "страницы с дорожной картой.")
            if not any(page.chars for page in pages):
                raise UnreadableFile("В PDF нет текста: это картинка (скан) страниц. Распознать текст импорт не "
                                     "может — загрузите исходный документ Word (.docx) или PDF, сохранённый из Word.")
            table = _ruled(pages)
            if table is None:
                table = _by_layout(pages)
    except UnreadableFile:
        raise
    except Exception as error:  # a malformed page: pdfminer's errors are not one class
        raise UnreadableFile("Не удалось прочитать PDF: файл повреждён. Сохраните документ в PDF заново или "
                             "загрузите .docx.") from error
    table.source = "pdf"
    first_row_line = len(table.preamble) + 2  # the rows' lines in the text the preview shows (importer.as_text)
    for i, row in enumerate(table.rows):
        row.line = first_row_line + i
    return table


def cell_text(text: str | None) -> str:
    """A cell's lines: text wrapped by the width of the cell joins with spaces, list items stay lines."""
    lines = [line.strip() for line in (text or "").split("\n") if line.strip()]
    out = ""
    for line in lines:
        if not out:
            out = line
        elif out.endswith("-") and line[:1].islower():
            out = out[:-1] + line
        elif _LIST_START.match(line):
            out = f"{out}\n{line}"
        else:
            out = f"{out} {line}"
    return clean(out)


def _ruled(pages) -> RawTable | None:
    """Tables with drawn cells; None if the document has none (then the layout is read)."""
    table = RawTable()
    header: list[str] | None = None
    for page in pages:
        found = [t for t in page.find_tables() if len(t.rows) > 1 and len(t.columns) > 1]
        if not found:
            if header is None:
                table.preamble.extend(_lines(page.extract_text() or ""))
            continue
        for t in found:
            if header is None:
                above = page.crop((0, 0, page.width, max(t.bbox[1], 1))).extract_text() or ""
                table.preamble.extend(_lines(above))
            for row in _table_rows(t):
                if header is not None and [c.lower() for c in row.cells] == header:
                    continue  # the header repeated on a new page
                if header is None:
                    header = [c.lower() for c in row.cells]
                table.rows.append(row)
    return table if header is not None else None


def _table_rows(t) -> list[Row]:
    texts = t.extract()
    bottoms: list[float | None] = [None] * len(t.columns)  # bottom of the last real cell of each column
    rows: list[Row] = []
    for row_cells, row_texts in zip(t.rows, texts):
        top = row_cells.bbox[1]
        cells, merged = [], set()
        for i, (bbox, text) in enumerate(zip(row_cells.cells, row_texts)):
            if bbox is None:
                cells.append("")
                if bottoms[i] is not None and bottoms[i] > top + 1:
                    merged.add(i)  # a cell above is drawn over this row too
                continue
            bottoms[i] = bbox[3]
            cells.append(cell_text(text))
        real = [bbox for bbox in row_cells.cells if bbox is not None]
        spans = len(row_cells.cells) >= 3 and len(real) == 1 and not merged and bool(cells[0])
        if spans:
            rows.append(Row([cells[0]], None, spans=True))
        elif any(cells):
            rows.append(Row(cells, None, merged=merged))
    return rows


def _lines(text: str) -> list[str]:
    return [c for line in text.split("\n") if (c := clean(line))]


def _by_layout(pages) -> RawTable:
    """No drawn cells: columns from the header line's words, rows from numbers and gaps between lines."""
    lines: list[tuple[float, list[dict]]] = []  # (top over all pages, chunks of the line)
    page_of: list[int] = []
    offset = 0.0
    for number, page in enumerate(pages):
        words = page.extract_words(keep_blank_chars=False, use_text_flow=False)
        for line in _group_lines(words):
            lines.append((offset + line[0]["top"], _chunks(line)))
            page_of.append(number)
        offset += float(page.height)
    table = RawTable()
    header_at, columns = None, []
    for index, (_top, chunks) in enumerate(lines):
        if is_header([c["text"] for c in chunks]):
            header_at, columns = index, [c["x0"] for c in chunks]
            break
    if header_at is None:
        table.preamble = [clean(" ".join(c["text"] for c in chunks)) for _top, chunks in lines]
        return table
    table.preamble = [clean(" ".join(c["text"] for c in chunks)) for _top, chunks in lines[:header_at]]
    header_texts = [c["text"].lower() for c in lines[header_at][1]]
    header_cells = [c["text"] for c in lines[header_at][1]]
    body_at = header_at + 1
    while body_at < len(lines) and _continues_header(lines[body_at - 1], lines[body_at]):
        # «Ответственные» / «исполнители»: a header cell wrapped by its width, on the next line close below.
        for chunk in lines[body_at][1]:
            i = _nearest(chunk, lines[header_at][1])
            header_cells[i] = f"{header_cells[i]} {chunk['text']}"
        body_at += 1
    table.rows.append(Row([clean(c) for c in header_cells], None))
    number_first = header_roles([lines[header_at][1][0]["text"]])[0] == "number"
    gaps = [b[0] - a[0] for a, b in zip(lines[body_at:], lines[body_at + 1:]) if b[0] - a[0] > 0]
    leading = min(gaps) if gaps else 0
    current: list[list[str]] | None = None
    previous_top = None
    in_header = False
    for index in range(body_at, len(lines)):
        top, chunks = lines[index]
        if [c["text"].lower() for c in chunks] == header_texts:
            previous_top, in_header = None, True  # the header repeated on a new page
            continue
        if in_header and _continues_header(lines[index - 1], lines[index]):
            continue  # the rest of a repeated header wrapped over lines
        in_header = False
        if page_of[index] != page_of[index - 1]:
            previous_top = None
        if len(chunks) == 1 and chunks[0]["text"].strip().isdigit() and current is not None \
                and chunks[0]["x0"] > columns[-1]:
            continue  # a page number
        spanning = len(chunks) == 1 and len(columns) >= 3 and _column(chunks[0]["x1"] - 1, columns) > \
            _column(chunks[0]["x0"], columns) + 1
        cells = [""] * len(columns)
        for chunk in chunks:
            i = _column(chunk["x0"], columns)
            cells[i] = f"{cells[i]} {chunk['text']}".strip()
        gap = top - previous_top if previous_top is not None else None
        previous_top = top
        # A row starts with a number; in a table without a number column, after a wider gap between lines, or
        # at the top of a page with text in the first column (a row broken by the page has none there).
        starts = current is None or spanning or (number_first and bool(cells[0])) or \
            (not number_first and gap is not None and leading and gap > leading * 1.3) or \
            (not number_first and gap is None and bool(cells[0]))
        if spanning:
            if current is not None:
                table.rows.append(_row(current))
            table.rows.append(Row([clean(chunks[0]["text"])], None, spans=True))
            current = None
            continue
        if starts:
            if current is not None:
                table.rows.append(_row(current))
            current = [[c] if c else [] for c in cells]
        else:
            for i, c in enumerate(cells):
                if c:
                    current[i].append(c)
    if current is not None:
        table.rows.append(_row(current))
    return table


def _continues_header(above: tuple[float, list[dict]], line: tuple[float, list[dict]]) -> bool:
    height = max(c["bottom"] - c["top"] for c in above[1])
    short = all(len(c["text"].split()) <= 3 and not re.search(r"\d", c["text"]) for c in line[1])
    return short and 0 < line[0] - above[0] <= height * 1.5


def _nearest(chunk: dict, header: list[dict]) -> int:
    middle = (chunk["x0"] + chunk["x1"]) / 2
    return min(range(len(header)), key=lambda i: abs((header[i]["x0"] + header[i]["x1"]) / 2 - middle))


def _row(parts: list[list[str]]) -> Row:
    return Row([cell_text("\n".join(p)) for p in parts], None)


def _column(x: float, columns: list[float]) -> int:
    index = 0
    for i, start in enumerate(columns):
        if x + 4 >= start:
            index = i
    return index


def _group_lines(words: list[dict]) -> list[list[dict]]:
    lines: list[list[dict]] = []
    for word in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        if lines and abs(lines[-1][0]["top"] - word["top"]) < _LINE_TOLERANCE:
            lines[-1].append(word)
        else:
            lines.append([word])
    return [sorted(line, key=lambda w: w["x0"]) for line in lines]


def _chunks(line: list[dict]) -> list[dict]:
    """Words of a line grouped into cells by the gaps between them."""
    chunks: list[dict] = []
    for word in line:
        if chunks and word["x0"] - chunks[-1]["x1"] < _WORD_GAP:
            chunks[-1]["text"] += " " + word["text"]
            chunks[-1]["x1"] = word["x1"]
            chunks[-1]["bottom"] = max(chunks[-1]["bottom"], word["bottom"])
        else:
            chunks.append({"text": word["text"], "x0": word["x0"], "x1": word["x1"], "top": word["top"],
                           "bottom": word["bottom"]})
    return chunks
