"""Answers from a CSV export of an online form service (Яндекс Формы, Google Forms, VK, …).

The export has a column per question and a row per response. The admin maps columns to questions (we guess the
mapping from the headers); then every row is checked with the same rules as the public form, and either every
row is saved or, if any row has an error, none is (every error listed in Russian, with its row number as the
spreadsheet shows it). No names are read: the answers stay anonymous.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.orm import Session

from portal.models import Question, QuestionKind, Questionnaire

from .questionnaires import Value, check_value, make_response

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
SUBMITTED_AT = "submitted_at"  # the mapping target of a timestamp column
# Headers online form services give the time of a response.
TIME_HEADERS = {"отметка времени", "timestamp", "время", "дата и время", "время создания", "время ответа",
                "дата ответа", "дата", "created", "submitted at", "date"}
TIME_FORMATS = ("%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M",
                "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d", "%Y/%m/%d %H:%M:%S", "%d/%m/%Y %H:%M:%S")
_NUMBER = re.compile(r"^(\d{1,3})(?:[.,]0+)?(?:\s.*)?$")


class AnswersFileError(ValueError):
    """The file as a whole cannot be read; the message says why, in Russian."""


@dataclass
class Sheet:
    headers: list[str]
    rows: list[tuple[int, list[str]]]  # (row number as a spreadsheet shows it, cells)

    def samples(self, column: int, limit: int = 3) -> list[str]:
        found = [cells[column] for _row, cells in self.rows if column < len(cells) and cells[column].strip()]
        return found[:limit]


@dataclass
class RowError:
    row: int
    message: str


@dataclass
class ImportPlan:
    responses: list[tuple[int, dict[int, Value], datetime]] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    unmapped: list[str] = field(default_factory=list)  # questions no column answers


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data[:4096]:
        raise AnswersFileError("Это не CSV: в файле двоичные данные. Выгрузите ответы из сервиса форм в CSV.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1251")
    except UnicodeDecodeError:
        raise AnswersFileError("Не удалось определить кодировку: сохраните файл как «CSV UTF-8».") from None


def read_csv(data: bytes) -> Sheet:
    if len(data) > MAX_BYTES:
        raise AnswersFileError(f"Файл больше {MAX_BYTES // 1024 // 1024} МБ: разделите ответы на несколько файлов.")
    if data.startswith(b"PK\x03\x04"):
        raise AnswersFileError("Это книга Excel, а нужен CSV: в сервисе форм выберите выгрузку в CSV "
                               "или сохраните таблицу как «CSV UTF-8».")
    text = _decode(data)
    if not text.strip():
        raise AnswersFileError("Файл пуст.")
    first_line = text.lstrip().split("\n", 1)[0]
    delimiter = max(("\t", ";", ","), key=first_line.count)
    try:
        table = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise AnswersFileError(f"Файл не читается как CSV ({error}). Выгрузите ответы из сервиса форм ещё раз.") \
            from None
    table = [[cell.strip() for cell in row] for row in table]
    while table and not any(table[0]):
        table.pop(0)
    if not table:
        raise AnswersFileError("Файл пуст.")
    headers, body = table[0], table[1:]
    rows = [(index, cells) for index, cells in enumerate(body, start=2) if any(cells)]
    if not rows:
        raise AnswersFileError("В файле только заголовки: ответов нет.")
    if len(rows) > MAX_ROWS:
        raise AnswersFileError(f"В файле больше {MAX_ROWS} ответов: разделите его на части.")
    return Sheet(headers, rows)


def _key(text: str) -> str:
    return " ".join(re.sub(r"[^\w]+", " ", text.casefold().replace("ё", "е")).split())


def suggest_mapping(headers: list[str], questions: list[Question]) -> dict[int, str]:
    """Column index → question id (as text), SUBMITTED_AT or "": the same text, or a header that begins with it."""
    by_text = {_key(question.text): str(question.id) for question in questions}
    mapping: dict[int, str] = {}
    taken: set[str] = set()
    for index, header in enumerate(headers):
        key = _key(header)
        # A header may be the question cut short, or the question with a note added; short ones match exactly only.
        target = by_text.get(key) or next(
            (qid for text, qid in by_text.items()
             if min(len(text), len(key)) >= 12 and (key.startswith(text) or text.startswith(key))), "")
        if not target and key in TIME_HEADERS and SUBMITTED_AT not in taken:
            target = SUBMITTED_AT
        if target in taken:
            target = ""
        mapping[index] = target
        if target:
            taken.add(target)
    return mapping


def check_mapping(mapping: dict[int, str], questions: list[Question], headers: list[str]) -> list[str]:
    """Errors of the mapping itself: a question chosen for two columns, nothing chosen at all."""
    errors = []
    seen: dict[str, int] = {}
    titles = {str(question.id): question.text for question in questions}
    for index, target in sorted(mapping.items()):
        if not target:
            continue
        if target in seen:
            what = "Время ответа" if target == SUBMITTED_AT else f"Вопрос «{titles.get(target, target)}»"
            errors.append(f"{what} выбран для двух столбцов: «{headers[seen[target]]}» и «{headers[index]}».")
        seen[target] = index
    if not any(target in titles for target in mapping.values()):
        errors.append("Выберите хотя бы для одного столбца вопрос анкеты.")
    return errors


def split_options(cell: str, options: list[str]) -> list[str]:
    """The chosen options of a multiple-choice cell: «A; B» or «A, B» (an option may itself hold a comma)."""
    known = {_key(option): option for option in options}
    pieces = [piece.strip() for piece in re.split(r"[;\n|]", cell) if piece.strip()]
    if len(pieces) > 1 or _key(cell) in known:
        return pieces
    chosen, current = [], ""
    for piece in cell.split(","):
        current = f"{current},{piece}" if current else piece
        if _key(current) in known:
            chosen.append(current.strip())
            current = ""
    if current.strip():
        chosen.append(current.strip())  # not an option: check_value names the error
    return chosen


def _canonical(values: list[str], options: list[str]) -> list[str]:
    """Options match without case or spacing differences; the stored text is the questionnaire's own."""
    known = {_key(option): option for option in options}
    return [known.get(_key(value), value) for value in values]


