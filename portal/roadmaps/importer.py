"""Saving a parsed roadmap: one transaction, all or nothing; replacing an existing roadmap's content."""
from __future__ import annotations

import re

from portal.extensions import db
from portal.models import Activity, Organisation, Roadmap, Stage, Status

from .parse import ParsedRoadmap
from .tables import RawTable

RESPONSIBLE_SEPARATOR = "; "


class NothingToSave(ValueError):
    """The parse found no stage: saving would make an empty roadmap."""


def build_stages(parsed: ParsedRoadmap) -> list[Stage]:
    stages = []
    for s_pos, parsed_stage in enumerate(parsed.stages, start=1):
        stage = Stage(number=parsed_stage.number or "", title=parsed_stage.title[:500], goal=parsed_stage.goal or "",
                      result=parsed_stage.result or "", position=s_pos * 10)
        for a_pos, item in enumerate(parsed_stage.activities, start=1):
            deadline = item.deadline
            stage.activities.append(Activity(
                number=(item.number or "")[:20],
                title=item.title,
                details=item.details or "",
                deadline_text=(deadline.text if deadline else "")[:300],
                deadline_start=deadline.start if deadline else None,
                deadline_end=deadline.end if deadline else None,
                recurrence=deadline.recurrence if deadline else None,
                responsible=RESPONSIBLE_SEPARATOR.join(item.responsible),
                expected_result=item.expected_result or "",
                position=a_pos * 10,
            ))
        stages.append(stage)
    return stages


def save(parsed: ParsedRoadmap, organisation: Organisation, roadmap: Roadmap | None = None,
         title: str | None = None) -> Roadmap:
    """Create a draft roadmap from the parse, or replace the stages of `roadmap`. Commits once."""
    if not parsed.stages:
        raise NothingToSave("В таблице не найдено ни одного этапа с мероприятиями: сохранять нечего.")
    try:
        if roadmap is None:
            roadmap = Roadmap(organisation=organisation, status=Status.DRAFT,
                              title=(title or parsed.title or "Дорожная карта")[:400], year=parsed.year)
            roadmap.period = period_of(parsed.title or "")
            db.session.add(roadmap)
        else:
            roadmap.stages.clear()
            db.session.flush()  # old stages go before the new ones arrive
        roadmap.stages.extend(build_stages(parsed))
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return roadmap


def period_of(title: str) -> str:
    """«… на 2022 – 2023 учебный год» → «2022–2023 учебный год»; «… на 2023 год» → «2023 год»."""
    match = re.search(r"(\d{4})\s*[-–—/]\s*(\d{4})\s*(?:гг?\.?\s*)?(учебн\w*\s+год\w*)?", title)
    if match:
        return f"{match.group(1)}–{match.group(2)}" + (" учебный год" if match.group(3) else " гг.")
    match = re.search(r"на\s+(\d{4})\s*(?:год|г\.)", title)
    return f"{match.group(1)} год" if match else ""


def as_text(table: RawTable) -> str:
    """A table read from .docx or .pdf as tab-separated text, so the user can correct it in the same text area."""
    lines = list(table.preamble) + [""]
    for row in table.rows:
        lines.append("\t".join(cell.replace("\n", " ") for cell in row.cells))
    return "\n".join(lines)
