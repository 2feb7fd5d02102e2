"""Roadmaps as PDF (issue 23): a table built as PDF with reportlab reads to the same roadmap as the table pasted.

Ruled (pdfplumber's cells), unruled (the words' layout), over two pages with a repeated header; a ruled cell over
two rows is a merge the document shows. Broken, scanned, too long or too large files give a Russian message.
"""
from __future__ import annotations

import io
from pathlib import Path

import pytest
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from portal.roadmaps import pdf
from portal.roadmaps.parse import parse_table
from portal.roadmaps.tables import UnreadableFile, read_bytes, read_text

FONT = Path(__file__).resolve().parents[1] / "data" / "fonts" / "DejaVuSans.ttf"  # has Cyrillic; Helvetica has not
pdfmetrics.registerFont(TTFont("DejaVu", str(FONT)))
CELL = ParagraphStyle("cell", fontName="DejaVu", fontSize=9, leading=11)
TITLE = "Дорожная карта внедрения целевой модели наставничества в МБОУ «СОШ № 5» на 2023-2024 учебный год"
HEADER = ["№ п/п", "Мероприятия", "Сроки", "Ответственные", "Ожидаемый результат"]
WIDTHS = [45, 260, 110, 170, 150]


def make_pdf(rows: list[list[str]], ruled: bool = True, spans: tuple = (), widths: list[int] = WIDTHS) -> bytes:
    """The title, then the table (its header repeated on each page); a row with one text cell spans the table."""
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=landscape(A4))
    data = [[Paragraph(cell, CELL) if cell else "" for cell in row] + [""] * (len(HEADER) - len(row)) for row in rows]
    style = [("FONTNAME", (0, 0), (-1, -1), "DejaVu"), ("VALIGN", (0, 0), (-1, -1), "TOP")]
    style += [("SPAN", (0, r), (-1, r)) for r, row in enumerate(rows) if len(row) == 1]
    style += [("SPAN", *span) for span in spans]
    if ruled:
        style.append(("GRID", (0, 0), (-1, -1), 0.5, (0, 0, 0)))
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle(style))
    document.build([Paragraph(TITLE, CELL), Spacer(1, 12), table])
    return buffer.getvalue()


def pasted(rows: list[list[str]]) -> str:
    return "\n".join([TITLE, ""] + ["\t".join(row) for row in rows])


def roadmap(parsed) -> list:
    return [(s.number, s.title, [(a.number, a.title, a.deadline.text if a.deadline else None, a.responsible,
                                  a.expected_result) for a in s.activities]) for s in parsed.stages]


ROWS = [
    HEADER,
    ["1. Нормативное правовое регулирование внедрения целевой модели наставничества"],
    ["1.1", "Издание приказа о внедрении целевой модели наставничества в МБОУ «СОШ № 5» и назначении куратора",
     "до 15 сентября 2023", "Директор, заместитель директора по УВР", "Приказ"],
    ["1.2", "Разработка и утверждение Положения о программе наставничества", "сентябрь 2023",
     "Иванова С.В., заместитель директора по ВР", "Положение о наставничестве"],
    ["2. Формирование базы наставников и наставляемых"],
    ["2.1", "Анкетирование педагогов и обучающихся, выявление затруднений и запросов", "октябрь 2023",
     "Педагог-психолог", "База наставляемых"],
    ["2.2", "Формирование базы наставников", "октябрь – ноябрь 2023", "Куратор", "База наставников"],
]


@pytest.mark.parametrize("ruled", [True, False], ids=["ruled", "unruled"])
def test_pdf_table_reads_like_the_same_table_pasted(ruled):
    from_pdf = parse_table(read_bytes(make_pdf(ROWS, ruled=ruled), "карта.pdf"))
    from_paste = parse_table(read_text(pasted(ROWS)))
    assert roadmap(from_pdf) == roadmap(from_paste)
    assert [len(s.activities) for s in from_pdf.stages] == [2, 2]
    assert from_pdf.title == TITLE and from_pdf.organisation == "МБОУ «СОШ № 5»"
    assert from_pdf.stages[0].activities[1].responsible == ["Иванова С.В., заместитель директора по ВР"]


def test_unruled_header_wrapped_over_two_lines():
    rows = [list(row) for row in ROWS]
    rows[0] = ["№ п/п", "Мероприятия", "Сроки", "Ответственные исполнители", "Ожидаемый результат"]
    data = make_pdf(rows, ruled=False, widths=[45, 260, 110, 100, 90])  # the last two header cells wrap
    raw = read_bytes(data, "карта.pdf")
    assert raw.rows[0].cells == rows[0]
    assert roadmap(parse_table(raw)) == roadmap(parse_table(read_text(pasted(rows))))


def long_rows() -> list[list[str]]:
    rows = [HEADER]
    for stage in range(1, 5):
        rows.append([f"{stage}. Этап работы номер {stage}: подготовка, реализация и анализ программы наставничества"])
        for n in range(1, 9):
            rows.append([f"{stage}.{n}", f"Мероприятие {stage}.{n}: семинар для наставников и наставляемых по "
                                         f"вопросам программы", f"до {n + 10} октября 2023", "Куратор программы",
                         f"Протокол {stage}.{n}"])
    return rows


@pytest.mark.parametrize("ruled", [True, False], ids=["ruled", "unruled"])
def test_table_over_two_pages_with_a_repeated_header(ruled):
    rows = long_rows()
    data = make_pdf(rows, ruled=ruled)
    assert pdf_pages(data) >= 2
    from_pdf = parse_table(read_bytes(data, "карта.pdf"))
    assert roadmap(from_pdf) == roadmap(parse_table(read_text(pasted(rows))))
    assert [len(s.activities) for s in from_pdf.stages] == [8, 8, 8, 8]
    assert not any("Мероприятия" == s.title for s in from_pdf.stages)


