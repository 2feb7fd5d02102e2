"""Tags of competences and requests («математика, подготовка к ЕГЭ»): typed as text, compared in lower case."""
from __future__ import annotations

import re

SEPARATORS = re.compile(r"[,;\n]+")
MAX_TAGS = 30
MAX_TAG = 60


def parse_tags(text: str) -> list[str]:
    """«Математика; подготовка к ЕГЭ,  математика» → ["математика", "подготовка к егэ"]: order kept, no repeats."""
    seen: list[str] = []
    for part in SEPARATORS.split(text or ""):
        tag = " ".join(part.split()).casefold().strip(" .")[:MAX_TAG]
        if tag and tag not in seen:
            seen.append(tag)
    return seen[:MAX_TAGS]


def join_tags(tags: list[str]) -> str:
    return ", ".join(tags)
