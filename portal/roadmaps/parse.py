"""Table text or a Word table → a roadmap: stages, activities, deadlines, responsible people, warnings.

The parser works from the structure of the table: the header names the columns (in any of the words schools
use), numbering tells stages from activities («1.» / «I.» a stage, «1.1» an activity), a row with empty
leading cells continues what is above it. It returns data plus warnings and never saves anything.
"""
from __future__ import annotations

import re

from .deadlines import Deadline, document_year, parse_deadline
from .parsed import ParsedActivity, ParsedRoadmap, ParsedStage
from .tables import ITEM_SEPARATOR, RawTable, Row

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
ROMAN = re.compile(r"^(?=[IVXLC]+\b)M{0,3}(C[MD]|D?C{0,3})(X[CL]|L?X{0,3})(I[XV]|V?I{0,3})$")
_NUMBER_AT_START = re.compile(r"^\s*((?:\d{1,2}(?:\.\d{1,2}){0,3}|[IVXLC]{1,6})[.)]?)(?=\s|$)\s*")
_ITEM_START = re.compile(r"(?:^|(?<=[\s.;:]))(\d{1,2})[.)]\s+(?=[А-ЯЁA-Z«\"])")
_GOAL = re.compile(r"\bЗадач[аи]\s*:\s*", re.I)
_RESULT = re.compile(r"\b(?:Ожидаемый\s+)?Результат\w*\s*:\s*", re.I)
_NAME = re.compile(r"^[А-ЯЁ][а-яё]+\s*\.?\s*[А-ЯЁ]\.\s?[А-ЯЁ]\.?$|^[А-ЯЁ]\.\s?[А-ЯЁ]\.\s?[А-ЯЁ][а-яё]+$")
_ORGANISATION = re.compile(
    r"\b((?:[МГ][БАК]?[ОУ]?[УО]?\s?(?:ДО|ДОУ|ОУ|У|ПОУ)?|МБДОУ|МАДОУ|МКДОУ|МБОУ|МАОУ|МКОУ|ГБОУ|ГАПОУ|ГБПОУ|ЧОУ|МБУ\s?ДО|"
    r"МАУ\s?ДО)\s*«(?:[^«»]|«[^«»]*»)+»)")


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


def _is_header(cells: list[str]) -> bool:
    roles = [r for r in header_roles(cells) if r]
    return len(roles) >= 2 and bool({"activity", "deadline", "details"} & set(roles))


def _is_column_numbers(cells: list[str]) -> bool:
    filled = [c for c in cells if c]
    return len(filled) >= 2 and all(c.rstrip(".").isdigit() for c in filled)


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
        else:
            people.append(part)
    return people


def _join(first: str | None, more: str) -> str:
    """Text continued on the next row: a word broken over rows joins without a space."""
    if not first:
        return more
    if first.endswith("-") and more[:1].islower():
        return first[:-1] + more
    return f"{first} {more}"


def _fix_broken_word(text: str) -> str:
    # «наставничеств а»: a lone letter at the very end of a cell is the tail of a word cut by the PDF.
    return re.sub(r"(\w{3,}) ([а-ёжзй-ьэю])$", r"\1\2", text)