def cell_values(question: Question, cell: str) -> list[str]:
    cell = cell.strip()
    if not cell:
        return []
    if question.scale_max is not None:
        match = _NUMBER.match(cell)
        return [match.group(1) if match else cell]
    if question.kind == QuestionKind.MULTIPLE:
        return _canonical(split_options(cell, question.option_list), question.option_list)
    if question.kind == QuestionKind.SINGLE:
        return _canonical([cell], question.option_list)
    return [cell]


def parse_time(cell: str) -> datetime | None:
    cell = re.sub(r"\s+(GMT|UTC|МСК)[+\-\d:]*$", "", cell.strip(), flags=re.IGNORECASE)
    for fmt in TIME_FORMATS:
        try:
            return datetime.strptime(cell, fmt)
        except ValueError:
            continue
    return None


def plan_import(questionnaire: Questionnaire, sheet: Sheet, mapping: dict[int, str], now: datetime) -> ImportPlan:
    """Check every row against the mapped questions; nothing is saved here."""
    questions = {str(question.id): question for question in questionnaire.questions}
    columns = {target: index for index, target in mapping.items() if target}
    plan = ImportPlan(unmapped=[q.text for qid, q in questions.items() if qid not in columns])
    for row, cells in sheet.rows:
        cell = lambda index: cells[index] if index < len(cells) else ""  # noqa: E731
        values: dict[int, Value] = {}
        submitted_at = now
        if SUBMITTED_AT in columns and cell(columns[SUBMITTED_AT]).strip():
            raw = cell(columns[SUBMITTED_AT])
            submitted_at = parse_time(raw)
            if submitted_at is None:
                plan.errors.append(RowError(row, f"не удалось прочитать время ответа «{raw[:40]}»: нужна дата "
                                                 "вида 15.05.2026 10:30"))
                submitted_at = now
        for qid, index in columns.items():
            if qid == SUBMITTED_AT or qid not in questions:
                continue
            question = questions[qid]
            value, error = check_value(question, cell_values(question, cell(index)))
            if error:
                shown = cell(index)[:60]
                plan.errors.append(RowError(row, f"столбец «{sheet.headers[index][:80]}»"
                                                 f"{f' (значение «{shown}»)' if shown else ''}: {error}"))
            elif value is not None:
                values[question.id] = value
        if values:
            plan.responses.append((row, values, submitted_at))
    if not plan.responses and not plan.errors:
        plan.errors.append(RowError(1, "ни в одной строке нет ответов на выбранные вопросы"))
    return plan


def save_import(session: Session, questionnaire: Questionnaire, plan: ImportPlan) -> int:
    """Add every response of a plan without errors (the caller commits: all or nothing)."""
    if plan.errors:
        raise ValueError("a plan with errors is never saved")
    for _row, values, submitted_at in plan.responses:
        session.add(make_response(questionnaire, values, submitted_at, source="import"))
    return len(plan.responses)
