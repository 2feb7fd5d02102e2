"""Deadlines (сроки) of a roadmap: a Russian term as written in a school document, turned into a period.

A term is read as a row of tokens: dated parts («ноябрь 2022», «10 декабря», «I квартал», «2022/2023
учебный год»…) between words that only qualify them («до», «с», «ежегодно», «в течение учебного года»).
A part may leave out its year («Сентябрь– октябрь 2021 г.», «до 10 декабря»): it borrows the year of the
part after it, then of the part before it, and last of all the document's year. The period is the span from
the earliest part to the latest one. Like every parser in the pipeline, this one never raises: what it cannot
read it reports in `warnings`, in Russian, for the person who imports the roadmap.
"""
from __future__ import annotations

import calendar
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import date

YEARLY = "yearly"

UNRECOGNISED = "Не удалось распознать срок «{}»"
IMPOSSIBLE = "Несуществующая дата «{}»"
YEAR_UNKNOWN = "Не удалось определить год для срока «{}»: год не указан ни в сроке, ни в документе"
PARTLY = "В сроке «{}» не распознано: «{}»"


@dataclass(frozen=True)
class Deadline:
    text: str                 # the term as written, whitespace folded
    start: date | None
    end: date | None
    recurrence: str | None    # "yearly" or None
    warnings: tuple[str, ...] = ()


def _month_forms() -> dict[str, int]:
    """Every spelling of a month name a roadmap uses: each case of the word, and the usual abbreviations."""
    soft, hard = ("ь", "я", "е", "ю", "ем"), ("", "а", "е", "у", "ом")
    stems = [("январ", soft, "янв"), ("феврал", soft, "фев февр"), ("март", hard, "мар"),
             ("апрел", soft, "апр"), ("ма", ("й", "я", "е", "ю", "ем"), ""), ("июн", soft, ""),
             ("июл", soft, ""), ("август", hard, "авг"), ("сентябр", soft, "сен сент"),
             ("октябр", soft, "окт"), ("ноябр", soft, "ноя нояб"), ("декабр", soft, "дек")]
    forms = {}
    for number, (stem, endings, abbreviations) in enumerate(stems, start=1):
        forms.update({stem + ending: number for ending in endings})
        forms.update({abbreviation: number for abbreviation in abbreviations.split()})
    return forms


MONTHS = _month_forms()
# Longest first, so that «сентября» is not read as «сен» followed by a stray word.
_MONTH = "(?P<m>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")(?![а-я])\.?"
# «2022», «2022 г», «2022 г.», «2022 г.г.», «2022 гг.», «2022 года».
_YEAR = r"(?P<y>[0-9]{4})(?![0-9])(?:\s*(?:г\.?\s*г\.?|гг\.?|г\.?|год[а-я]*)(?![а-я]))?"
_OPTIONAL_YEAR = rf"(?:\s*{_YEAR})?"
_SCHOOL = r"(?:уч\.?|учебн[а-я]*)\s*(?:г\.?|год[а-я]*)(?![а-я])"
_END = r"(?![а-я0-9])"
_TWO_YEARS = r"(?P<y>[0-9]{{4}})\s*(?:г\.?\s*)?{}\s*(?P<y2>[0-9]{{4}}|[0-9]{{2}})(?![0-9])"

