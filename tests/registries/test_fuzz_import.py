"""Fuzzing the registry import: any CSV (UTF-8 or Windows-1251) or .xlsx gives a plan with row errors or a clear
refusal (RegistryFileError), never an exception. A crash found here is fixed and kept as an explicit @example."""
from __future__ import annotations

import io
import os
from datetime import date, datetime, time

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from portal.registries.io import RegistryFileError, read_registry
from portal.registries.io_table import COLUMNS
from portal.registries.io_values import PARSERS

# The database matters here: run on PostgreSQL too (conftest's docstring).
pytestmark = pytest.mark.both_databases

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "120"))  # FUZZ_EXAMPLES=5000 for a longer hunt
# The database only answers lookups here (read_registry saves nothing), so one world serves every example.
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

HEADER_WORDS = [variant for _title, variants in COLUMNS.values() for variant in variants[:2]] + [
    "ФИО", "Роль", "Организация", "Дата вхождения в программу", "Email", "Телефон", "№ п/п", "Примечание",
    "Согласие на обработку ПДн", "Согласие на распространение", "Несовершеннолетний", "Форма наставничества"]
VALUES = ["наставник", "наставляемый", "наставник, наставляемый", "ученик", "педагог", "Школа A", "Школа B",
          "школа а", "Школа C", "да", "нет", "Да", "+", "-", "ФИО, email", "фото", "ученик – ученик",
          "Учитель – учитель", "Иванова Ольга Петровна", "Петров П.П.", "olga@example.org", "не почта@",
          "+7 (900) 123-45-67", "8 900 1234567", "1", "0", "12", "7А", "01.09.2025", "31.02.2025", "2025-09-01",
          "сентябрь 2025", "44805", "ФИО", "", " ", "\"", ";", ",", "\n", "=1+2", "@SUM(A1)"]


def _cell() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(VALUES), st.sampled_from(HEADER_WORDS), st.text(max_size=15),
                     st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 1, 1)).map(lambda d: f"{d:%d.%m.%Y}"),
                     st.integers(-10**6, 10**6).map(str))


@st.composite
def csv_texts(draw) -> str:
    """A registry as Excel saves CSV: maybe a title, a header of known and unknown columns, rows of cells."""
    delimiter = draw(st.sampled_from([";", ",", "\t", "|"]))
    header = draw(st.lists(st.sampled_from(HEADER_WORDS), min_size=1, max_size=8))
    rows = draw(st.lists(st.lists(_cell(), max_size=len(header) + 2), max_size=8))
    title = draw(st.lists(_cell(), max_size=2))

    def line(cells: list[str]) -> str:
        quote = draw(st.booleans())
        return delimiter.join('"' + c.replace('"', '""') + '"' if quote else c for c in cells)

    return draw(st.sampled_from(["\n", "\r\n"])).join([line(title)] * bool(title) + [line(header)] +
                                                       [line(r) for r in rows])


def check(data: bytes, name: str) -> None:
    try:
        plan = read_registry(data, name)
    except RegistryFileError as error:
        assert str(error).strip()  # the editor reads why, in Russian
        return
    assert plan.source
    for error in plan.errors:
        assert error.row >= 1 and str(error).strip()
    for person in plan.persons:
        assert person.full_name and person.roles and person.action in ("create", "update", "unchanged")
    assert plan.created + plan.updated + plan.unchanged + len({e.row for e in plan.errors}) >= len(plan.persons)


@pytest.fixture
def registry(app, world):
    return world


@FUZZ
@given(text=st.one_of(csv_texts(), st.text(max_size=200)), encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1251"]))
def test_any_csv_gives_a_plan_or_a_clear_refusal(registry, text, encoding):
    check(text.encode(encoding, errors="replace"), "участники.csv")


@FUZZ
@given(data=st.one_of(st.binary(max_size=300), st.binary(max_size=200).map(lambda b: b"PK\x03\x04" + b),
                      st.binary(max_size=100).map(lambda b: b"\xd0\xcf\x11\xe0" + b),
                      st.binary(max_size=100).map(lambda b: b"\xff\xfe" + b)),
       name=st.sampled_from(["участники.csv", "участники.xlsx", "участники"]))
def test_any_bytes_give_a_plan_or_a_clear_refusal(registry, data, name):
    check(data, name)


# What openpyxl may write into a cell: text without the control characters XML forbids, numbers, dates, booleans.
XLSX_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=20)
XLSX_VALUES = st.one_of(st.none(), XLSX_TEXT, st.sampled_from(VALUES).filter(lambda v: "\n" not in v),
                        st.integers(-10**12, 10**12), st.floats(allow_nan=False, allow_infinity=False),
                        st.dates(min_value=date(1900, 3, 1), max_value=date(2100, 1, 1)),
                        st.datetimes(min_value=datetime(1900, 3, 1), max_value=datetime(2100, 1, 1)),
                        st.times(), st.booleans())


def _xlsx(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@settings(max_examples=max(EXAMPLES // 2, 1), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(header=st.lists(st.sampled_from(HEADER_WORDS), min_size=1, max_size=8, unique=True),
       rows=st.lists(st.lists(XLSX_VALUES, max_size=9), max_size=6), header_row=st.integers(0, 3))
@example(header=["ФИО", "Роль", "Организация", "Дата вхождения в программу"],
         rows=[["Иванова Ольга", "наставник", "Школа A", time(10, 30)]], header_row=0)
def test_any_workbook_gives_a_plan_or_a_clear_refusal(registry, header, rows, header_row):
    check(_xlsx([[None]] * header_row + [header] + rows), "участники.xlsx")


CELL_VALUES = st.one_of(st.none(), st.text(max_size=40), st.sampled_from(VALUES), _cell(), st.integers(),
                        st.floats(), st.booleans(), st.dates(), st.datetimes(), st.times(),
                        st.emails().map(lambda e: e.upper()), st.emails())


@settings(max_examples=EXAMPLES * 3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.sampled_from(sorted(PARSERS)), value=CELL_VALUES)
def test_every_cell_parser_returns_a_value_or_says_why(app, name, value):
    try:
        PARSERS[name](value)
    except ValueError as problem:
        assert str(problem).strip()