class _Reader:
    """Walks the rows once, keeping the current stage and activity."""

    def __init__(self, roles: list[str | None], year: int | None, school_year: bool, result: ParsedRoadmap):
        self.roles = roles
        self.year, self.school_year = year, school_year
        self.out = result
        self.stage: ParsedStage | None = None
        self.activity: ParsedActivity | None = None
        self.last_detail_number = 0
        self.has_stage_column = "stage" in roles

    def cells_by_role(self, row: Row) -> dict[str, list[str]]:
        cells = self.fit(row)
        by_role: dict[str, list[str]] = {}
        for role, cell in zip(self.roles, cells):
            by_role.setdefault(role or "details", []).append(cell)
        return by_role

    def fit(self, row: Row) -> list[str]:
        """Make the row as wide as the header: a cell holding only a list number («1.», «1. 2.») belongs to
        the next cell (PDF conversion splits it off); what is still too wide joins the last column."""
        cells = list(row.cells)
        width = len(self.roles)
        i = 0
        while len(cells) > width and i < len(cells) - 1:
            in_number_column = i < width and self.roles[i] == "number"
            if not in_number_column and re.fullmatch(r"(\d{1,2}[.)]\s*)+", cells[i]):
                cells[i:i + 2] = [f"{cells[i]} {cells[i + 1]}".strip()]
            else:
                i += 1
        if len(cells) > width:
            extra = " ".join(c for c in cells[width - 1:] if c)
            cells = cells[:width - 1] + [extra]
            self.out.warnings.append((row.line, "В строке больше ячеек, чем в заголовке: лишние добавлены "
                                                "к последней колонке."))
        return cells + [""] * (width - len(cells))

    def read(self, row: Row) -> None:
        cells = self.cells_by_role(row)
        first = lambda role: next((c for c in cells.get(role, []) if c), "")  # noqa: E731
        number, stage_text = first("number"), first("stage")
        activity_text, details = first("activity"), "\n".join(c for c in cells.get("details", []) if c)
        if number and not number.replace(".", "").replace(")", "").strip().isalnum():
            # A merged row's text lands in the number column: «1. Подготовка».
            number, rest = split_number(number)
            number = number or ""
            if self.has_stage_column and not stage_text:
                stage_text = rest
            elif not activity_text:
                activity_text = f"{number}. {rest}" if number else rest
        if not self.has_stage_column and not activity_text and details and "activity" not in self.roles:
            activity_text, details = details, ""

        if self.starts_stage(number, stage_text, activity_text, cells):
            self.new_stage(number, stage_text or activity_text, row, cells)
            if not self.has_stage_column:
                return
        elif stage_text and self.stage and not number and stage_text[:1].islower():
            self.stage.title = _fix_broken_word(_join(self.stage.title, stage_text))

        if not (activity_text or details or first("deadline") or first("responsible") or first("result")):
            return
        if self.stage is None:
            self.new_stage(None, "Мероприятия", row, {})
            self.out.warnings.append((row.line, "Мероприятие до первого этапа: добавлен этап «Мероприятия»."))
        self.read_activity(number if not self.has_stage_column or not stage_text else None,
                           activity_text, details, cells, row)

    def starts_stage(self, number: str, stage_text: str, activity_text: str, cells) -> bool:
        if self.has_stage_column:
            return bool(stage_text) and (bool(number) or self.stage is None or not stage_text[:1].islower())
        num = number or split_number(activity_text)[0] or ""
        filled = sum(1 for values in cells.values() for c in values if c)
        if ROMAN.match(num.rstrip(".")):
            return True
        if "." in num.strip(".") or not num:
            return False  # «1.1» is an activity; no number, no stage
        # «1.» is a stage when the row is a merged stage row or the table numbers activities as «1.1».
        return filled <= 2 or self.table_has_sub_numbers

    table_has_sub_numbers = False

    def new_stage(self, number: str, text: str, row: Row, cells) -> None:
        own_number, title = split_number(text)
        number = (number or "").rstrip(".)") or own_number
        goal = result = None
        extra = " ".join(c for role, values in cells.items() if role not in ("number", "stage") for c in values
                         if c and (_GOAL.search(c) or _RESULT.search(c))) if self.has_stage_column else ""
        title, goal, result = _goal_and_result(f"{title} {extra}".strip())
        self.stage = ParsedStage(number=number or None, title=_fix_broken_word(title), goal=goal, result=result,
                                 line=row.line)
        self.out.stages.append(self.stage)
        self.activity = None
        self.last_detail_number = 0

    def read_activity(self, number: str | None, text: str, details: str, cells, row: Row) -> None:
        detail_number = split_number(details)[0] if details else None
        detail_n = int(detail_number) if detail_number and detail_number.isdigit() else 0
        continues = self.activity is not None and (
            not text
            or text[:1].islower()
            or (detail_n > 1 and detail_n > self.last_detail_number and self.last_detail_number > 0)
        )
        if continues:
            self.continue_activity(text, details, cells)
        else:
            items = split_items(text) if text else [details]
            if not text:
                details = ""
            for item in items:
                own_number, title = split_number(item)
                self.activity = ParsedActivity(number=own_number or (number.rstrip(".)") if number else None),
                                               title=title, line=row.line)
                self.stage.activities.append(self.activity)
                self.fill(self.activity, details, cells, row, inherit=True)
        if detail_n:
            self.last_detail_number = detail_n
        elif details and not details[:1].islower():
            self.last_detail_number = 0

    def continue_activity(self, text: str, details: str, cells) -> None:
        activity = self.activity
        if text:
            activity.title = _join(activity.title, text)
        if details:
            joined = details[:1].islower()
            activity.details = _join(activity.details, details) if joined else \
                "\n".join(filter(None, [activity.details, details]))
        for person in split_people("\n".join(cells.get("responsible", []))):
            if person not in activity.responsible:
                activity.responsible.append(person)
        result = " ".join(c for c in cells.get("result", []) if c)
        if result:
            activity.expected_result = _join(activity.expected_result, result)
        deadline_text = " ".join(c for c in cells.get("deadline", []) if c)
        if deadline_text and (activity.deadline is None or not activity.deadline.text):
            activity.deadline = self.deadline(deadline_text, activity.line)

    def fill(self, activity: ParsedActivity, details: str, cells, row: Row, inherit: bool) -> None:
        activity.details = details or None
        activity.responsible = split_people("\n".join(cells.get("responsible", [])))
        activity.expected_result = " ".join(c for c in cells.get("result", []) if c) or None
        deadline_text = " ".join(c for c in cells.get("deadline", []) if c)
        previous = self.stage.activities[-2] if len(self.stage.activities) > 1 else None
        if deadline_text:
            activity.deadline = self.deadline(deadline_text, row.line)
        elif inherit and previous is not None:
            # An empty cell under a filled one in the same stage: in Word the cell was merged over both rows.
            activity.deadline = previous.deadline
        if not activity.responsible and inherit and previous is not None and not any(cells.get("responsible", [])):
            activity.responsible = list(previous.responsible)

    def deadline(self, text: str, line: int | None) -> Deadline:
        parsed = parse_deadline(text, self.year, self.school_year)
        for message in parsed.warnings:
            self.out.warnings.append((line, message))
        return parsed


