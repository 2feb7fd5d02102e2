"""The catalogue of best practices on the site: all of it (newest first or by title), one filter value, or a
form and a year together. Every list is a page of its own, so the filters and the order work without JavaScript."""
from __future__ import annotations

from dataclasses import dataclass

from flask import abort

from . import bp, content
from .catalogue import FACETS, Catalogue, FilterValue
from .views import paginate, render

FACET_RULE = "<any(" + ", ".join(FACETS) + "):facet>"
PAIRED = ("form", "year")  # the two filters that combine


@dataclass(frozen=True)
class Choice:
    """One value a catalogue page offers: where it leads, how many cases are there, whether it is chosen."""
    value: FilterValue
    endpoint: str
    values: dict
    count: int
    current: bool


def choices(catalogue: Catalogue, chosen: dict[str, str]) -> dict[str, tuple[list[Choice], bool]]:
    """Per facet, the values a page lists and whether more exist. With a form or a year chosen, the other one
    of the pair narrows further (only the years of that form have cases, and so on)."""
    result = {}
    for facet in FACETS:
        shown, more = catalogue.shown(facet, chosen.get(facet))
        items = []
        for each in shown:
            other = next((f for f in PAIRED if f != facet), None) if facet in PAIRED else None
            if other and other in chosen:
                pair = {facet: each.value, other: chosen[other]}
                count = catalogue.combined_count(pair["form"], pair["year"])
                if not count:
                    continue
                items.append(Choice(each, "site.cases_combined", pair, count, chosen.get(facet) == each.value))
            else:
                items.append(Choice(each, "site.cases_filtered", {"facet": facet, "value": each.value}, each.count,
                                    chosen == {facet: each.value}))
        result[facet] = (items, more)
    return result


def _page(items, page: int, chosen: dict[str, str], endpoint: str, values: dict, order: str = "new") -> str:
    catalogue = content.current().catalogue
    shown, pages = paginate(items, page)
    labels = [(FACETS[facet], catalogue.label(facet, value)) for facet, value in chosen.items()]
    return render("site/cases.html", items=shown, page=page, pages=pages, catalogue=catalogue, facets=FACETS,
                  choices=choices(catalogue, chosen), chosen=labels, total=len(items), order=order,
                  pager_endpoint=endpoint, pager_values=values)


@bp.get("/cases/", defaults={"page": 1})
@bp.get("/cases/page/<int:page>/")
def cases(page: int) -> str:
    return _page(content.current().catalogue.cases, page, {}, "site.cases", {})


@bp.get("/cases/by-title/", defaults={"page": 1})
@bp.get("/cases/by-title/page/<int:page>/")
def cases_by_title(page: int) -> str:
    """The whole catalogue from А to Я."""
    return _page(content.current().catalogue.by_title, page, {}, "site.cases_by_title", {}, order="title")


@bp.get(f"/cases/filters/{FACET_RULE}/")
def case_filters(facet: str) -> str:
    """Every value of one filter with its count: the long lists (organisations, themes) in full."""
    catalogue = content.current().catalogue
    return render("site/case_filters.html", catalogue=catalogue, facet=facet, title=FACETS[facet],
                  values=catalogue.filters[facet])


@bp.get(f"/cases/{FACET_RULE}/<value>/", defaults={"page": 1})
@bp.get(f"/cases/{FACET_RULE}/<value>/page/<int:page>/")
def cases_filtered(facet: str, value: str, page: int) -> str:
    """The catalogue narrowed to one filter value: a page of its own, so no JavaScript is needed."""
    matching = content.current().catalogue.matching(facet, value)
    if matching is None:
        abort(404)
    return _page(matching, page, {facet: value}, "site.cases_filtered", {"facet": facet, "value": value})


@bp.get("/cases/form/<form>/year/<year>/", defaults={"page": 1})
@bp.get("/cases/form/<form>/year/<year>/page/<int:page>/")
def cases_combined(form: str, year: str, page: int) -> str:
    """Cases of one mentoring form published in one year."""
    matching = content.current().catalogue.combined(form, year)
    if matching is None:
        abort(404)
    return _page(matching, page, {"form": form, "year": year}, "site.cases_combined", {"form": form, "year": year})
