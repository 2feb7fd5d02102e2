"""The application form's rules: what the form offers (consent text with its version, categories) and `check`,
which turns a submitted form into values or Russian errors. No database, no mail: the site's static page
(portal/site/join.py) and the public view share it."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Mapping

from portal.models import MentoringForm, Organisation, PersonCategory, Role

from .tags import join_tags, parse_tags

# The text a person agrees to, with its version: the version is stored with the application and the consent.
CONSENT_VERSION = "2026-12-1"
CONSENT_TEXT = (
    "Я даю согласие образовательной организации, выбранной в заявке, и управлению образования на обработку "
    "моих персональных данных (ФИО, организация, должность или класс, контакты, компетенции или запрос) для "
    "участия в программе наставничества в соответствии с Федеральным законом № 152-ФЗ «О персональных данных». "
    "Согласие действует до окончания участия в программе и может быть отозвано письменным заявлением."
)
PARENT_TEXT = ("Я — родитель (законный представитель) несовершеннолетнего и даю согласие на обработку его "
               "персональных данных на тех же условиях.")
PUBLICATION_TEXT = "Согласен(на) на публикацию на сайте ФИО, организации, должности и компетенций."

CATEGORIES = {
    Role.MENTOR: (PersonCategory.TEACHER, PersonCategory.STUDENT, PersonCategory.EMPLOYER),
    Role.MENTEE: (PersonCategory.TEACHER, PersonCategory.PUPIL, PersonCategory.STUDENT),
}
CATEGORY_LABELS = {
    Role.MENTOR: {PersonCategory.TEACHER: "Педагог", PersonCategory.STUDENT: "Студент",
                  PersonCategory.EMPLOYER: "Специалист предприятия (работодатель)"},
    Role.MENTEE: {PersonCategory.TEACHER: "Молодой педагог", PersonCategory.PUPIL: "Обучающийся (заполняет родитель)",
                  PersonCategory.STUDENT: "Студент"},
}
LIMITS = {"full_name": 300, "representative_name": 300, "position": 300, "email": 200, "phone": 60,
          "tags": 1000, "about": 3000, "availability": 300}
EMAIL = re.compile(r"[^@\s<>\"']+@[^@\s<>\"']+\.[^@\s<>\"']+")
PHONE = re.compile(r"[0-9+()\- ]{5,60}")
MAX_CAPACITY = 10


@dataclass
class Checked:
    values: dict = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def kind_of(slug: str) -> Role | None:
    return {"mentor": Role.MENTOR, "mentee": Role.MENTEE}.get(slug)


def check(kind: Role, form: Mapping[str, str], organisations: dict[int, Organisation]) -> Checked:
    """The submitted form → values for an Application, or a Russian error per field."""
    out = Checked()
    text = {name: " ".join((form.get(name) or "").split()) for name in LIMITS}
    text["about"] = (form.get("about") or "").strip()
    for name, limit in LIMITS.items():
        if len(text[name]) > limit:
            out.errors[name] = f"Не длиннее {limit} символов."
    if not text["full_name"]:
        out.errors["full_name"] = "Укажите фамилию, имя и отчество."
    if not EMAIL.fullmatch(text["email"]):
        out.errors["email"] = "Укажите адрес электронной почты, например ivanova@example.ru."
    if text["phone"] and not PHONE.fullmatch(text["phone"]):
        out.errors["phone"] = "Телефон — только цифры, пробелы, скобки, «+» и «-»."
    organisation = _pick(form.get("organisation"), {str(k): v for k, v in organisations.items()})
    if organisation is None:
        out.errors["organisation"] = "Выберите организацию из списка."
    category = _pick(form.get("category"), {c.value: c for c in CATEGORIES[kind]})
    if category is None:
        out.errors["category"] = "Выберите, кто вы, из списка."
    mentoring_form = _pick(form.get("mentoring_form"), {f.value: f for f in MentoringForm})
    if mentoring_form is None:
        out.errors["mentoring_form"] = "Выберите форму наставничества."
    tags = parse_tags(text["tags"])
    if not tags:
        out.errors["tags"] = ("Перечислите компетенции через запятую." if kind == Role.MENTOR
                              else "Опишите запрос: темы через запятую.")
    capacity = 1
    if kind == Role.MENTOR:
        raw = (form.get("capacity") or "1").strip()
        if not raw.isdigit() or not 1 <= int(raw) <= MAX_CAPACITY:
            out.errors["capacity"] = f"Число от 1 до {MAX_CAPACITY}."
        else:
            capacity = int(raw)
    is_minor = kind == Role.MENTEE and category == PersonCategory.PUPIL
    if is_minor:
        if not text["representative_name"]:
            out.errors["representative_name"] = "Укажите ФИО родителя (законного представителя)."
        if form.get("parent_consent") != "yes":
            out.errors["parent_consent"] = "Без согласия родителя заявку за несовершеннолетнего принять нельзя."
    if form.get("consent") != "yes":
        out.errors["consent"] = "Без согласия на обработку персональных данных заявку принять нельзя."
    elif form.get("consent_version") != CONSENT_VERSION:
        out.errors["consent"] = "Текст согласия обновился: прочитайте его и отметьте согласие ещё раз."
    if out.errors:
        return out
    out.values = dict(
        kind=kind, organisation_id=organisation.id, full_name=text["full_name"], category=category,
        is_minor=is_minor, representative_name=text["representative_name"] if is_minor else "",
        position=text["position"], email=text["email"].lower(), phone=text["phone"], mentoring_form=mentoring_form,
        tags=join_tags(tags), about=text["about"], availability=text["availability"], capacity=capacity,
        consent_version=CONSENT_VERSION,
        # Publication: adults who asked for it only; a minor is never published by name (consent.py).
        publication_consent=kind == Role.MENTOR and form.get("publication_consent") == "yes",
    )
    return out


def _pick(raw, allowed: dict):
    return allowed.get((raw or "").strip())