# Tried in this order at each position; the last two match any character, so the scan always moves on.
_TOKENS: list[tuple[str, re.Pattern[str]]] = [(kind, re.compile(pattern)) for kind, pattern in [
    # «2022 – 2023 учебный год», «2022/23 уч. год», or only «2022/2023»: a slash joins the years of a school year.
    ("school", rf"{_TWO_YEARS.format('-')}\s*(?:гг?\.?\s*)?{_SCHOOL}"),
    ("school", rf"{_TWO_YEARS.format('/')}(?:\s*{_SCHOOL})?"),
    ("school", rf"(?:в\s+течение\s+)?(?:всего\s+)?{_SCHOOL}"),
    ("docyear", r"в\s+течение\s+(?:всего\s+)?(?:календарного\s+)?года(?![а-я])"),
    ("ongoing", r"(?:постоянно|ежемесячно|еженедельно|ежеквартально|ежедневно|регулярно|систематически"
                r"|по\s+мере\s+необходимости|по\s+необходимости|по\s+запросу|весь\s+период"
                r"|в\s+течение\s+(?:всего\s+)?(?:периода|срока)(?:\s+реализации)?(?:\s+программы)?)(?![а-я])"),
    ("day", r"(?P<d>[0-9]{1,2})\.(?P<m>[0-9]{2})(?:\.(?P<y>[0-9]{4}|[0-9]{2}))?(?![0-9])(?:\s*г\.?(?![а-я]))?"),
    ("week", rf"(?P<n>[0-9]|перв|втор|трет|четверт|пят|последн)-?[а-я]*\s*недел[а-я]*\s*{_MONTH}"
             + _OPTIONAL_YEAR),
    ("third", rf"(?P<n>начал|середин|конц|конец)[а-я]*\s+{_MONTH}{_OPTIONAL_YEAR}"),
    ("day", rf"(?P<d>[0-9]{{1,2}})(?![0-9])(?:-?го)?\s*{_MONTH}{_OPTIONAL_YEAR}"),
    ("quarter", rf"(?P<n>iv|i{{1,3}}|[1-4])(?![0-9])(?:\s*-?[а-я]{{1,2}})?\s*квартал[а-я]*{_OPTIONAL_YEAR}"),
    ("half", rf"(?P<n>ii|i|[12])(?![0-9])(?:\s*-?[а-я]{{1,2}})?\s*полугоди[а-я]*{_OPTIONAL_YEAR}"),
    ("month", _MONTH + _OPTIONAL_YEAR),
    ("year", _YEAR),
    ("day", r"(?P<d>[0-9]{1,2})" + _END),   # «10» in «10–15 декабря»: takes the month of the next part
    ("until", r"(?:до|по|к|не\s+позднее|не\s+позже)" + _END),
    ("since", r"(?:с|c|со|от|начиная\s+с)" + _END),   # a Latin «c» typed in the wrong layout is common
    ("yearly", r"(?:ежегодн[а-я]*|каждый\s+год)" + _END),
    ("filler", r"(?:в|во|на|и|течение|г|гг|месяц[а-я]*)" + _END),
    ("separator", r"[\W_]+"),
    ("unknown", r"\w+"),
]]
_DATED = {"day", "week", "third", "quarter", "half", "month", "year", "school", "docyear"}
_ORDINALS = {"перв": 1, "втор": 2, "трет": 3, "четверт": 4, "пят": 5, "последн": -1, "i": 1, "ii": 2,
             "iii": 3, "iv": 4, "начал": 1, "середин": 2, "конц": 3, "конец": 3}
_DASHES = re.compile(r"[‐‑‒–—―−]")
# Remarks such as «(дополнительно по запросу)» carry no dates, nor do HTML tags a converter left («<p>»).
_REMARKS = re.compile(r"\([^)]*\)?|<[^<>]*>")


@dataclass
class _Part:
    """One dated token; its year is filled in after the whole term is read."""
    kind: str
    source: str                 # as written, for warnings
    year: int | None = None
    month: int | None = None
    day: int | None = None
    n: int = 0                  # which week, third, quarter or half; for a school year, its last year

    @property
    def first_month(self) -> int | None:
        return {"quarter": 3 * self.n - 2, "half": 6 * self.n - 5}.get(self.kind, self.month)

    @property
    def qualifier(self) -> bool:
        """«в течение учебного года» after «Ежегодно сентябрь» only qualifies it; alone it is the period."""
        return self.kind == "docyear" or (self.kind == "school" and self.year is None)


def _normalise(text: str) -> str:
    """Lower case, «ё» as «е», one kind of dash; the length stays the same, so spans map back to `text`."""
    text = "".join(c.lower() if len(c.lower()) == 1 else c for c in text).replace("ё", "е")
    return _DASHES.sub("-", text)


def _scan(norm: str) -> Iterator[tuple[str, re.Match[str]]]:
    """Split a normalised term into tokens, the first pattern of _TOKENS that matches winning."""
    pos = 0
    while pos < len(norm):
        for kind, pattern in _TOKENS:
            if match := pattern.match(norm, pos):
                break
        yield kind, match
        pos = match.end()


def _part(kind: str, match: re.Match[str], source: str) -> _Part:
    groups = match.groupdict()
    part = _Part(kind, source)
    if groups.get("y"):
        part.year = int(groups["y"]) if len(groups["y"]) == 4 else 2000 + int(groups["y"])
    if groups.get("m"):
        part.month = int(groups["m"]) if groups["m"].isdigit() else MONTHS[groups["m"]]
    if groups.get("d"):
        part.day = int(groups["d"])
    if groups.get("n"):
        part.n = int(groups["n"]) if groups["n"].isdigit() else _ORDINALS[groups["n"]]
    if groups.get("y2"):   # «2022/23»: the century of the first year
        part.n = int(groups["y2"]) if len(groups["y2"]) == 4 else part.year // 100 * 100 + int(groups["y2"])
    return part


