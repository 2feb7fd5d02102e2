"""The kinds of documents: code name, Russian title, what each is made for, and the placeholders its template may
use (a schema that documents them on the template page and checks uploaded templates).

A schema maps a placeholder to its description, to a nested schema (`организация.название`), or to a list:
(loop variable, schema of an item) — `{%tr for пара in пары %}{{ пара.наставник }}…{%tr endfor %}`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Callable

from portal.monitoring.indicators import Period

from .options import Options  # noqa: F401 — part of this module's API

TARGETS = {"program": "программа", "pairing": "наставническая пара", "person": "участник",
           "organisation": "организация"}

ORGANISATION = {
    "название": "полное наименование организации",
    "краткое_название": "краткое наименование",
    "адрес": "адрес", "телефон": "телефон", "почта": "электронная почта", "сайт": "сайт",
    "реквизиты": "адрес, телефон и почта одной строкой",
    "руководитель": "ФИО руководителя", "должность_руководителя": "должность руководителя",
    "муниципалитет": "муниципалитет",
}
COMMON = {"организация": ORGANISATION, "сегодня": "сегодняшняя дата (01.10.2026)"}
PROGRAM = {"название": "название программы", "форма": "форма наставничества", "начало": "дата начала",
           "окончание": "дата окончания", "описание": "описание программы"}
PERSON = {"фио": "ФИО (участник другой организации сетевой пары — «Наставник из …»)", "должность":
          "должность, класс или группа", "организация": "краткое наименование его организации"}
PAIRING = {"форма": "форма наставничества", "начало": "дата начала", "окончание": "дата окончания",
           "приказ_номер": "номер приказа о закреплении", "приказ_дата": "дата приказа"}
PAIR_HEADER = {**COMMON, "программа": PROGRAM, "пара": PAIRING, "наставник": PERSON,
               "наставляемые": ("наставляемый", PERSON), "наставляемые_фио": "ФИО наставляемых через запятую"}

SCHEMAS: dict[str, dict] = {
    "pairing_order": {
        **COMMON,
        "приказ": {"номер": "номер приказа", "дата": "дата приказа (01.10.2026)",
                   "дата_прописью": "дата приказа («01» октября 2026 г.)"},
        "программа": PROGRAM,
        "пары": ("пара", {"номер": "№ по порядку", "наставник": "ФИО наставника",
                          "должность_наставника": "должность наставника", "наставляемые": "ФИО наставляемых",
                          "форма": "форма наставничества", "программа": "название программы",
                          "начало": "дата начала", "окончание": "дата окончания"}),
        "куратор": "куратор программы (кто готовит приказ): оставьте строку для подписи",
    },
    "program_order": {
        **COMMON,
        "программа": PROGRAM,
        "дорожная_карта": {"название": "название дорожной карты", "период": "период («2026–2027 учебный год»)"},
        "мероприятия": ("мероприятие", {"этап": "номер и название этапа", "номер": "номер мероприятия",
                                        "название": "мероприятие", "сроки": "сроки, как записаны",
                                        "ответственные": "ответственные", "результат": "ожидаемый результат"}),
    },
    "development_plan": {
        **PAIR_HEADER,
        "цели": ("цель", {"номер": "№ по порядку", "цель": "цель или задача", "срок": "срок",
                          "отметка": "«выполнено» или «в работе»"}),
        "итоги": "результаты работы пары",
    },
    "mentor_journal": {
        **PAIR_HEADER,
        "период": {"начало": "начало периода", "окончание": "конец периода", "описание": "период одной строкой"},
        "встречи": ("встреча", {"номер": "№ по порядку", "дата": "дата встречи", "вид": "вид встречи",
                                "содержание": "содержание встречи"}),
        "встреч_всего": "число встреч",
    },
    "consent": {
        **COMMON,
        "субъект": {"фио": "ФИО участника", "дата_рождения": "дата рождения (для несовершеннолетнего)",
                    "должность": "должность, класс или группа"},
        "несовершеннолетний": "истина для несовершеннолетнего: {% if несовершеннолетний %}…{% endif %}",
        "представитель": "ФИО законного представителя, если уже известно",
        "публикуемые_данные": ("данные", {"название": "что может быть опубликовано (ФИО, должность…)"}),
    },
    "curator_report": {
        **COMMON,
        "период": {"начало": "начало периода", "окончание": "конец периода", "описание": "период одной строкой"},
        "показатели": {"наставников": "число наставников", "наставляемых": "число наставляемых",
                       "пар": "число пар и групп", "доля_обучающихся": "доля вовлечённых обучающихся, %",
                       "доля_педагогов": "доля вовлечённых педагогов, %",
                       "удовлетворённость": "средняя удовлетворённость из 10",
                       "кейсов": "опубликовано кейсов", "дорожная_карта": "выполнение дорожной карты, %"},
        "формы": ("форма", {"название": "форма наставничества", "наставников": "наставников",
                            "наставляемых": "наставляемых", "пар": "пар"}),
        "программы": ("программа", {"название": "программа", "пар": "пар", "встреч": "встреч за период",
                                    "целей": "целей в планах", "выполнено": "целей выполнено"}),
        "дорожные_карты": ("карта", {"название": "дорожная карта", "всего": "мероприятий",
                                     "выполнено": "выполнено", "просрочено": "просрочено",
                                     "процент": "процент выполнения"}),
    },
    "thank_you_letter": {
        **COMMON,
        "ФИО": "ФИО наставника", "Организация": "его организация",
        "Программа": "«в программе „…“» — программы наставника за год", "Год": "год",
        "Подписант": "кто подписывает письмо",
    },
}


@dataclass(frozen=True)
class Kind:
    code: str
    title: str
    targets: tuple[str, ...]  # what it is made for: keys of TARGETS, the first is the usual one
    purpose: str
    build: Callable[..., list[tuple[str, dict]]] = field(repr=False)  # (session, obj, options) → (file name, context)

    @property
    def schema(self) -> dict:
        return SCHEMAS[self.code]

    def names(self) -> set[str]:
        return set(self.schema)


def sample(schema: dict) -> dict[str, Any]:
    """A context of the schema's shape with the descriptions as values (two items per list): what an uploaded
    template is checked against."""
    made: dict[str, Any] = {}
    for key, value in schema.items():
        if isinstance(value, dict):
            made[key] = sample(value)
        elif isinstance(value, tuple):
            made[key] = [sample(value[1]), sample(value[1])]
        else:
            made[key] = value
    return made


def placeholders(schema: dict, prefix: str = "") -> list[tuple[str, str]]:
    """(tag, description) lines for the template page."""
    lines: list[tuple[str, str]] = []
    for key, value in schema.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            lines += placeholders(value, path + ".")
        elif isinstance(value, tuple):
            var, item = value
            lines.append((f"{{%tr for {var} in {path} %}} … {{%tr endfor %}}",
                          "повторить строку таблицы для каждого элемента списка (в абзацах — {%p for … %})"))
            lines += placeholders(item, var + ".")
        else:
            lines.append((f"{{{{ {path} }}}}", value))
    return lines


def _registry() -> dict[str, Kind]:
    from . import builders, report

    kinds = [
        Kind("pairing_order", "Приказ о закреплении наставнических пар (групп)", ("program", "pairing"),
             "пары программы или приказ, которым закреплена пара: наставник, наставляемые, форма, сроки, "
             "номер и дата приказа", builders.pairing_order),
        Kind("program_order", "Приказ об утверждении программы наставничества и дорожной карты", ("program",),
             "программа и дорожная карта её организации: этапы и мероприятия", builders.program_order),
        Kind("development_plan", "Индивидуальный план развития", ("pairing",),
             "цели плана развития пары со сроками и отметками о выполнении", builders.development_plan),
        Kind("mentor_journal", "Журнал наставника", ("pairing",),
             "встречи пары (за период, если он указан)", builders.mentor_journal),
        Kind("consent", "Согласие на обработку персональных данных", ("person", "program"),
             "бланк для подписи: согласие на обработку и на распространение (152-ФЗ, ст. 9 и 10.1); за "
             "несовершеннолетнего подписывает законный представитель; для программы — всем участникам без "
             "подписанного согласия", builders.consent),
        Kind("curator_report", "Отчёт куратора о реализации программы наставничества за период",
             ("organisation",), "показатели, встречи, цели и выполнение дорожной карты организации за период "
             "(для управления образования — по муниципалитету)", report.curator_report),
        Kind("thank_you_letter", "Благодарственное письмо", ("person",),
             "письмо наставнику за год с программами, в которых он работал", report.thank_you_letter),
    ]
    return {kind.code: kind for kind in kinds}


KINDS: dict[str, Kind] = _registry()


def kinds_for(target: str) -> list[Kind]:
    return [kind for kind in KINDS.values() if target in kind.targets]
