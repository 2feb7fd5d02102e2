"""Rendering Word templates: the only module that imports docxtpl (Jinja in Word).

docxtpl joins a tag that Word split over several runs, and `{%tr for … %}` repeats a table row. Uploaded
templates are Jinja run on the server, so they run in Jinja's sandbox (no attribute of Python internals, ranges
capped), with every value escaped for XML and every unknown name an error rather than a blank.
"""
from __future__ import annotations

import io
import re
import threading
import zipfile

from docx import Document
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, TemplateError as JinjaError, TemplateSyntaxError, UndefinedError, meta
from jinja2.sandbox import ImmutableSandboxedEnvironment, SecurityError

# Every paragraph of the body, tables, headers and footers: the letters of thanks walk Word files the same way.
from portal.monitoring.letters import paragraphs

MAX_UNPACKED = 20 * 1024 * 1024  # a template's members together, unpacked
MAX_RATIO = 100  # unpacked to packed, for a member larger than RATIO_FLOOR
RATIO_FLOOR = 1024 * 1024
MAX_MEMBERS = 1000
# The letters of thanks' old placeholders ({ФИО}), converted to Jinja ({{ ФИО }}) before rendering.
LEGACY_PLACEHOLDERS = ("ФИО", "Организация", "Программа", "Год", "Подписант")
_LEGACY = re.compile(r"(?<!\{)\{(" + "|".join(LEGACY_PLACEHOLDERS) + r")\}(?!\})")


class TemplateProblem(ValueError):
    """A template that cannot be used, with the reason in Russian."""


class _Environment(ImmutableSandboxedEnvironment):
    """Compiles each template part once: docxtpl asks for the same XML with every document, and compiling is a
    third of a document's time (a program's package renders one template hundreds of times)."""

    CACHED = 64
    # What a document needs of Jinja; not what could inflate a string or a number a worker then builds
    # (`'x' * 10**9`, `''|center(10**9)`, `range`, `lipsum`).
    FILTERS = ("default", "d", "upper", "lower", "title", "capitalize", "trim", "join", "length", "count", "first",
               "last", "e", "escape", "round", "int", "float", "abs", "string", "truncate", "sort", "reverse",
               "replace", "wordcount", "list", "unique", "selectattr", "rejectattr", "map", "select", "reject",
               "sum", "min", "max", "striptags")
    intercepted_binops = frozenset(["*", "**"])

    def __init__(self) -> None:
        super().__init__(autoescape=True, undefined=StrictUndefined)
        self.filters = {name: self.filters[name] for name in self.FILTERS if name in self.filters}
        for name in ("range", "lipsum", "cycler", "joiner", "namespace", "dict"):
            self.globals.pop(name, None)
        self._compiled: dict[str, object] = {}
        self._lock = threading.Lock()  # requests render in threads

    def call_binop(self, context, operator, left, right):
        if operator == "**" or isinstance(left, (str, list, tuple)) or isinstance(right, (str, list, tuple)):
            raise SecurityError("repetition and powers are not allowed in document templates")
        return super().call_binop(context, operator, left, right)

    def from_string(self, source, globals=None, template_class=None):  # noqa: A002 (Jinja's signature)
        if globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        with self._lock:
            found = self._compiled.get(source)
        if found is None:
            found = super().from_string(source)
            with self._lock:
                if len(self._compiled) >= self.CACHED:
                    self._compiled.pop(next(iter(self._compiled)))
                self._compiled[source] = found
        return found


_SHARED = _Environment()


def _environment() -> ImmutableSandboxedEnvironment:
    return _SHARED


