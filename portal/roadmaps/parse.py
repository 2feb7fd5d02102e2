"""Table text or a Word table → a roadmap: stages, activities, deadlines, responsible people, warnings.

The parser works from the structure of the table: the header names the columns (in any of the words schools
use), numbering tells stages from activities («1.» / «I.» a stage, «1.1» an activity), a row with empty
leading cells continues what is above it. It returns data plus warnings and never saves anything.
"""
from __future__ import annotations

import re

from .deadlines import Deadline, document_year, parse_deadline
from .parsed import ParsedActivity, ParsedRoadmap, ParsedStage
from .columns import (GUESSED_DETAILS, is_column_numbers, is_header, is_sub_header, header_roles,
                      second_columns_to_details, spread_header)
from .cells import ROMAN, split_items, split_number, split_people  # noqa: F401 — part of this module's API
from .tables import RawTable, Row

_GOAL = re.compile(r"\bЗадач[аи]\s*:\s*", re.I)
_RESULT = re.compile(r"\b(?:Ожидаемый\s+)?Результат\w*\s*:\s*", re.I)
_ORGANISATION = re.compile(
    r"\b((?:[МГ][БАК]?[ОУ]?[УО]?\s?(?:ДО|ДОУ|ОУ|У|ПОУ)?|МБДОУ|МАДОУ|МКДОУ|МБОУ|МАОУ|МКОУ|ГБОУ|ГАПОУ|ГБПОУ|ЧОУ|МБУ\s?ДО|"
    r"МАУ\s?ДО)\s*«(?:[^«»]|«[^«»]*»)+»)")


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

    def __init__(self, roles: list[str | None], year: int | None, school_year: bool, result: ParsedRoadmap,
                 guessed: dict[int, str] | None = None):
        self.roles = roles
        self.guessed = guessed or {}  # column position → why its role is a guess
        self.merged_roles: set[str] = set()
        self.empty_deadline: tuple[ParsedActivity, tuple[int | None, str]] | None = None
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
        if row.spans:
            # A merged row across the whole table, pasted as one line: a stage (parse_table glued the lines
            # that only continue a cell).
            number, _title = split_number(row.cells[0])
            self.new_stage(number or "", row.cells[0], row, {})
            self.stage.unsure = "строка без колонок (объединённая ячейка) прочитана как этап"
            return
        self.merged_roles = {self.roles[i] or "details" for i in row.merged if i < len(self.roles)}
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
        if self.table_has_roman_stages and not self.table_has_sub_numbers:
            return False  # «I. …» sections hold activities «1.», «2.», even with their other cells empty (merged)
        # «1.» is a stage when the row is a merged stage row or the table numbers activities as «1.1».
        return filled <= 2 or self.table_has_sub_numbers

    table_has_sub_numbers = False
    table_has_roman_stages = False
    numbers_activities = False  # most rows carry a number: an unnumbered row continues the one above

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
        only_text = not any(c for role in ("deadline", "responsible", "result") for c in cells.get(role, []))
        continues = self.activity is not None and (
            not text
            or text[:1].islower()
            or (detail_n > 1 and detail_n > self.last_detail_number and self.last_detail_number > 0)
            # A line break inside a cell: no number in a numbered table, nothing but text.
            or (self.numbers_activities and not number and not split_number(text)[0] and only_text)
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
            if self.empty_deadline and self.empty_deadline[0] is activity:
                # The deadline came on the activity's next row: the cell was not empty after all.
                activity.unsure.pop("deadline", None)
                if self.empty_deadline[1] in self.out.warnings:
                    self.out.warnings.remove(self.empty_deadline[1])
                self.empty_deadline = None

    def fill(self, activity: ParsedActivity, details: str, cells, row: Row, inherit: bool) -> None:
        activity.details = details or None
        guessed_details = {self.guessed[i] for i, role in enumerate(self.roles)
                           if role == "details" and i in self.guessed}
        if details and guessed_details:
            activity.unsure["details"] = "; ".join(sorted(guessed_details))
        responsible_columns = [i for i, role in enumerate(self.roles) if role == "responsible"]
        activity.responsible = split_people("\n".join(cells.get("responsible", [])))
        if len(responsible_columns) > 1 and sum(1 for c in cells.get("responsible", []) if c) > 1:
            activity.unsure["responsible"] = "ответственные собраны из нескольких колонок"
        if any(len(p) > 60 for p in activity.responsible):
            activity.unsure["responsible"] = "длинная запись: проверьте, где кончается один человек и начинается другой"
        activity.expected_result = " ".join(c for c in cells.get("result", []) if c) or None
        deadline_text = " ".join(c for c in cells.get("deadline", []) if c)
        previous = self.stage.activities[-2] if len(self.stage.activities) > 1 else None
        above = next((a.deadline for a in reversed(self.stage.activities[:-1]) if a.deadline and a.deadline.text),
                     None)
        if deadline_text:
            activity.deadline = self.deadline(deadline_text, row.line)
        elif inherit and above is not None:
            if "deadline" in self.merged_roles and previous is not None and previous.deadline is above:
                # The document shows the cell merged over both rows (a Word vertical merge, a ruled PDF cell).
                activity.deadline = above
                activity.unsure["deadline"] = "объединённая ячейка: срок взят из строки выше"
            else:
                activity.unsure["deadline"] = f"ячейка пуста; выше — «{above.text}»"
                warning = (row.line, f"Срок не указан. Если в документе ячейка срока объединена с верхней, "
                                     f"впишите «{above.text}».")
                self.out.warnings.append(warning)
                self.empty_deadline = (activity, warning)
        if not activity.responsible and inherit and previous is not None and not any(cells.get("responsible", [])):
            activity.responsible = list(previous.responsible)
            if activity.responsible:
                activity.unsure["responsible"] = ("объединённая ячейка: взято из строки выше"
                                                  if "responsible" in self.merged_roles else
                                                  "ячейка пуста: взято из строки выше")

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


_STAGE_WORD = re.compile(r"^(?:\S+\s+){0,3}этап\w*\b", re.I)


def _looks_like_stage(text: str) -> bool:
    """A line without cells that starts a stage: «1. Нормативное…», «II. Формирование…», «Подготовительный этап»."""
    number, rest = split_number(text)
    if number and (ROMAN.match(number) or "." not in number):
        return bool(rest) and not rest[:1].islower()
    return not number and bool(_STAGE_WORD.match(text))


def _glue_broken_lines(rows: list[Row]) -> list[Row]:
    """Lines without tabs (Row.spans): a merged stage row stays a row of its own; the rest is the text of the
    row above, broken by the paste, and joins that row's last filled cell."""
    out: list[Row] = []
    header_seen = False
    for row in rows:
        if row.spans and out:
            text = row.cells[0]
            after_header = header_seen and (is_header(out[-1].cells) or is_column_numbers(out[-1].cells))
            if header_seen and (_looks_like_stage(text) or (after_header and not text[:1].islower())):
                out.append(Row(list(row.cells), row.line, spans=True))  # a copy: the caller's table stays as read
                continue
            previous = out[-1]
            if previous.spans:
                previous.cells[0] = _join(previous.cells[0], text)
                continue
            index = max(i for i, c in enumerate(previous.cells) if c) if any(previous.cells) else 0
            previous = Row(list(previous.cells), previous.line, merged=previous.merged)
            previous.cells[index] = _join(previous.cells[index], text).strip()
            out[-1] = previous
            continue
        if not row.spans and is_header(row.cells):
            header_seen = True
        out.append(Row(list(row.cells), row.line) if row.spans else row)  # the first row: nothing to continue
    return out


def parse_table(table: RawTable, year: int | None = None) -> ParsedRoadmap:
    """Interpret a RawTable; `year` (the --year option) wins over the year found in the document."""
    out = ParsedRoadmap(warnings=list(table.warnings))
    out.title, out.organisation = _title_and_organisation(table.preamble)
    found_year, school_year = document_year(" ".join(table.preamble))
    out.year = year or found_year
    if year:
        school_year = school_year and found_year == year

    glued = _glue_broken_lines(table.rows)
    header_index = next((i for i, row in enumerate(glued) if is_header(row.cells)), None)
    if header_index is None:
        if not table.rows and not table.preamble:
            out.warnings.append((None, "Файл пуст: вставьте таблицу дорожной карты."))
        else:
            out.warnings.append((table.rows[0].line if table.rows else None,
                                 "Не найден заголовок таблицы: нужна строка с колонками вроде «№», «Мероприятия», "
                                 "«Сроки», «Ответственные». Ячейки разделяются табуляцией (так копирует Word)."))
        return out
    rows = glued
    header = rows[header_index]
    roles, guessed_columns = second_columns_to_details(header_roles(header.cells))
    guessed = {i: GUESSED_DETAILS for i in guessed_columns}
    rows = [row for row in rows[header_index + 1:] if not is_column_numbers(row.cells)]
    if rows and is_sub_header(rows[0], roles):
        sub_roles, spread = spread_header(roles, rows[0])
        if spread:  # short words that split no header cell are a row of the table («\t\tсентябрь\tДиректор»)
            roles = sub_roles
            guessed.update({i: "колонка из двухстрочного заголовка" for i in spread})
            rows = rows[1:]
    reader = _Reader(roles, out.year, school_year, out, guessed)
    cells_rows = [reader.fit(row) for row in rows if not row.spans]
    number_column = [next((c for r, c in zip(roles, cells) if r == "number" and c), "") for cells in cells_rows]
    reader.table_has_sub_numbers = any(re.fullmatch(r"\d{1,2}\.\d{1,2}\.?", n) for n in number_column)
    leading = [split_number(next((c for c in cells if c), ""))[0] or "" for cells in cells_rows]
    leading += [split_number(row.cells[0])[0] or "" for row in rows if row.spans]
    reader.table_has_roman_stages = any(ROMAN.match(n) for n in leading if n)
    if "number" in roles and cells_rows:
        reader.numbers_activities = sum(1 for n in number_column if n) * 2 > len(cells_rows)
    for row in rows:
        reader.read(row)
    if not rows:
        out.warnings.append((header.line, "В таблице есть заголовок, но нет ни одной строки."))
    for stage in out.stages:
        for activity in stage.activities:
            activity.title = _fix_broken_word(activity.title)
    return out
