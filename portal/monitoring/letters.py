"""Letters of thanks (благодарственные письма) to mentors as Word documents (python-docx).

The text is a template with placeholders — {ФИО}, {Организация}, {Программа}, {Год}, {Подписант} — typed in the
admin or taken from an uploaded .docx that holds the same placeholders (its layout, crest and fonts are kept).
One mentor gives one .docx; several give a .zip with a letter each.
"""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from portal.media.archive_limits import MB, check_archive

PLACEHOLDERS = ("{ФИО}", "{Организация}", "{Программа}", "{Год}", "{Подписант}")
_PLACEHOLDER = re.compile(r"\{[^{}\s]{1,40}\}")
FONT = "Times New Roman"
# A letter template's body is kilobytes; python-docx walks a large one for minutes.
DOCX_MAX_PART = 4 * MB
DEFAULT_TEXT = (
    "Уважаемый(ая) {ФИО}!\n"
    "Выражаем Вам искреннюю благодарность за работу наставником {Программа} в {Год} году: за щедрость, с которой "
    "Вы передаёте опыт, за терпение и поддержку наставляемых.\n"
    "Благодаря Вам наставничество в {Организация} становится доброй традицией.\n"
    "Желаем Вам новых профессиональных успехов и благодарных учеников!"
)


@dataclass(frozen=True)
class LetterData:
    full_name: str
    organisation: str
    programs: tuple[str, ...]
    year: int
    signatory: str

    def values(self) -> dict[str, str]:
        programs = ", ".join(f"«{title}»" for title in self.programs)
        return {
            "{ФИО}": self.full_name,
            "{Организация}": self.organisation,
            "{Программа}": f"в программе {programs}" if len(self.programs) == 1
            else f"в программах {programs}" if self.programs else "",
            "{Год}": str(self.year),
            "{Подписант}": self.signatory,
        }


def unknown_placeholders(text: str) -> list[str]:
    return sorted({found for found in _PLACEHOLDER.findall(text) if found not in PLACEHOLDERS})


def fill(text: str, values: dict[str, str]) -> str:
    for placeholder, value in values.items():
        text = text.replace(placeholder, value)
    return re.sub(r"[ \t]{2,}", " ", re.sub(r"\s+([,.!?:;])", r"\1", text))  # an empty value leaves no gap


def _font(document) -> None:
    style = document.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(14)
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attribute in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):  # Cyrillic comes from hAnsi or cs
        fonts.set(qn(attribute), FONT)


def letter_docx(data: LetterData, text: str = DEFAULT_TEXT) -> bytes:
    """The letter on an A4 page: heading, the filled-in text, the signatory and the year."""
    document = Document()
    _font(document)
    section = document.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(25)
    section.top_margin, section.bottom_margin = Mm(30), Mm(20)
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading.paragraph_format.space_after = Pt(24)
    run = heading.add_run("БЛАГОДАРСТВЕННОЕ ПИСЬМО")
    run.bold, run.font.size = True, Pt(22)
    lines = [line.strip() for line in fill(text, data.values()).splitlines() if line.strip()]
    for index, line in enumerate(lines):
        paragraph = document.add_paragraph(line)
        paragraph.paragraph_format.space_after = Pt(10)
        if index == 0 and line.endswith("!"):  # the address «Уважаемая …!» stands centred
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            paragraph.runs[0].bold = True
        else:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            paragraph.paragraph_format.first_line_indent = Mm(12.5)
    signature = document.add_paragraph()
    signature.paragraph_format.space_before = Pt(36)
    signature.add_run(data.signatory)
    signature.add_run("\t____________")
    document.add_paragraph(f"{data.year} год").alignment = WD_ALIGN_PARAGRAPH.RIGHT
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def paragraphs(document):
    """Every paragraph of the body, tables, headers and footers."""
    def walk(container):
        yield from container.paragraphs
        for table in getattr(container, "tables", []):
            for row in table.rows:
                for cell in row.cells:
                    yield from walk(cell)

    yield from walk(document)
    for section in document.sections:
        yield from walk(section.header)
        yield from walk(section.footer)


def template_placeholders(template: bytes) -> list[str]:
    """The placeholders an uploaded .docx holds; ValueError (in Russian) if it is not a Word document."""
    check_archive(template, max_member_size=DOCX_MAX_PART)  # ArchiveTooLarge is a ValueError in Russian
    try:
        document = Document(io.BytesIO(template))
    except Exception:  # python-docx raises several kinds for a file that is not .docx
        raise ValueError("Шаблон должен быть документом Word (.docx).") from None
    return sorted({found for p in paragraphs(document) for found in _PLACEHOLDER.findall(p.text)})


def fill_docx(template: bytes, data: LetterData) -> bytes:
    """An uploaded .docx with the placeholders replaced. A placeholder split over several runs (Word does that
    after editing) is found too: the paragraph's text goes into its first run, which keeps that run's format."""
    check_archive(template, max_member_size=DOCX_MAX_PART)
    document = Document(io.BytesIO(template))
    values = data.values()
    for paragraph in paragraphs(document):
        if "{" not in paragraph.text:
            continue
        filled = fill(paragraph.text, values)
        if filled == paragraph.text:
            continue
        runs = paragraph.runs
        if not runs:
            continue
        runs[0].text = filled
        for run in runs[1:]:
            run.text = ""
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def filename(data: LetterData) -> str:
    safe = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', " ", data.full_name).strip() or "наставник"
    return f"Благодарственное письмо — {safe}.docx"


def letters_zip(letters: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    seen: dict[str, int] = {}
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in letters:
            seen[name] = seen.get(name, 0) + 1
            if seen[name] > 1:  # namesakes: two files, not one overwritten
                name = name.removesuffix(".docx") + f" ({seen[name]}).docx"
            archive.writestr(name, data)
    return buffer.getvalue()
