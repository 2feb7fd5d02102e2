"""The catalogue of best practices and its filters (by form, organisation, tag and year).

Each filter value is a pre-built page (/cases/form/pupil_pupil/, /cases/tag/proforientatsiya/ …), so the
filters work on a static host without JavaScript and every filtered list has an address to share. Form and year
combine (/cases/form/pupil_pupil/year/2025/: a few dozen pages at most, for the pairs that have cases), and the
whole catalogue is also listed by title (/cases/by-title/).
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from portal.models import Case

from .row_memo import memoised

FACETS: dict[str, str] = {
    "form": "Форма наставничества",
    "organisation": "Организация",
    "tag": "Тема",
    "year": "Год",
}


SHOWN_VALUES = 12


@dataclass(frozen=True)
class FilterValue:
    facet: str
    value: str  # as it stands in the address
    label: str
    count: int


def case_year(case: Case) -> int:
    """The year a practice appeared on the portal (its scheduled publication, else its creation)."""
    return (case.publish_at or case.created_at).year


def _values_of(case: Case) -> dict[str, list[tuple[str, str]]]:
    return {
        "form": [(case.mentoring_form.value, case.mentoring_form.label)],
        "organisation": [(case.organisation.slug, case.organisation.short_name)],
        "tag": [(tag.slug, tag.name) for tag in case.tags],
        "year": [(str(case_year(case)),) * 2],
    }


class Catalogue:
    """Cases grouped by every filter value, computed once per snapshot. `memo`: each case's values by the case
    object, kept from snapshot to snapshot (row_memo.py): after one edit a region's 3 000 cases are not read again."""

    def __init__(self, cases: list[Case], memo: dict | None = None):
        self.cases = cases
        rows = memoised(cases, memo, lambda case: (_values_of(case), (case.title.casefold(), case.id)))
        self._matching: dict[tuple[str, str], list[Case]] = defaultdict(list)
        labels: dict[tuple[str, str], str] = {}
        # Form × year, the pair a coordinator asks for («практики «учитель–учитель» за 2025 год»).
        self._combined: dict[tuple[str, str], list[Case]] = defaultdict(list)
        for case, (values, _) in zip(cases, rows):  # already in catalogue order: each group keeps it
            for facet, found in values.items():
                for value, label in found:
                    self._matching[(facet, value)].append(case)
                    labels[(facet, value)] = label
            self._combined[(values["form"][0][0], values["year"][0][0])].append(case)
        self.by_title = [case for _, case in sorted(zip((key for _, key in rows), cases), key=lambda pair: pair[0])]
        self.filters: dict[str, list[FilterValue]] = {facet: [] for facet in FACETS}
        for (facet, value), items in self._matching.items():
            self.filters[facet].append(FilterValue(facet, value, labels[(facet, value)], len(items)))
        for facet, values in self.filters.items():
            if facet == "year":
                values.sort(key=lambda v: v.value, reverse=True)
            else:
                values.sort(key=lambda v: v.label.casefold())

    def shown(self, facet: str, chosen: str | None = None) -> tuple[list[FilterValue], bool]:
        """The values a catalogue page lists for a facet: all of a short list, else the most used ones (and the
        chosen one), and whether more exist — 300 organisations on every one of 2 000 pages would weigh more
        than the cases themselves."""
        values = self.filters[facet]
        if len(values) <= SHOWN_VALUES:
            return values, False
        top = sorted(values, key=lambda v: (-v.count, v.label.casefold()))[:SHOWN_VALUES]
        top += [v for v in values if v.value == chosen and v not in top]
        order = {id(v): n for n, v in enumerate(values)}
        return sorted(top, key=lambda v: order[id(v)]), True

    def matching(self, facet: str, value: str) -> list[Case] | None:
        """The cases with this filter value, or None when no published case has it (the page does not exist)."""
        return self._matching.get((facet, value))

    def combined(self, form: str, year: str) -> list[Case] | None:
        """The cases of this form and year, or None when there are none (the page does not exist)."""
        return self._combined.get((form, year))

    def combinations(self) -> list[tuple[str, str]]:
        return sorted(self._combined)

    def combined_count(self, form: str, year: str) -> int:
        return len(self._combined.get((form, year), ()))

    def label(self, facet: str, value: str) -> str:
        return next(v.label for v in self.filters[facet] if v.value == value)