def _possible(part: _Part) -> bool:
    """A day that exists in no year («31 ноября», «12.13.2022») is wrong whatever year it gets."""
    if part.day is None or part.month is None:
        return part.day is None or 1 <= part.day <= 31
    return 1 <= part.month <= 12 and 1 <= part.day <= calendar.monthrange(2000, part.month)[1]


def _rolls_over(earlier: int | None, later: int | None) -> bool:
    """«ноябрь – январь»: a month written after a later-in-the-year one is in the next year."""
    return earlier is not None and later is not None and later < earlier


def _fill_years(parts: list[_Part], year: int | None, school_year: bool) -> bool:
    """Give every part a year; False when one needs the document's year and there is none."""
    lender = None
    for part in reversed(parts):   # first from the part after: «Сентябрь– октябрь 2021 г.»
        if part.kind not in ("school", "docyear"):
            if part.year is None and lender is not None:
                part.year = lender.year - _rolls_over(part.first_month, lender.first_month)
            if part.year is not None:
                lender = part
    previous = None
    for part in parts:   # then from the part before: «сентябрь 2022, январь»
        if part.year is None and previous is not None and part.kind not in ("school", "docyear"):
            part.year = previous.year + _rolls_over(previous.first_month, part.first_month)
        elif part.year is None:
            if year is None:
                return False
            _from_document(part, year, school_year)
        previous = part if part.kind not in ("school", "docyear") else previous
    return True


def _from_document(part: _Part, year: int, school_year: bool) -> None:
    """The document's year; in a school year (`year` is its first year) January–August are in the next year."""
    if part.kind == "docyear":
        # «в течение года» in a school-year document means that school year; otherwise the calendar year.
        part.kind = "school" if school_year else "year"
    if part.kind == "school":
        # Without school_year we still read «учебный год» as the one starting in September of `year`.
        part.year, part.n = year, year + 1
    elif part.kind == "half" and school_year:
        # A school's «I полугодие» is September–December, «II полугодие» January–May.
        part.kind, part.year = "school_half", year + (part.n == 2)
    else:
        part.year = year + (school_year and (part.first_month or 9) < 9)


def _resolve(part: _Part) -> tuple[date, date]:
    """The first and last day of a part; ValueError when it does not exist."""
    y, m, n = part.year, part.month, part.n
    last = calendar.monthrange(y, m)[1] if m else 0   # also checks that y and m are in range
    if part.kind == "day":
        return date(y, m, part.day), date(y, m, part.day)
    if part.kind == "week":   # «1 неделя» is days 1–7, «последняя неделя» the last seven days
        first = last - 6 if n == -1 else 7 * n - 6
        if not 1 <= first <= last:
            raise ValueError(part.source)
        return date(y, m, first), date(y, m, min(first + 6, last))
    if part.kind == "third":   # «начало», «середина», «конец» месяца: by ten days, as schools plan
        return date(y, m, 10 * n - 9), date(y, m, last if n == 3 else 10 * n)
    if part.kind in ("quarter", "half"):
        first = part.first_month
        final = first + (2 if part.kind == "quarter" else 5)
        return date(y, first, 1), date(y, final, calendar.monthrange(y, final)[1])
    if part.kind == "school_half":
        return (date(y, 9, 1), date(y, 12, 31)) if n == 1 else (date(y, 1, 1), date(y, 5, 31))
    if part.kind == "school":
        if n <= y:
            raise ValueError(part.source)
        return date(y, 9, 1), date(n, 5, 31)
    if part.kind == "year":
        return date(y, 1, 1), date(y, 12, 31)
    return date(y, m, 1), date(y, m, last)   # month


@dataclass
class _Reading:
    """What the scan found in a term, before any year is filled in."""
    parts: list[_Part] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)   # words that are neither dates nor known qualifiers
    until: bool = False     # «до 10 декабря»: no start
    since: bool = False     # «с 1 сентября 2022»: no end
    ongoing: bool = False   # «постоянно», «по мере необходимости»
    recurrence: str | None = None


def _read(text: str) -> _Reading:
    reading = _Reading()
    norm = _normalise(text)
    if (blanked := _REMARKS.sub(lambda m: " " * len(m.group()), norm)).strip():   # unless all is remarks
        norm = blanked
    for kind, match in _scan(norm):
        source = text[match.start():match.end()].strip(" ,.;")
        if kind in _DATED:
            reading.parts.append(_part(kind, match, source))
        elif kind == "until" and not reading.parts:   # «по» in «с 01.09.2022 по 31.05.2023» is no «до»
            reading.until = True
        elif kind == "since" and not reading.parts:
            reading.since = True
        elif kind == "yearly":
            reading.recurrence = YEARLY
        elif kind == "ongoing":
            reading.ongoing = True
        elif kind == "unknown":
            reading.unknown.append(source)
    if not all(p.qualifier for p in reading.parts):
        reading.parts = [p for p in reading.parts if not p.qualifier]
    return reading


