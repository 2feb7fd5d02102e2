"""Reading a registry file into a table: the header row found and matched, the data rows numbered.

The format is decided by the content: an .xlsx is a zip archive, anything else is text (.csv in UTF-8, with
or without BOM, or Windows-1251; delimiter «;», «,» or a tab). The header row is found among the first rows
by its Russian column names, matched without case, punctuation or spacing. What the cells mean is
io_values.py; no database here.
"""
from __future__ import annotations

import csv
import io
import itertools
import re
import warnings
from dataclasses import dataclass, field

from portal.media.archive_limits import ArchiveTooLarge, check_archive

from .io_values import header_key, is_empty, text_of

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
HEADER_SEARCH_ROWS = 10  # a title or an approval block may stand above the header
MAX_COLUMNS = 100
# Rows read from a sheet at most, empty ones included: the participants, the header search and room for gaps.
MAX_READ_ROWS = 3 * MAX_ROWS + HEADER_SEARCH_ROWS
ZIP_SIGNATURE = b"PK\x03\x04"
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0"  # .xls and .doc of old Office
OTHER_SIGNATURES = {b"%PDF": "PDF", b"\x89PNG": "картинка PNG", b"\xff\xd8\xff": "картинка JPEG",
                    b"GIF8": "картинка GIF", b"{\\rtf": "документ RTF"}


class RegistryFileError(ValueError):
    """The file as a whole cannot be read; the message says why and what to do, in Russian."""


# field → (title shown in messages, header variants as normalised by `header_key`)
COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {
    "full_name": ("ФИО", ("фио", "ф и о", "фамилия имя отчество", "фамилия имя отчество участника",
                          "фио участника")),
    "roles": ("Роль", ("роль", "роль в программе", "роль участника", "роли")),
    "category": ("Категория", ("категория", "категория участника")),
    "organisation": ("Организация", ("организация", "образовательная организация", "оо", "оу", "место работы",
                                     "место учебы", "место работы учебы", "место работы или учебы",
                                     "организация место работы учебы")),
    "position": ("Должность", ("должность", "должность класс группа", "должность класс", "класс группа",
                               "должность или класс")),
    "mentoring_form": ("Форма наставничества", ("форма наставничества", "форма", "модель наставничества")),
    "competencies": ("Ключевые компетенции", ("ключевые компетенции", "компетенции")),
    "achievements": ("Достижения", ("достижения",)),
    "joined_on": ("Дата вхождения в программу", ("дата вхождения в программу", "дата вхождения",
                                                  "дата вступления в программу", "дата включения в программу")),
    "phone": ("Телефон", ("телефон", "тел", "номер телефона", "контактный телефон")),
    "email": ("Email", ("email", "e mail", "эл почта", "электронная почта", "адрес электронной почты", "почта")),
    "is_minor": ("Несовершеннолетний", ("несовершеннолетний", "несовершеннолетняя", "несовершеннолетний ая")),
    "processing_on": ("Согласие на обработку", ("согласие на обработку", "согласие на обработку пдн",
                                                "согласие на обработку персональных данных",
                                                "дата согласия на обработку")),
    "publication": ("Согласие на распространение", ("согласие на распространение", "согласие на распространение пдн",
                                                    "согласие на распространение персональных данных",
                                                    "согласие на публикацию")),
}
REQUIRED = ("full_name", "roles", "organisation")
REQUIRED_HINTS = {"full_name": ".", "roles": " (наставник, наставляемый или «наставник, наставляемый»).",
                  "organisation": "."}
_HEADERS = {variant: name for name, (_title, variants) in COLUMNS.items() for variant in variants}


@dataclass
class Table:
    rows: list[tuple[int, list]]  # (row number as Excel shows it, cell values) of non-empty data rows
    columns: dict[str, int]  # field → index of its column
    headers: dict[str, str]  # field → the header as written in the file
    source: str
    ignored: list[str] = field(default_factory=list)

    def value(self, values: list, name: str):
        index = self.columns.get(name)
        return values[index] if index is not None and index < len(values) else None

    def title(self, name: str) -> str:
        return f"«{self.headers.get(name) or COLUMNS[name][0]}»"


