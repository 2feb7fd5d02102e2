"""What the text of one cell says: its number («1.1», «II.»), its list items, the people in it. parse.py reads
the table with these."""
from __future__ import annotations

import re

from .rows import ITEM_SEPARATOR

ROMAN = re.compile(r"^(?=[IVXLC]+\b)M{0,3}(C[MD]|D?C{0,3})(X[CL]|L?X{0,3})(I[XV]|V?I{0,3})$")
_NUMBER_AT_START = re.compile(r"^\s*((?:\d{1,2}(?:\.\d{1,2}){0,3}|[IVXLC]{1,6})[.)]?)(?=\s|$)\s*")
_ITEM_START = re.compile(r"(?:^|(?<=[\s.;:]))(\d{1,2})[.)]\s+(?=[А-ЯЁA-Z«\"])")
_NAME = re.compile(r"^[А-ЯЁ][а-яё]+\s*\.?\s*[А-ЯЁ]\.\s?[А-ЯЁ]\.?$|^[А-ЯЁ]\.\s?[А-ЯЁ]\.\s?[А-ЯЁ][а-яё]+$")


def split_number(text: str) -> tuple[str | None, str]:
    """«1.1 Анкетирование» → («1.1», «Анкетирование»); «II. Этап» → («II», «Этап»)."""
    match = _NUMBER_AT_START.match(text)
    if not match or not match.group(1).rstrip(".)"):
        return None, text.strip()
    number = match.group(1).rstrip(".)")
    if not number[0].isdigit() and not ROMAN.match(number):
        return None, text.strip()
    return number, text[match.end():].strip()


def split_items(text: str) -> list[str]:
    """A cell listing «1. … 2. …» (or one item a line) → its items; any other text is one item."""
    lines = [line for line in text.split(ITEM_SEPARATOR) if line.strip()]
    if len(lines) > 1 and sum(bool(split_number(line)[0]) for line in lines) >= len(lines) - 1:
        return lines
    flat = " ".join(lines)
    starts = [m.start(1) for m in _ITEM_START.finditer(flat)]
    numbers = [int(m.group(1)) for m in _ITEM_START.finditer(flat)]
    # Only a real list: starts at its first item and counts up; «№ 2 от 2022» stays whole.
    if len(starts) >= 2 and starts[0] == 0 and numbers == list(range(numbers[0], numbers[0] + len(numbers))):
        bounds = starts + [len(flat)]
        return [flat[a:b].strip() for a, b in zip(bounds, bounds[1:])]
    return [flat] if flat else []


_NAME_THEN_ROLE = re.compile(r"([А-ЯЁ]\.\s?[А-ЯЁ]\.?)\s+(?=[А-ЯЁ][а-яё])")
_HAS_NAME = re.compile(r"[А-ЯЁ][а-яё]+\s*\.?\s*[А-ЯЁ]\.\s?[А-ЯЁ]")


def split_people(text: str) -> list[str]:
    """«Директор школы, заместитель директора» → two; «Куратор, Латипов А.М» stays one person."""
    people: list[str] = []
    # «Латипов А.М Наставник, …»: a new role right after initials starts a new person.
    text = _NAME_THEN_ROLE.sub(lambda m: m.group(1) + "\n", text)
    for part in re.split(r"[;,\n]", text):
        part = part.strip(" .")
        if not part:
            continue
        if people and _NAME.match(part) and not _HAS_NAME.search(people[-1]):
            people[-1] = f"{people[-1]} {part}"  # a name after a bare role: «Куратор Латипов А.М»
        elif people and part[:1].islower() and _NAME.match(people[-1]):
            # «Пономарёва Е.А., заведующий МБДОУ №18»: a name and its position are one person.
            name = people[-1] + ("." if re.search(r"[А-ЯЁ]$", people[-1]) else "")
            people[-1] = f"{name}, {part}"
        else:
            people.append(part)
    return people