def _give_days_months(parts: list[_Part]) -> bool:
    """«10» in «10–15 декабря» takes the month (and year) of the next part; False when there is none."""
    following = None
    for part in reversed(parts):
        if part.kind == "day" and part.month is None:
            if following is None:
                return False
            part.month, part.year = following.month, following.year
        following = part if part.month is not None else following
    return True


def _span(parts: list[_Part], recurrence: str | None) -> tuple[date, date]:
    """From the earliest day of the parts to the latest; ValueError naming the part that does not exist."""
    years = [p.year for p in parts]
    template = [p for p in parts if p.kind != "year"]
    if recurrence and template and len(template) < len(parts):
        # «Ежегодно, апрель 2022-2024 г.г.»: each year's April, from the first year's to the last year's.
        dated = [(p, y) for p in template for y in (min(years), max(years))]
    else:
        dated = [(p, p.year) for p in parts]
    periods = []
    for part, part_year in dated:
        try:
            periods.append(_resolve(replace(part, year=part_year)))
        except (ValueError, OverflowError):   # OverflowError: a document year beyond what date() holds
            raise ValueError(part.source) from None
    return min(p[0] for p in periods), max(p[1] for p in periods)


def _quote(text: str, limit: int = 100) -> str:
    """A term as quoted in a warning: a whole pasted paragraph would drown the message."""
    return text if len(text) <= limit else text[:limit - 1] + "…"


def parse_deadline(text: str, year: int | None = None, school_year: bool = False) -> Deadline:
    """Read a deadline term; `year` is the document's year (with `school_year`, the first year of it)."""
    text = " ".join(text.split()) if isinstance(text, str) else ""
    if not text:
        return Deadline("", None, None, None)
    reading = _read(text)
    parts, recurrence = reading.parts, reading.recurrence

    def failed(message: str, subject: str = text) -> Deadline:
        return Deadline(text, None, None, recurrence, (message.format(_quote(subject)),))

    if not parts:
        if (reading.ongoing or recurrence) and not reading.unknown:   # «постоянно», «ежегодно»: no dates
            return Deadline(text, None, None, recurrence)
        return failed(UNRECOGNISED)
    if not _give_days_months(parts):
        return failed(UNRECOGNISED)
    # A day that exists in no year («31 ноября») is reported as such, even when the year is unknown too.
    if impossible := next((p for p in parts if not _possible(p)), None):
        return failed(IMPOSSIBLE, impossible.source)
    if not _fill_years(parts, year, school_year):
        return failed(YEAR_UNKNOWN)
    try:
        start, end = _span(parts, recurrence)
    except ValueError as error:
        return failed(IMPOSSIBLE, str(error))
    warnings = (PARTLY.format(_quote(text), _quote(" ".join(reading.unknown))),) if reading.unknown else ()
    if reading.until:
        start = None
    elif reading.since and len(parts) == 1:   # «с 1 сентября 2022»: from then on
        end = None
    return Deadline(text, start, end, recurrence, warnings)


_TITLE_SCHOOL_YEAR = re.compile(_TWO_YEARS.format("[-/]") + r"\s*(?:гг?\.?\s*)?(?:уч\.?|учебн)")
_TITLE_YEAR = re.compile(r"(?<![а-я])на\s+(?P<year>[0-9]{4})(?:\s*-\s*[0-9]{4})?\s*(?:г\.?|гг\.?|год)")
_APPROVAL_DATE = re.compile(r"(?<![а-я])от\s*(?:[0-9]{1,2}\.[0-9]{1,2}\.|[0-9]{1,2}\s+" + _MONTH
                            + r"\s*)(?P<year>[0-9]{4})")


def document_year(text: str) -> tuple[int | None, bool]:
    """The year of a roadmap from its title or header: (year, True) for a school year, given by its first year.

    A school year or «на 2023 год» in the title says what the roadmap plans for; an approval date
    («от 23.09.2020 №428») only says when it was signed, so it is the last resort.
    """
    norm = _normalise(text) if isinstance(text, str) else ""
    if match := _TITLE_SCHOOL_YEAR.search(norm):
        return int(match.group("y")), True
    for pattern in (_TITLE_YEAR, _APPROVAL_DATE):
        if match := pattern.search(norm):
            return int(match.group("year")), False
    return None, False
