"""Import and export of the registries of mentors and mentees: the public API.

Import (CLI `portal registry import` and the admin upload) is two steps, so that a preview can show every
problem before anything is saved:

    plan = read_registry(data, filename)   # RegistryFileError if the file cannot be read at all
    if plan.errors: show them (every bad row, with its number as Excel shows it); nothing is saved
    else: save_registry(plan)              # one transaction

Export: `export_registry(kind, fmt, organisation_ids=…)` gives the bytes of an .xlsx or .csv file.
The work is done in io_table.py (reading files), io_values.py (cell meanings), io_import.py, io_export.py.
"""
from __future__ import annotations

from .io_export import FORMATS, KINDS, export_filename, export_registry
from .io_import import ImportPlan, PersonRow, RowError, read_registry, save_registry
from .io_table import COLUMNS, MAX_BYTES, MAX_ROWS, REQUIRED, RegistryFileError

__all__ = [
    "COLUMNS", "FORMATS", "ImportPlan", "KINDS", "MAX_BYTES", "MAX_ROWS", "PersonRow", "REQUIRED",
    "RegistryFileError", "RowError", "export_filename", "export_registry", "read_registry", "save_registry",
]
