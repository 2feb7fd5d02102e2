"""What a cell of a registry file means: text, dates, roles, categories, forms, yes/no, e-mail, consent fields.

Each parser takes a raw cell (text from a CSV, or a value openpyxl read: str, int, float, bool, datetime)
and returns the value, or raises ValueError with a Russian message naming the value; io_import.py puts the
column in front. No database here.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from typing import Callable

from email_validator import EmailNotValidError, validate_email

from portal.clock import local_now
from portal.models import MentoringForm, PersonCategory, PublicField, Role
from portal.text import strip_control_characters

_SPACES = re.compile(r"[ \t\u00a0\u2007\u202f]+")
_QUOTES = re.compile(r"[\"'«»„“”‘’`]")
_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})(?:\s*г\.?)?")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00(?::00)?)?")
_NONE = {"нет", "-", "–", "—"}
_TRUE = {"да", "д", "+", "1", "true", "yes", "истина"}
_FALSE = {"нет", "н", "-", "–", "—", "0", "false", "no", "ложь"}


def text_of(value, keep_lines: bool = False) -> str:
    """A cell as clean text: control characters gone, spaces folded, dates as ДД.ММ.ГГГГ."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return f"{value:%d.%m.%Y}"
    text = strip_control_characters(str(value)).replace("\r\n", "\n").replace("\r", "\n")
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line) if keep_lines else " ".join(line for line in lines if line)


def is_empty(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def header_key(text: str) -> str:
    return " ".join(re.sub(r"[\W_]+", " ", text.casefold().replace("ё", "е")).split())


def name_key(full_name: str) -> str:
    """ФИО as persons are matched: case, spacing and ё/е ignored."""
    return " ".join(full_name.casefold().replace("ё", "е").split())


def organisation_key(text: str) -> str:
    text = _QUOTES.sub("", text.casefold().replace("ё", "е"))
    return " ".join(text.replace("№", " № ").split()).replace("№ ", "№")


def _word(value) -> str:
    """A vocabulary word as compared: case, ё/е, dashes, quotes and spacing ignored («Ученик - ученик»)."""
    return header_key(text_of(value))


def _vocabulary(pairs: dict[str, object]) -> dict[str, object]:
    return {_word(text): member for text, member in pairs.items()}


ROLE_WORDS = _vocabulary({"наставник": Role.MENTOR, "наставница": Role.MENTOR, "mentor": Role.MENTOR,
                          "наставляемый": Role.MENTEE, "наставляемая": Role.MENTEE, "наставляемые": Role.MENTEE,
                          "mentee": Role.MENTEE})
CATEGORY_WORDS = _vocabulary({
    **{m.label: m for m in PersonCategory}, **{m.value: m for m in PersonCategory},
    "педагог": PersonCategory.TEACHER, "учитель": PersonCategory.TEACHER, "преподаватель": PersonCategory.TEACHER,
    "педагогический работник": PersonCategory.TEACHER,
    "обучающийся": PersonCategory.PUPIL, "обучающаяся": PersonCategory.PUPIL, "ученик": PersonCategory.PUPIL,
    "ученица": PersonCategory.PUPIL, "школьник": PersonCategory.PUPIL, "школьница": PersonCategory.PUPIL,
    "студент": PersonCategory.STUDENT, "студентка": PersonCategory.STUDENT,
    "работодатель": PersonCategory.EMPLOYER, "другое": PersonCategory.OTHER, "иное": PersonCategory.OTHER,
})
FORM_WORDS = _vocabulary({**{m.label: m for m in MentoringForm}, **{m.value: m for m in MentoringForm},
                          "педагог – педагог": MentoringForm.TEACHER_TEACHER})
PUBLIC_WORDS = _vocabulary({**{m.label: m for m in PublicField}, **{m.value: m for m in PublicField},
                            "фамилия имя отчество": PublicField.FULL_NAME, "фотография": PublicField.PHOTO,
                            "ключевые компетенции": PublicField.COMPETENCIES, "место работы": PublicField.ORGANISATION})
# Contacts are never publishable (ст. 10.1 leaves them to the person, the portal never shows them): a word of
# the list starting like one of these is refused with its own message.
_CONTACT = re.compile(r"(?<!\w)(?:тел|моб|e-?mail|mail|почт|адрес|контакт|сайт|соц|telegram|телеграм|whatsapp"
                      r"|мессенджер)")


def _split(text: str, separators: str = r"[,;\n/]+|\s+и\s+") -> list[str]:
    return [part.strip() for part in re.split(separators, text) if part.strip()]


def parse_text(value) -> str:
    return text_of(value)


def parse_long_text(value) -> str:
    return text_of(value, keep_lines=True)


def parse_roles(value) -> set[Role]:
    text = re.sub(r"\([^)]*\)", "", text_of(value))
    roles, unknown = set(), []
    for part in _split(text):
        role = ROLE_WORDS.get(_word(part))
        if role:
            roles.add(role)
        else:
            unknown.append(part)
    if unknown or not roles:
        raise ValueError(f"неизвестная роль «{', '.join(unknown) or text_of(value)}»: нужно «наставник», "
                         "«наставляемый» или «наставник, наставляемый».")
    return roles


def parse_category(value) -> PersonCategory:
    found = CATEGORY_WORDS.get(_word(value))
    if found is None:
        raise ValueError(f"неизвестная категория «{text_of(value)}»: нужно педагог, обучающийся, студент, "
                         "работодатель или другое.")
    return found


def parse_form(value) -> MentoringForm:
    found = FORM_WORDS.get(_word(value))
    if found is None:
        raise ValueError(f"неизвестная форма наставничества «{text_of(value)}»: нужно одно из — "
                         + "; ".join(m.label for m in MentoringForm) + ".")
    return found


def parse_date(value) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = text_of(value)
    match = _DATE.fullmatch(text)
    parts = (match.group(3), match.group(2), match.group(1)) if match else None
    if match is None and (iso := _ISO_DATE.fullmatch(text)):
        parts = iso.groups()
    try:
        if parts is None:
            raise ValueError
        day = date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        raise ValueError(f"«{text}» — не дата: нужно ДД.ММ.ГГГГ, например 01.09.2025.") from None
    if not 1900 <= day.year <= 2100:
        raise ValueError(f"«{text}» — невероятный год.")
    return day


def parse_consent_date(value) -> date | None:
    """The date the consent to processing was signed; «нет» (or a dash) for none, «да» for one signed on a day
    nobody wrote down: today's date is recorded (the day the registry says it exists)."""
    text = text_of(value).casefold()
    if text in _NONE:
        return None
    if text in _TRUE:
        return local_now().date()
    day = parse_date(value)
    if day > local_now().date():
        raise ValueError(f"дата {day:%d.%m.%Y} ещё не наступила: укажите дату подписания согласия.")
    return day


def parse_minor(value) -> bool:
    if isinstance(value, bool):
        return value
    text = text_of(value).casefold()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"«{text_of(value)}» — нужно «да» или «нет».")


