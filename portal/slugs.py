"""Slugs for addresses on the site, made from Russian titles by transliteration.

python-slugify does the general work (other scripts, accents, separators, length at a word boundary); the
Russian letters are replaced first by the familiar scheme of Russian websites («дорожная» → «dorozhnaya»),
which reads better than the generic Unidecode output («dorozhnaia»).
"""
from __future__ import annotations

import re

from slugify import slugify as _slugify

_RUSSIAN = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "yo", "ж": "zh", "з": "z", "и": "i",
    "й": "y", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y", "ь": "",
    "э": "e", "ю": "yu", "я": "ya",
}
_REPLACEMENTS = (
    [["№", " "]]
    + [[ru, lat] for ru, lat in _RUSSIAN.items()]
    + [[ru.upper(), lat] for ru, lat in _RUSSIAN.items()]
)
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_LENGTH = 80
# Addresses the site uses itself beside items' slugs (/events/calendar/, /news/page/2/): never an item's slug.
RESERVED = frozenset({"calendar", "page"})


def slugify(text: str) -> str:
    """«Дорожная карта МБОУ СОШ № 5» → «dorozhnaya-karta-mbou-sosh-5»."""
    return _slugify(text or "", replacements=_REPLACEMENTS, max_length=MAX_LENGTH, word_boundary=True)


def is_valid(slug: str) -> bool:
    return bool(SLUG_RE.match(slug)) and len(slug) <= MAX_LENGTH


def unique(base: str, taken: set[str]) -> str:
    """The base slug, or base-2, base-3… whichever is not taken."""
    base = base or "item"
    taken = taken | RESERVED
    if base not in taken:
        return base
    n = 2
    while _numbered(base, n) in taken:
        n += 1
    return _numbered(base, n)


def _numbered(base: str, n: int) -> str:
    """base-n, the base cut (at a hyphen where it can) so that the whole stays within MAX_LENGTH."""
    suffix = f"-{n}"
    room = MAX_LENGTH - len(suffix)
    if len(base) > room:
        cut = base[:room]
        base = cut.rsplit("-", 1)[0] if "-" in cut else cut
    return base + suffix
