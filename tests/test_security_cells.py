"""Issue 18, finding 6: no CSV or XLSX file the portal writes, public or not, holds a cell a spreadsheet would run
as a formula: open data, registry exports and the monitoring indicators, with hostile text in every name."""
from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from portal.cell_text import safe_cell_text
from portal.extensions import db
from portal.models import Status
from portal.monitoring import reports
from portal.monitoring.indicators import Period, compute
from portal.site.open_data import DATASETS, dataset_csv
from portal.registries.io_export import KINDS, export_registry
from portal.site.content import load

FORMULAS = ['=HYPERLINK("http://example.org","x")', "@SUM(1+1)*cmd|' /C calc'!A0", "+cmd|' /C calc'!A0",
            "-2+3+cmd|' /C calc'!A0", "\t=1+1", "\r=1+1"]
PHONE_LIKE = re.compile(r"[+\-][\d\s()+\-.]*")


def runnable(cell: str) -> bool:
    return cell.startswith(("=", "@", "\t", "\r")) or (cell.startswith(("+", "-")) and not PHONE_LIKE.fullmatch(cell))


def csv_cells(data: bytes) -> list[str]:
    return [cell for row in csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";") for cell in row]


def assert_no_formula_in_xlsx(data: bytes) -> None:
    workbook = load_workbook(io.BytesIO(data))
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)


@pytest.fixture
def hostile(world):
    """Formula-like text in the names and texts that reach every file, on published content."""
    for number, org in enumerate((world.org_a, world.org_b)):
        org.short_name, org.name, org.municipality = FORMULAS[number], FORMULAS[number + 2], FORMULAS[number + 4]
    for number, kind in enumerate(("roadmaps", "cases", "news", "events")):
        row = world.rows[(kind, "a")]
        row.title = FORMULAS[number]
        if hasattr(row, "summary"):
            row.summary = FORMULAS[number + 1]
        row.status = Status.PUBLISHED
    for kind in ("persons", "programs"):
        for owner in ("a", "b"):
            row = world.rows[(kind, owner)]
            for field in ("position", "title", "description_md", "email"):
                if hasattr(row, field) and field != "email":
                    setattr(row, field, FORMULAS[2])
    db.session.commit()
    return world


def test_safe_cell_text_keeps_phones_and_escapes_formulas():
    assert safe_cell_text("+7 (900) 000-00-01") == "+7 (900) 000-00-01"
    assert safe_cell_text("-5") == "-5"
    assert all(safe_cell_text(text) == "'" + text for text in FORMULAS)


def test_open_data_csv_holds_no_formula(hostile):
    snapshot = load()
    written = 0
    for found in DATASETS:
        if "csv" in found.formats:
            cells = csv_cells(dataset_csv(snapshot, found.name, item_url=lambda kind, item: f"https://x/{kind}/"))
            assert not [cell for cell in cells if runnable(cell)], found.name
            written += len(cells)
    assert any(FORMULAS[0] in cell for found in DATASETS if "csv" in found.formats
               for cell in csv_cells(dataset_csv(snapshot, found.name, item_url=lambda kind, item: "")))
    assert written


@pytest.mark.parametrize("kind", KINDS)
def test_registry_exports_hold_no_formula(hostile, kind):
    assert not [cell for cell in csv_cells(export_registry(kind, "csv")) if runnable(cell)]
    assert_no_formula_in_xlsx(export_registry(kind, "xlsx"))


def test_indicator_files_hold_no_formula(hostile):
    indicators = compute(db.session, Period(date(2025, 9, 1), date(2026, 8, 31)), date(2026, 6, 1),
                         datetime(2026, 6, 1, 12, 0))
    assert not [cell for cell in csv_cells(reports.to_csv_bytes(indicators)) if runnable(cell)]
    assert_no_formula_in_xlsx(reports.to_xlsx_bytes(indicators, FORMULAS[0], datetime(2026, 6, 1, 12, 0)))
