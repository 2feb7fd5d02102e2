"""What a roadmap parse gives: stages, activities, warnings, and the JSON `portal roadmap parse` prints."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .deadlines import Deadline


@dataclass
class ParsedActivity:
    number: str | None
    title: str
    details: str | None = None
    deadline: Deadline | None = None
    responsible: list[str] = field(default_factory=list)
    expected_result: str | None = None
    line: int | None = None
    # Fields the parser was unsure of (a merged or inherited cell, a guessed column) → why, in Russian: the
    # preview marks them so that a curator checks those first. Not part of the JSON.
    unsure: dict[str, str] = field(default_factory=dict)


@dataclass
class ParsedStage:
    number: str | None
    title: str
    goal: str | None = None
    result: str | None = None
    activities: list[ParsedActivity] = field(default_factory=list)
    line: int | None = None
    unsure: str | None = None  # why the stage itself is a guess (a line without cells taken for a stage row)


@dataclass
class ParsedRoadmap:
    title: str | None = None
    organisation: str | None = None
    year: int | None = None
    stages: list[ParsedStage] = field(default_factory=list)
    warnings: list[tuple[int | None, str]] = field(default_factory=list)

    @property
    def activity_count(self) -> int:
        return sum(len(stage.activities) for stage in self.stages)

    def to_json(self) -> dict[str, Any]:
        """The shape `portal roadmap parse` prints: every key present, null where unknown."""
        def iso(value: date | None) -> str | None:
            return value.isoformat() if value else None

        def deadline(d: Deadline | None) -> dict | None:
            if d is None or not d.text:
                return None
            return {"text": d.text, "start": iso(d.start), "end": iso(d.end), "recurrence": d.recurrence}

        return {
            "title": self.title, "organisation": self.organisation, "year": self.year,
            "stages": [{
                "number": s.number, "title": s.title, "goal": s.goal, "result": s.result,
                "activities": [{
                    "number": a.number, "title": a.title, "details": a.details, "deadline": deadline(a.deadline),
                    "responsible": a.responsible, "expected_result": a.expected_result,
                } for a in s.activities],
            } for s in self.stages],
            "warnings": [{"line": line, "message": message} for line, message in self.warnings],
        }
