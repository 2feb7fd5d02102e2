"""Text for a cell of any CSV or XLSX file the portal writes (registry exports, indicators, open data): a
spreadsheet never runs it as a formula (CSV injection). One function for every writer, public or not."""
from __future__ import annotations

import re

# A cell beginning with one of these is a formula (or, with a tab or a carriage return, hides one) in Excel,
# LibreOffice and Google Sheets; «+» and «-» too, but phone numbers like +7 (999) 123-45-67 stay as they are.
_FORMULA_START = ("=", "@", "\t", "\r")
_PHONE_LIKE = re.compile(r"[+\-][\d\s()+\-.]*")


def safe_cell_text(text: str) -> str:
    """The text as a spreadsheet must show it: a leading apostrophe before anything a spreadsheet would run."""
    if text.startswith(_FORMULA_START) or (text.startswith(("+", "-")) and not _PHONE_LIKE.fullmatch(text)):
        return "'" + text
    return text