def read_table(data: bytes, filename: str) -> Table:
    if len(data) > MAX_BYTES:
        raise RegistryFileError(f"Файл слишком большой: {len(data) / 1024 / 1024:.1f} МБ, допустимо до "
                                f"{MAX_BYTES // 1024 // 1024} МБ. Разделите базу на несколько файлов.")
    if not data.strip():
        raise RegistryFileError("Файл пуст.")
    if data.startswith(ZIP_SIGNATURE):
        return _table(_xlsx_rows(data), "Excel (.xlsx)")
    if data.startswith(OLE_SIGNATURE):
        raise RegistryFileError("Это файл старого формата Excel (.xls) или Word: сохраните его как .xlsx или .csv.")
    if filename.lower().endswith(".xlsx"):
        raise RegistryFileError("Файл назван .xlsx, но это не книга Excel. Сохраните его в Excel как .xlsx.")
    for signature, kind in OTHER_SIGNATURES.items():
        if data.startswith(signature):
            raise RegistryFileError(f"Это {kind}, а не таблица. Загрузите .xlsx или .csv.")
    text, encoding = _decode(data)
    return _csv_table(text, encoding)


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            pass
    if b"\x00" in data[:8192]:
        raise RegistryFileError("Это не таблица: в файле двоичные данные. Загрузите .xlsx или .csv.")
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1251"), "Windows-1251"
    except UnicodeDecodeError:
        raise RegistryFileError("Не удалось определить кодировку: файл не в UTF-8 и не в Windows-1251. "
                                "Сохраните его как «CSV UTF-8» или в формате .xlsx.") from None


def _xlsx_rows(data: bytes) -> list[tuple[int, list]]:
    from openpyxl import load_workbook

    # Files from other programs make openpyxl warn (unknown extensions, missing styles): the values are still
    # read right, and an upload must not fail on a warning meant for developers.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            check_archive(data)
        except ArchiveTooLarge as error:
            raise RegistryFileError(str(error)) from None
        try:
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:  # a zip that is not a workbook: openpyxl raises whatever its parser met
            raise RegistryFileError("Не удалось открыть файл как книгу Excel (.xlsx): он повреждён или это "
                                    "другой документ. Сохраните базу в Excel как .xlsx или .csv.") from None
        try:
            if not workbook.worksheets:
                raise RegistryFileError("В книге Excel нет листов с таблицей.")
            sheet = workbook.worksheets[0]
            sheet.reset_dimensions()  # some programs write a wrong size; read what is really there
            return _filled(enumerate(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1))
        except RegistryFileError:
            raise
        except Exception:
            raise RegistryFileError("Не удалось прочитать первый лист книги Excel: файл повреждён.") from None
        finally:
            workbook.close()


def _filled(rows) -> list[tuple[int, list]]:
    """The non-empty rows with their numbers; stops early on a file far over the limit (nothing to check)."""
    found = []
    for number, values in rows:
        if number > MAX_READ_ROWS:  # a sheet of a million empty rows takes a minute to walk
            raise RegistryFileError(f"Таблица длиннее {MAX_READ_ROWS:_} строк (считая пустые): удалите пустые строки "
                                    "в конце листа или разделите файл на части.".replace("_", " "))
        values = list(values)
        while values and is_empty(values[-1]):
            values.pop()
        if values:
            found.append((number, values))
            if len(found) > 2 * MAX_ROWS + HEADER_SEARCH_ROWS:
                raise _too_many()
    return found


def _too_many() -> RegistryFileError:
    return RegistryFileError(f"В файле больше {MAX_ROWS:_} строк с участниками: разделите его на части."
                             .replace("_", " "))


