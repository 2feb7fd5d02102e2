"""What a document is made with besides its object (who reads it, the date, a period, a year): kinds.py and the
builders share it without importing each other."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from portal.monitoring.indicators import Period


@dataclass(frozen=True)
class Options:
    """What a document is made with besides its object: who reads it, the date, a period, a year."""

    now: datetime
    reader: set[int] | None = None  # organisations whose people the reader may see by name (None: all)
    period: Period | None = None
    year: int | None = None
    signatory: str = ""
    pairings: frozenset[int] | None = None  # the chosen pairings of a program's order (None: all of them)

    @property
    def today(self) -> date:
        return self.now.date()
