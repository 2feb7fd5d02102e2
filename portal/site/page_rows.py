"""What a page's fingerprint says of the rows it shows (urls.py): an item's id, last edit and address, its
organisation's, and an item shown as a card. A page whose rows say the same is not rendered again."""
from __future__ import annotations

from .content import Snapshot


def rows(items) -> list[tuple]:
    return [(i.id, i.updated_at, getattr(i, "slug", None)) for i in items]


def org_row(item) -> tuple:
    org = getattr(item, "organisation", None)
    return (org.id, org.updated_at) if org is not None else ()


def cards(items) -> list[tuple]:
    """Items shown as cards: their rows and their organisations' names."""
    return [card(i) for i in items]


def card(item) -> tuple:
    return item.id, item.updated_at, getattr(item, "slug", None), org_row(item)


def card_memo(snap: Snapshot):
    """Cards of the snapshot's cases, each made once per plan: the catalogue shows each case on a dozen pages."""
    made = snap.__dict__.setdefault("_case_cards", {})  # by id: the snapshot keeps its cases alive

    def case_card(item) -> tuple:
        found = made.get(id(item))
        if found is None:
            found = made[id(item)] = card(item)
        return found
    return case_card


def roadmap_parts(roadmap) -> list[tuple]:
    return [(s.id, s.updated_at, rows(s.activities)) for s in roadmap.stages]
