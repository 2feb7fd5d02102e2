"""Suggested mentors for a mentee, ranked by fit, each with the reasons a curator reads.

Pure functions over plain records (`Candidate`, `Need`): tests rank a seeded registry without HTTP or a database;
`portal/registries/match_query.py` builds the records from the registry.

The rules, in order of weight:
- the same mentoring form is required (a mentor without a form stated is kept, lower, with a note);
- each competence that matches the request counts;
- free capacity: a full mentor is listed last, with a warning, never silently;
- the same organisation, or a partner of the program (network mentoring), comes before others.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from portal.models import MentoringForm

from .tags import key


@dataclass(frozen=True)
class Candidate:
    mentor_id: int
    name: str
    organisation_id: int
    organisation: str
    form: MentoringForm | None
    tags: tuple[str, ...]
    capacity: int
    load: int  # mentees in the mentor's active pairings


@dataclass(frozen=True)
class Need:
    form: MentoringForm | None
    tags: tuple[str, ...]
    organisation_id: int
    partner_ids: frozenset[int] = frozenset()  # network partners of the programs the mentee may join


@dataclass
class Suggestion:
    candidate: Candidate
    score: float
    common: list[str]
    free: int
    reasons: list[str] = field(default_factory=list)

    @property
    def over_capacity(self) -> bool:
        return self.free <= 0

    @property
    def summary(self) -> str:
        return "; ".join(self.reasons)


FORM_WEIGHT = 3.0
TAG_WEIGHT = 2.0
SAME_ORGANISATION = 1.0
PARTNER = 0.5
FULL_PENALTY = 100.0  # below every mentor with room, whatever the match


def _tag_matches(request: tuple[str, ...], offered: tuple[str, ...]) -> list[str]:
    """Request tags that a competence covers: equal, or one contains the other («математика» ~ «математика 5–9»)."""
    have = [key(tag) for tag in offered]
    return [tag for tag in request if any(_covers(key(tag), h) for h in have)]


def _covers(wanted: str, have: str) -> bool:
    # Containment only for words of some length: «ия» must not match «математика».
    return wanted == have or (min(len(wanted), len(have)) >= 4 and (wanted in have or have in wanted))


def rank(need: Need, candidates: list[Candidate], limit: int | None = None) -> list[Suggestion]:
    """Suggestions best first; mentors of another form are left out."""
    suggestions = []
    for candidate in candidates:
        if need.form and candidate.form and candidate.form != need.form:
            continue
        common = _tag_matches(need.tags, candidate.tags)
        free = candidate.capacity - candidate.load
        score = TAG_WEIGHT * len(common)
        reasons = []
        if common:
            reasons.append("совпадают: " + ", ".join(common))
        else:
            reasons.append("нет совпадений с запросом")
        if need.form and candidate.form == need.form:
            score += FORM_WEIGHT
            reasons.append(f"та же форма: {need.form.label}")
        elif need.form:
            reasons.append("форма наставника не указана")
        if free > 0:
            reasons.append(f"свободно {free} из {candidate.capacity} мест")
        else:
            score -= FULL_PENALTY
            reasons.append(f"мест нет: занято {candidate.load} из {candidate.capacity}")
        if candidate.organisation_id == need.organisation_id:
            score += SAME_ORGANISATION
            reasons.append("та же организация")
        elif candidate.organisation_id in need.partner_ids:
            score += PARTNER
            reasons.append(f"организация-партнёр: {candidate.organisation}")
        suggestions.append(Suggestion(candidate, score, common, free, reasons))
    suggestions.sort(key=lambda s: (-s.score, -s.free, s.candidate.name))
    return suggestions[:limit] if limit else suggestions