def pdf_pages(data: bytes) -> int:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as document:
        return len(document.pages)


def test_ruled_cell_over_two_rows_is_a_merge_and_the_deadline_is_inherited():
    rows = [list(row) for row in ROWS]
    rows[3][2] = ""
    parsed = parse_table(read_bytes(make_pdf(rows, spans=(((2, 2), (2, 3)),)), "карта.pdf"))
    second = parsed.stages[0].activities[1]
    assert second.deadline.text == "до 15 сентября 2023"
    assert second.unsure["deadline"].startswith("объединённая ячейка")
    # The same table without rules shows no merge: the cell stays empty, with a warning.
    unruled = parse_table(read_bytes(make_pdf(rows, ruled=False), "карта.pdf"))
    assert unruled.stages[0].activities[1].deadline is None
    assert any("впишите «до 15 сентября 2023»" in message for _line, message in unruled.warnings)


def test_pdf_rows_carry_the_lines_of_the_text_shown_for_corrections():
    from portal.roadmaps.importer import as_text

    raw = read_bytes(make_pdf(ROWS), "карта.pdf")
    lines = as_text(raw).split("\n")
    assert all(lines[row.line - 1] == "\t".join(c.replace("\n", " ") for c in row.cells) for row in raw.rows)


def scanned_pdf() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    picture = io.BytesIO()
    Image.new("L", (40, 20), 200).save(picture, format="PNG")
    picture.seek(0)
    from reportlab.lib.utils import ImageReader

    page.drawImage(ImageReader(picture), 50, 500, width=400, height=200)
    page.showPage()
    page.save()
    return buffer.getvalue()


def test_scanned_pdf_is_refused_as_a_picture_of_text():
    with pytest.raises(UnreadableFile, match="картинка"):
        read_bytes(scanned_pdf(), "скан.pdf")


def test_too_many_pages_is_refused(monkeypatch):
    monkeypatch.setattr(pdf, "MAX_PAGES", 3)
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    for _ in range(4):
        page.drawString(50, 800, "Страница")
        page.showPage()
    page.save()
    with pytest.raises(UnreadableFile, match="В PDF 4 страниц, допустимо до 3"):
        read_bytes(buffer.getvalue(), "карта.pdf")


def test_too_large_pdf_is_refused_before_it_is_opened():
    with pytest.raises(UnreadableFile, match="PDF слишком большой"):
        read_bytes(b"%PDF-1.4\n" + b"0" * (pdf.MAX_PDF_BYTES + 1), "карта.pdf")


@pytest.mark.parametrize("data", [b"%PDF-1.4\n%%EOF", b"%PDF\x00\x01" * 100, b"not a pdf at all"])
def test_broken_pdf_is_refused_clearly(data):
    with pytest.raises(UnreadableFile, match="PDF"):
        read_bytes(data, "карта.pdf")


def test_pdf_without_a_table_gives_a_warning_not_a_crash():
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.setFont("DejaVu", 12)
    page.drawString(50, 800, "Приказ о внедрении целевой модели наставничества")
    page.showPage()
    page.save()
    parsed = parse_table(read_bytes(buffer.getvalue(), "приказ.pdf"))
    assert parsed.stages == [] and any("заголовок" in message for _line, message in parsed.warnings)


@pytest.mark.parametrize("ruled", [True, False], ids=["ruled", "unruled"])
def test_a_real_roadmap_as_pdf_reads_like_its_paste(ruled):
    """Sample 001 (Roman stages, numbered items, a stage over two pages) typeset as PDF, with or without rules."""
    import html

    path = next((Path(__file__).resolve().parents[1] / "data" / "roadmaps").glob("001_*.txt"))
    raw = read_text(path.read_text(encoding="utf-8"))
    data = [[Paragraph(html.escape(c).replace("\n", "<br/>"), CELL) if c else "" for c in row.cells]
            for row in raw.rows]
    table = Table(data, colWidths=[200, 400, 150], repeatRows=1)
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP")] +
                              ([("GRID", (0, 0), (-1, -1), 0.5, (0, 0, 0))] if ruled else [])))
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=landscape(A4)).build(
        [Paragraph(html.escape(line), CELL) for line in raw.preamble] + [Spacer(1, 12), table])
    assert pdf_pages(buffer.getvalue()) >= 2
    from_pdf = parse_table(read_bytes(buffer.getvalue(), "карта.pdf"))
    assert roadmap(from_pdf) == roadmap(parse_table(raw))
    assert [len(s.activities) for s in from_pdf.stages] == [5, 2, 2, 2, 1, 6, 4]


def opendocument() -> bytes:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


@pytest.mark.parametrize(("data", "name", "says"), [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "карта.doc", "Word 97–2003 (.doc)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "карта", "Word 97–2003 (.doc)"),  # by content
    (opendocument(), "карта.odt", "OpenDocument (.odt)"),
    (opendocument(), "карта.docx", "OpenDocument (.odt)"),  # renamed: the content tells
    (b"{\\rtf1\\ansi \\par}", "карта.rtf", "RTF"),
    (b"plain text", "карта.docx", "не документ Word"),
])
def test_other_word_formats_are_refused_with_how_to_save_as_docx(data, name, says):
    with pytest.raises(UnreadableFile) as error:
        read_bytes(data, name)
    assert says in str(error.value)
    assert "«Документ Word (.docx)»" in str(error.value)