def parse_email(value) -> str:
    text = text_of(value)
    try:
        return validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError:
        raise ValueError(f"«{text}» — неверный адрес электронной почты.") from None


def parse_publication(value) -> frozenset[PublicField] | None:
    text = text_of(value)
    if text.casefold() in _NONE:
        return None
    allowed, contacts, unknown = set(), [], []
    for part in _split(text, r"[,;\n]+"):
        found = PUBLIC_WORDS.get(_word(part))
        if found:
            allowed.add(found)
        elif _CONTACT.search(part.casefold()):
            contacts.append(part)
        else:
            unknown.append(part)
    if contacts:
        raise ValueError(f"«{', '.join(contacts)}» — контакты публиковать нельзя. Можно: "
                         + ", ".join(m.label for m in PublicField) + ".")
    if unknown:
        raise ValueError(f"неизвестное поле «{', '.join(unknown)}». Можно: "
                         + ", ".join(m.label for m in PublicField) + ".")
    return frozenset(allowed)


PARSERS: dict[str, Callable] = {
    "full_name": parse_text, "roles": parse_roles, "organisation": parse_text, "category": parse_category,
    "position": parse_text, "mentoring_form": parse_form, "competencies": parse_long_text,
    "achievements": parse_long_text, "joined_on": parse_date, "phone": parse_text, "email": parse_email,
    "is_minor": parse_minor, "processing_on": parse_consent_date, "publication": parse_publication,
}