def check_package(data: bytes) -> None:
    """Refuse what is not a .docx, or a .docx that would inflate beyond a sane size, before parsing it.

    The declared sizes bound what is unpacked: Python's zipfile stops at a member's declared size."""
    if not data.startswith(b"PK") or not zipfile.is_zipfile(io.BytesIO(data)):
        raise TemplateProblem("Шаблон должен быть документом Word (.docx).")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        raise TemplateProblem("Шаблон должен быть документом Word (.docx).") from None
    if len(members) > MAX_MEMBERS or sum(m.file_size for m in members) > MAX_UNPACKED:
        raise TemplateProblem("Шаблон слишком велик в распакованном виде (больше 20 МБ): уменьшите картинки.")
    for member in members:
        if member.file_size > RATIO_FLOOR and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            raise TemplateProblem("Файл шаблона подозрительно сильно сжат: такой файл не принимается.")
    if "word/document.xml" not in {m.filename for m in members}:
        raise TemplateProblem("Шаблон должен быть документом Word (.docx).")


def convert_legacy(data: bytes) -> bytes:
    """A letter template with {ФИО}-style placeholders as a Jinja template ({{ ФИО }}). A placeholder split over
    runs is found too: such a paragraph's text goes into its first run, which keeps that run's format."""
    document = Document(io.BytesIO(data))
    changed = False
    for paragraph in paragraphs(document):
        if "{" not in paragraph.text or not _LEGACY.search(paragraph.text):
            continue
        runs = paragraph.runs
        if sum(len(_LEGACY.findall(run.text)) for run in runs) == len(_LEGACY.findall(paragraph.text)):
            for run in runs:  # each placeholder within one run: every run keeps its format
                run.text = _LEGACY.sub(r"{{ \1 }}", run.text)
        else:
            runs[0].text = _LEGACY.sub(r"{{ \1 }}", paragraph.text)
            for run in runs[1:]:
                run.text = ""
        changed = True
    if not changed:
        return data
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _template(data: bytes) -> DocxTemplate:
    try:
        return DocxTemplate(io.BytesIO(data))
    except Exception:  # python-docx raises several kinds for a file that is not .docx
        raise TemplateProblem("Шаблон должен быть документом Word (.docx).") from None


def names_used(data: bytes) -> set[str]:
    """The top-level names a template uses; TemplateProblem for broken Jinja syntax."""
    template = _template(data)
    try:
        return set(template.get_undeclared_template_variables(_environment()))
    except TemplateSyntaxError as error:
        raise TemplateProblem(f"Ошибка в разметке шаблона: {_syntax(error)}.") from None


def _syntax(error: TemplateSyntaxError) -> str:
    message = error.message or "неверный тег"
    if "unexpected end of template" in message or "Unexpected end of template" in message:
        return "не закрыт блок {% for %} или {% if %} (нет {% endfor %} или {% endif %})"
    if "unexpected '}'" in message or "unexpected '%'" in message:
        return f"неверная скобка в теге ({message})"
    return f"неверный тег ({message})"


def render(data: bytes, context: dict) -> bytes:
    """The filled-in document; TemplateProblem (in Russian) when the template asks for what the context lacks."""
    template = _template(data)
    try:
        template.render(context, _environment(), autoescape=True)
    except TemplateSyntaxError as error:
        raise TemplateProblem(f"Ошибка в разметке шаблона: {_syntax(error)}.") from None
    except UndefinedError as error:
        raise TemplateProblem(f"В шаблоне неизвестная подстановка: {unknown_name(error)}.") from None
    except SecurityError:
        raise TemplateProblem("Шаблон обращается к недопустимым данным.") from None
    except RecursionError:
        raise TemplateProblem("Шаблон вызывает сам себя без конца (рекурсия).") from None
    except (JinjaError, TypeError, ValueError) as error:
        raise TemplateProblem(f"Шаблон не удалось заполнить: {error}.") from None
    buffer = io.BytesIO()
    template.save(buffer)
    return buffer.getvalue()


def unknown_name(error: UndefinedError) -> str:
    found = re.search(r"has no attribute '([^']+)'", str(error)) or re.search(r"'([^']+)' is undefined", str(error))
    return f"«{found.group(1)}»" if found else str(error)


def parse_names(text: str) -> set[str]:
    """Top-level names of a Jinja text (for tests and the placeholders' help)."""
    return set(meta.find_undeclared_variables(_environment().parse(text)))
