"""Fuzzing the roadmap readers: whatever users paste, they return data plus warnings and never raise.

Random text, and random tables made of the words, numbers, dates and terms real roadmaps have. A crash found here
is fixed in the code and kept below as an explicit @example.
"""
from __future__ import annotations

import json
import os
from datetime import date

from hypothesis import example, given, settings
from hypothesis import strategies as st

from portal.roadmaps.deadlines import Deadline, document_year, parse_deadline
from portal.roadmaps.parse import parse_table
from portal.roadmaps.tables import UnreadableFile, read_bytes, read_text

# FUZZ_EXAMPLES=5000 for a longer hunt; the default keeps the suite quick.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "150"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None)

MONTHS = ["январь", "января", "февраль", "февраля", "март", "марта", "апрель", "апреля", "май", "мая", "июнь",
          "июня", "июль", "июля", "август", "августа", "сентябрь", "сентября", "октябрь", "октября", "ноябрь",
          "ноября", "декабрь", "декабря", "янв.", "сент.", "дек"]
TERM_WORDS = ["до", "с", "по", "в течение", "года", "учебного года", "г.", "гг.", "ежегодно", "ежемесячно",
              "постоянно", "по мере необходимости", "квартал", "I", "II", "III", "IV", "полугодие", "в", "течение",
              "-", "–", "—", ",", "и", "уч. год", "конец", "начало", "середина", "не позднее", "раз в четверть",
              "каникулы", "весна", "осень"]
ROADMAP_WORDS = ["Этап", "Мероприятие", "Мероприятия", "Сроки", "Срок", "Ответственные", "Ответственный",
                 "Ожидаемый результат", "Результат", "№", "п/п", "Цель:", "Задачи", "Подготовительный",
                 "наставник", "наставляемый", "наставничества", "Директор", "Куратор", "Заместитель директора по УВР",
                 "Педагог-психолог", "Утверждаю", "Дорожная карта", "МБОУ «СОШ № 1»", "приказ", "от", "№ 428",
                 "на 2024-2025 учебный год", "Формирование базы наставников", "Организация", "программы", "**",
                 "<br>", "<li>", "&nbsp;", "|", "---", "1.", "1.1", "2.3.", "10", "•", "-", "*"]


def _dates() -> st.SearchStrategy[str]:
    day = st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31))
    return st.one_of(
        day.map(lambda d: d.strftime("%d.%m.%Y")),
        day.map(lambda d: d.strftime("%d.%m.%y")),
        day.map(lambda d: f"{d.day} {MONTHS[(d.month - 1) * 2 + 1]} {d.year}"),
        st.tuples(st.integers(0, 40), st.sampled_from(MONTHS)).map(lambda t: f"{t[0]} {t[1]}"),
        st.tuples(st.integers(1990, 2040), st.integers(-1, 2)).map(lambda t: f"{t[0]}-{t[0] + t[1]}"),
        st.integers(0, 10_000).map(str),
    )


def _terms() -> st.SearchStrategy[str]:
    """Deadline-like text: month names, dates, years and the words between them, in any order."""
    return st.lists(st.one_of(st.sampled_from(MONTHS), st.sampled_from(TERM_WORDS), _dates()), max_size=8).map(
        " ".join)


def _cell() -> st.SearchStrategy[str]:
    return st.lists(st.one_of(st.sampled_from(ROADMAP_WORDS), _terms(), st.text(max_size=12)),
                    max_size=4).map(" ".join)


HEADERS = [["№", "Мероприятия", "Сроки", "Ответственные", "Ожидаемый результат"],
           ["№ п/п", "Этап", "Мероприятие", "Срок", "Ответственный"],
           ["Мероприятие", "Сроки"], ["1", "2", "3", "4"],
           # issue 23: two activity columns, a two-row header, a stage row without tabs
           ["№", "Мероприятия", "Содержание деятельности и примерный план мероприятий", "Сроки", "Исполнители"],
           ["", "", "", "муниципальные", "ОУ", ""], ["I. Подготовительный этап"], ["Пономарёва Е.А., заведующий"]]


@st.composite
def table_texts(draw) -> str:
    """Table text as Word pastes it: a title, maybe a header, rows of tab-separated cells, broken lines."""
    preamble = draw(st.lists(_cell(), max_size=3))
    rows = draw(st.lists(st.lists(_cell(), min_size=1, max_size=7), max_size=12))
    if draw(st.booleans()):
        rows.insert(draw(st.integers(0, len(rows))), draw(st.sampled_from(HEADERS)))
    separator = draw(st.sampled_from(["\t", "\t", " | ", "\t\t"]))
    lines = preamble + [("| " + separator.join(row) + " |") if separator == " | " else separator.join(row)
                        for row in rows]
    if draw(st.booleans()):  # lines without tabs inside the table: merged stage rows or broken cell text
        for text in draw(st.lists(_cell(), max_size=3)):
            lines.insert(draw(st.integers(0, len(lines))), text)
    return draw(st.sampled_from(["\n", "\r\n", "\r"])).join(lines)