def _csv_table(text: str, encoding: str) -> Table:
    best: tuple[int, str] | None = None
    problem: RegistryFileError | None = None
    for delimiter in (";", ",", "\t"):
        try:
            found = _find_header(_csv_rows(text, delimiter, head_only=True))
        except RegistryFileError as error:  # e.g. a column twice: say so only if no delimiter reads the header
            problem = problem or error
            continue
        if found and (best is None or len(found[1]) > best[0]):
            best = (len(found[1]), delimiter)
    if best is None and problem:
        raise problem
    delimiter = best[1] if best else ";"
    shown = {";": "«;»", ",": "«,»", "\t": "табуляция"}[delimiter]
    hint = (" Файл прочитан в кодировке Windows-1251; если вместо русских букв в нём «кракозябры», сохраните его "
            "как «CSV UTF-8»." if encoding == "Windows-1251" else "")
    return _table(_csv_rows(text, delimiter), f"CSV, {encoding}, разделитель {shown}", hint)


def _csv_rows(text: str, delimiter: str, head_only: bool = False) -> list[tuple[int, list]]:
    """Records numbered as Excel shows them (a quoted cell with line breaks stays one row)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records = enumerate(reader, start=1)
    if head_only:
        records = itertools.islice(records, 5 * HEADER_SEARCH_ROWS)
    try:
        rows = _filled(records)
    except csv.Error as error:
        raise RegistryFileError(f"Не удалось разобрать CSV (строка {reader.line_num}): {error}.") from None
    return rows[:HEADER_SEARCH_ROWS] if head_only else rows


def _find_header(rows: list[tuple[int, list]]) -> tuple[int, dict[str, int], dict[str, str], list[str]] | None:
    """(index of the header row in `rows`, field → column, field → header text, unknown headers) or None."""
    for index, (_number, values) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        columns: dict[str, int] = {}
        headers: dict[str, str] = {}
        unknown: list[str] = []
        for position, value in enumerate(values):
            text = text_of(value)
            name = header_field(text)
            if name is None:
                if text:
                    unknown.append(text)
                continue
            if name in columns:
                raise RegistryFileError(f"Столбец «{COLUMNS[name][0]}» встречается дважды: «{headers[name]}» и "
                                        f"«{text}». Оставьте один.")
            columns[name], headers[name] = position, text
        if "full_name" in columns or len(columns) >= 2:
            return index, columns, headers, unknown
    return None


def header_field(text: str) -> str | None:
    """The field a header names: as written, then without a note in brackets («Должность (класс)»)."""
    return _HEADERS.get(header_key(text)) or _HEADERS.get(header_key(re.sub(r"\([^)]*\)", " ", text)))


def _table(rows: list[tuple[int, list]], source: str, hint: str = "") -> Table:
    if not rows:
        raise RegistryFileError("Файл пуст: в нём нет ни одной заполненной строки.")
    found = _find_header(rows)
    if found is None:
        raise RegistryFileError(f"Не найдена строка заголовков: в первых {HEADER_SEARCH_ROWS} строках нет "
                                "столбца «ФИО». В первой строке таблицы должны быть названия столбцов: ФИО, Роль, "
                                "Организация и другие." + hint)
    index, columns, headers, unknown = found
    missing = [COLUMNS[name][0] for name in REQUIRED if name not in columns]
    if missing:
        raise RegistryFileError(("Нет обязательного столбца: " if len(missing) == 1 else "Нет обязательных столбцов: ")
                                + ", ".join(f"«{m}»" for m in missing) + ". Обязательные "
                                "столбцы — ФИО, Роль, Организация; найдены: "
                                f"{', '.join(headers.values()) or 'ни одного известного'}." + hint)
    data: list[tuple[int, list]] = []
    for number, values in rows[index + 1:]:
        if all(is_empty(values[i]) if i < len(values) else True for i in columns.values()):
            continue  # only a «№ п/п» or a note outside the known columns
        if not data and _column_numbers(values):
            continue  # the row «1 2 3 …» of an official form under the header
        data.append((number, values))
        if len(data) > MAX_ROWS:
            raise _too_many()
    if not data:
        raise RegistryFileError("В файле только заголовки: нет ни одной строки с участниками.")
    return Table(data, columns, headers, source, unknown)


def _column_numbers(values: list) -> bool:
    filled = [(i, text_of(v)) for i, v in enumerate(values) if not is_empty(v)]
    return len(filled) >= 3 and all(text in (str(i + 1), f"{i + 1}.0") for i, text in filled)


