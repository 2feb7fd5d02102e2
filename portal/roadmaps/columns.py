"""The header of a roadmap table: which column holds what, in the words schools use, on one row or two.

portal/roadmaps/parse.py reads the rows by these roles; pdf.py finds the header of a table without rules by them.
"""
from __future__ import annotations

import re

from .rows import Row

# Column roles, recognised by words of the header cell; the first role that matches wins.
HEADER_WORDS: list[tuple[str, tuple[str, ...]]] = [
    ("number", ("№", "п/п", "n п/п")),
    ("stage", ("этап",)),
    ("activity", ("мероприят", "наименование работ", "направлени")),
    ("deadline", ("срок", "дата", "период")),
    ("responsible", ("ответствен", "исполнител")),
    ("result", ("результат", "вид документа", "форма отчет", "итог", "продукт")),
    ("details", ("содержание", "описание", "деятельност", "задач", "форма")),
]


def header_roles(cells: list[str]) -> list[str | None]:
    roles: list[str | None] = []
    for cell in cells:
        text = cell.lower().replace("\n", " ").strip()
        role = None
        if text:
            role = next((r for r, words in HEADER_WORDS if any(w in text for w in words)), None)
            if role is None and text in ("n", "no", "nn"):
                role = "number"
        roles.append(role)
    return roles


UNIQUE_ROLES = ("number", "stage", "activity")
GUESSED_DETAILS = "вторая колонка о мероприятиях прочитана как содержание мероприятия"


def second_columns_to_details(roles: list[str | None]) -> tuple[list[str | None], set[int]]:
    """«Мероприятия» and «Содержание деятельности и примерный план мероприятий»: a second column of a role that
    a row holds once (number, stage, activity) is the activity's content, not a rival title."""
    seen: set[str] = set()
    guessed: set[int] = set()
    out = list(roles)
    for i, role in enumerate(roles):
        if role in UNIQUE_ROLES:
            if role in seen:
                out[i] = "details"
                guessed.add(i)
            seen.add(role)
    return out, guessed


def is_header(cells: list[str]) -> bool:
    roles = [r for r in header_roles(cells) if r]
    return len(roles) >= 2 and bool({"activity", "deadline", "details"} & set(roles))


def is_column_numbers(cells: list[str]) -> bool:
    filled = [c for c in cells if c]
    return len(filled) >= 2 and all(c.rstrip(".").isdigit() for c in filled)


def is_sub_header(row: Row, roles: list[str | None]) -> bool:
    """«муниципальные | ОУ» under «Исполнители»: short words, no number, no activity, nothing like a date."""
    filled = [(i, c) for i, c in enumerate(row.cells) if c]
    if not filled or row.spans:
        return False
    for i, cell in filled:
        if i < len(roles) and roles[i] in ("number", "activity", "stage"):
            return False
        if len(cell) > 30 or len(cell.split()) > 3 or re.search(r"\d", cell):
            return False
    return True


def spread_header(roles: list[str | None], sub: Row) -> tuple[list[str | None], set[int]]:
    """Roles for the columns of a two-row header: a top cell over several sub-cells gives its role to each.
    Word pastes a cell spanning columns once, so the sub-header row is wider than the header by the span."""
    filled = [i for i, c in enumerate(sub.cells) if c]
    extra = len(sub.cells) - len(roles)
    spread: set[int] = set()
    out = list(roles)
    if extra > 0:
        top = filled[0]
        if top < len(roles):
            out = roles[:top + 1] + [roles[top]] * extra + roles[top + 1:]
            spread = set(range(top, top + extra + 1))
    for i in filled:  # an empty top cell over a sub-cell: the span of the top cell on its left
        if i < len(out) and out[i] is None and i > 0 and out[i - 1] is not None:
            out[i] = out[i - 1]
            spread |= {i - 1, i}
    return out, spread