def check_deadline(deadline: Deadline, text: str) -> None:
    assert isinstance(deadline, Deadline)
    assert deadline.text == " ".join(text.split())
    assert all(isinstance(warning, str) and warning for warning in deadline.warnings)
    if deadline.start and deadline.end:
        assert deadline.start <= deadline.end, deadline
    assert deadline.recurrence in (None, "yearly")


@FUZZ
@given(text=st.one_of(st.text(max_size=80), _terms()), year=st.one_of(st.none(), st.integers(1, 9999)),
       school_year=st.booleans())
def test_any_deadline_text_gives_a_deadline_or_a_warning(text, year, school_year):
    check_deadline(parse_deadline(text, year, school_year), text)


@FUZZ
@given(text=st.one_of(st.text(max_size=120), _cell()))
def test_any_text_gives_a_year_or_none(text):
    year, school_year = document_year(text)
    assert year is None or isinstance(year, int)
    assert isinstance(school_year, bool)


def check_parsed(parsed) -> None:
    data = parsed.to_json()
    json.dumps(data, ensure_ascii=False)  # what `portal roadmap parse` prints
    assert all(isinstance(message, str) and message for _line, message in parsed.warnings)
    for stage in parsed.stages:
        assert isinstance(stage.title, str)
        for activity in stage.activities:
            assert isinstance(activity.title, str)
            if activity.deadline is not None:
                check_deadline(activity.deadline, activity.deadline.text)


@FUZZ
@given(text=st.one_of(table_texts(), st.text(max_size=300)), year=st.one_of(st.none(), st.integers(1900, 2100)))
# A line without tabs joined the header's last cell and made it no header («№» in the joined text).
@example(text="Этап\tМероприятие\nнаставник МБОУ «СОШ № 1»\n\t", year=None)
def test_any_pasted_table_gives_a_roadmap_or_warnings(text, year):
    check_parsed(parse_table(read_text(text), year))


@settings(max_examples=max(EXAMPLES // 2, 1), deadline=None)
@given(data=st.one_of(st.binary(max_size=300), table_texts().map(lambda t: t.encode("utf-8")),
                      table_texts().map(lambda t: t.encode("cp1251", errors="replace")),
                      st.binary(max_size=200).map(lambda b: b"PK\x03\x04" + b)),
       name=st.sampled_from(["карта.txt", "карта.docx", "карта", "карта.TXT"]))
def test_any_file_gives_a_roadmap_or_a_clear_refusal(data, name):
    try:
        table = read_bytes(data, name)
    except UnreadableFile as error:
        assert str(error)  # a Russian sentence for the editor
        return
    check_parsed(parse_table(table))


def _small_pdf() -> bytes:
    """A real one-page PDF with a ruled table, for the mutations below (built once)."""
    import io
    from pathlib import Path

    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(TTFont("DejaVu", str(Path(__file__).resolve().parents[1] / "data" / "fonts" /
                                                 "DejaVuSans.ttf")))
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer)
    page.setFont("DejaVu", 9)
    cells = [["№", "Мероприятия", "Сроки"], ["1.1", "Приказ", "сентябрь 2024"]]
    for r, row in enumerate(cells):
        for c, text in enumerate(row):
            page.rect(50 + c * 150, 700 - r * 20, 150, 20)
            page.drawString(55 + c * 150, 706 - r * 20, text)
    page.showPage()
    page.save()
    return buffer.getvalue()


SMALL_PDF = _small_pdf()


@st.composite
def mutated_pdfs(draw) -> bytes:
    data = bytearray(SMALL_PDF)
    for _ in range(draw(st.integers(1, 8))):
        position = draw(st.integers(0, len(data) - 1))
        data[position] = draw(st.integers(0, 255))
    if draw(st.booleans()):
        data = data[:draw(st.integers(0, len(data)))]
    return bytes(data)


@settings(max_examples=max(EXAMPLES // 3, 1), deadline=None)
@given(data=st.one_of(mutated_pdfs(), st.binary(max_size=300).map(lambda b: b"%PDF-1.4\n" + b),
                      st.binary(max_size=300).map(lambda b: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b),
                      st.binary(max_size=300)),
       name=st.sampled_from(["карта.pdf", "карта.doc", "карта.odt", "карта.docx", "карта.PDF", "карта"]))
def test_any_pdf_or_word_file_gives_a_roadmap_or_a_clear_refusal(data, name):
    try:
        table = read_bytes(data, name)
    except UnreadableFile as error:
        assert str(error)
        return
    check_parsed(parse_table(table))


def test_the_unmutated_pdf_reads():
    parsed = parse_table(read_bytes(SMALL_PDF, "карта.pdf"))
    assert [a.title for s in parsed.stages for a in s.activities] == ["Приказ"]
