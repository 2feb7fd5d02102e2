"""What differs between two versions of a row, as an editor reads it: the form's Russian labels instead of column
names, values as the form shows them (a status's label, an organisation's name, «да», 05.12.2026), and texts
compared word by word with the removed words struck through and the added ones marked. Used by the history
(«Сравнить с текущей») and by the conflict screen of two editors saving one row."""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from markupsafe import Markup, escape

from portal.extensions import db

# Columns that no form shows under their own name.
LABELS = {"status": "Статус", "publish_at": "Публикация не раньше", "slug": "Адрес на сайте",
          "review_comment": "Комментарий проверяющего", "organisation_id": "Организация", "published_on": "Дата",
          "starts_at": "Начало", "ends_at": "Окончание", "cover_id": "Обложка"}
DATE = re.compile(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?")


@dataclass
class Change:
    key: str
    label: str
    old: Markup  # the other version, as shown
    new: Markup  # this version, as shown
    text: bool  # a text, compared word by word
    raw_old: str = ""


def labels_of(form: Any) -> dict[str, str]:
    """Field name → its label without «(Markdown)»: what the editor knows the field by."""
    found = {}
    for field in form:
        text = getattr(getattr(field, "label", None), "text", "")
        if text:
            found[field.name] = re.sub(r"\s*\(Markdown\)", "", text)
    return found


def _enum_of(model: type, key: str) -> type | None:
    column = sa.inspect(model).columns.get(key)
    if column is not None and isinstance(column.type, sa.Enum) and column.type.enum_class is not None:
        return column.type.enum_class
    return None


def _related(model: type, key: str, value: Any) -> str | None:
    """An id column's row by its name (an organisation's short name), or None."""
    if not key.endswith("_id") or value in (None, ""):
        return None
    for relationship in sa.inspect(model).relationships:
        if any(column.key == key for column in relationship.local_columns):
            row = db.session.get(relationship.mapper.class_, value)
            return str(row) if row is not None else f"удалено (№ {value})"
    return None


def shown(model: type, key: str, value: Any) -> str:
    """A stored value as the form would show it."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "да" if value else "нет"
    enum = _enum_of(model, key)
    if enum is not None:
        try:
            return enum(getattr(value, "value", value)).label
        except ValueError:
            return str(value)
    related = _related(model, key, value)
    if related is not None:
        return related
    if isinstance(value, str) and DATE.fullmatch(value):
        moment = datetime.fromisoformat(value)
        return moment.strftime("%d.%m.%Y %H:%M" if "T" in value else "%d.%m.%Y")
    if isinstance(value, datetime):
        return value.strftime("%d.%m.%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    return str(value)


def word_diff(old: str, new: str) -> tuple[Markup, Markup]:
    """Both texts escaped, with the words only the old one has in <del> and those only the new one has in <ins>."""
    a, b = re.findall(r"\s+|[^\s]+", old), re.findall(r"\s+|[^\s]+", new)
    left, right = [], []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        removed, added = escape("".join(a[i1:i2])), escape("".join(b[j1:j2]))
        if op == "equal":
            left.append(removed)
            right.append(added)
            continue
        if removed:
            left.append(Markup("<del>{}</del>").format(removed))
        if added:
            right.append(Markup("<ins>{}</ins>").format(added))
    return Markup("").join(left), Markup("").join(right)


def compare(model: type, labels: dict[str, str], old: dict[str, Any], new: dict[str, Any]) -> list[Change]:
    """The fields that differ, in the order of the form's labels then the rest; `old` and `new` are snapshots
    (portal/revisions.py) of the same row."""
    order = {key: place for place, key in enumerate(labels)}
    changes = []
    for key in sorted(set(old) | set(new), key=lambda k: (order.get(k, len(order)), k)):
        before, after = old.get(key), new.get(key)
        if before == after or key.endswith("_html"):
            continue
        label = labels.get(key) or LABELS.get(key) or key
        is_text = (isinstance(before, str) and isinstance(after, str) and _enum_of(model, key) is None
                   and not DATE.fullmatch(before or "") and not DATE.fullmatch(after or ""))
        if is_text:
            left, right = word_diff(before, after)
            changes.append(Change(key, label, left, right, True, before))
        else:
            changes.append(Change(key, label, escape(shown(model, key, before)), escape(shown(model, key, after)),
                                  False, "" if before is None else str(before)))
    return changes