def _goal_and_result(text: str) -> tuple[str, str | None, str | None]:
    """A stage row carrying «Задача: …» and «Результат: …» text."""
    goal = result = None
    result_match = _RESULT.search(text)
    if result_match:
        text, result = text[:result_match.start()], text[result_match.end():].strip(" .;") or None
    goal_match = _GOAL.search(text)
    if goal_match:
        text, goal = text[:goal_match.start()], text[goal_match.end():].strip(" .;") or None
    return text.strip(" .;"), goal, result


def _title_and_organisation(preamble: list[str]) -> tuple[str | None, str | None]:
    title_lines: list[str] = []
    for i, line in enumerate(preamble):
        if re.search(r"дорожн\w*\s+карт", line, re.I):
            title_lines = [line]
            for more in preamble[i + 1:]:
                if re.match(r"^(Директор|Утвержд|Согласован|Руководител|Приказ|Приложение)", more, re.I) or \
                        re.search(r"\d{2}\.\d{2}\.\d{4}", more):
                    break
                title_lines.append(more)
            break
    if not title_lines:
        skip = re.compile(r"^(приложение|утвержд|приказ|от \d|к приказу|директор|согласовано|администрации|"
                          r"образования|[А-ЯЁ]\.[А-ЯЁ]\.)", re.I)
        candidates = [line for line in preamble if not skip.match(line) and len(line) > 15]
        title_lines = candidates[-1:] if candidates else []
    title = " ".join(title_lines).strip() or None
    organisation = None
    if title or preamble:
        match = _ORGANISATION.search(" ".join(title_lines) or " ".join(preamble))
        organisation = match.group(1).strip() if match else None
    return title, organisation


def parse_table(table: RawTable, year: int | None = None) -> ParsedRoadmap:
    """Interpret a RawTable; `year` (the --year option) wins over the year found in the document."""
    out = ParsedRoadmap(warnings=list(table.warnings))
    out.title, out.organisation = _title_and_organisation(table.preamble)
    found_year, school_year = document_year(" ".join(table.preamble))
    out.year = year or found_year
    if year:
        school_year = school_year and found_year == year

    header_index = next((i for i, row in enumerate(table.rows) if _is_header(row.cells)), None)
    if header_index is None:
        if not table.rows and not table.preamble:
            out.warnings.append((None, "Файл пуст: вставьте таблицу дорожной карты."))
        else:
            out.warnings.append((table.rows[0].line if table.rows else None,
                                 "Не найден заголовок таблицы: нужна строка с колонками вроде «№», «Мероприятия», "
                                 "«Сроки», «Ответственные». Ячейки разделяются табуляцией (так копирует Word)."))
        return out
    header = table.rows[header_index]
    roles = header_roles(header.cells)
    reader = _Reader(roles, out.year, school_year, out)
    rows = [row for row in table.rows[header_index + 1:] if not _is_column_numbers(row.cells)]
    number_column = [next((c for r, c in zip(roles, reader.fit(row)) if r == "number" and c), "") for row in rows]
    reader.table_has_sub_numbers = any(re.fullmatch(r"\d{1,2}\.\d{1,2}\.?", n) for n in number_column)
    for row in rows:
        reader.read(row)
    if not rows:
        out.warnings.append((header.line, "В таблице есть заголовок, но нет ни одной строки."))
    for stage in out.stages:
        for activity in stage.activities:
            activity.title = _fix_broken_word(activity.title)
    return out
