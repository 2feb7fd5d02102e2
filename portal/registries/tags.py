"""Tags of competences and requests («математика, подготовка к ЕГЭ»): typed as text, compared by `key`."""
from __future__ import annotations

import re

SEPARATORS = re.compile(r"[,;\n]+")
MAX_TAGS = 30
MAX_TAG = 60


def parse_tags(text: str) -> list[str]:
    """«Математика; подготовка к ЕГЭ,  математика» → ["Математика", "подготовка к ЕГЭ"]: spelling as typed, order
    kept, no repeats in any letter case (compare with `key`)."""
    seen: list[str] = []
    keys: set[str] = set()
    for part in SEPARATORS.split(text or ""):
        tag = " ".join(part.split()).strip(" .")[:MAX_TAG]
        if tag and key(tag) not in keys:
            keys.add(key(tag))
            seen.append(tag)
    return seen[:MAX_TAGS]


def key(tag: str) -> str:
    """What two tags are compared by: «ЕГЭ» and «егэ» are one, and so are «ё» and «е»."""
    return tag.casefold().replace("ё", "е")


def join_tags(tags: list[str]) -> str:
    return ", ".join(tags)


def normalise_tags(text: str | None) -> str:
    """As stored: «Математика;подготовка к ЕГЭ» → «Математика, подготовка к ЕГЭ»."""
    return join_tags(parse_tags(text or ""))
