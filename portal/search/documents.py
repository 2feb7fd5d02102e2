"""What the admin search indexes, without whoosh: one document per row (title, plain text, organisation,
admin address), and which rows a change touches. portal/search/whoosh_engine.py writes and queries the index."""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any, Iterable, Iterator

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session, joinedload, selectinload

from portal.models import (Activity, Case, Event, NewsItem, Organisation, Page, Pairing, Person, Program,
                           Roadmap, Stage, Tag)
from portal.models.case import case_tag
from portal.models.registry import pairing_mentee
from portal.registries.network import label_for_organisation

BATCH = 500


@dataclass(frozen=True)
class Kind:
    model: type
    label: str  # one row: «Кейс»
    heading: str  # a group of rows: «Кейсы»


# Kind names are the admin CRUD names, so the edit page is `admin.<kind>_edit`.
KINDS: dict[str, Kind] = {
    "organisations": Kind(Organisation, "Организация", "Организации"),
    "roadmaps": Kind(Roadmap, "Дорожная карта", "Дорожные карты"),
    "cases": Kind(Case, "Кейс", "Кейсы"),
    "programs": Kind(Program, "Программа", "Программы наставничества"),
    "pairings": Kind(Pairing, "Пара или группа", "Наставнические пары и группы"),
    "persons": Kind(Person, "Участник", "Наставники и наставляемые"),
    "news": Kind(NewsItem, "Новость", "Новости"),
    "events": Kind(Event, "Мероприятие", "Мероприятия"),
    "pages": Kind(Page, "Страница", "Страницы"),
}
KIND_OF = {kind.model: name for name, kind in KINDS.items()}
LOAD_OPTIONS = {
    "roadmaps": [selectinload(Roadmap.stages).selectinload(Stage.activities)],
    "pairings": [joinedload(Pairing.mentor), joinedload(Pairing.program)],
}


class _TextOf(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def plain(html: str | None) -> str:
    """The text of stored, sanitized HTML, for the index and its fragments."""
    if not html:
        return ""
    parser = _TextOf()
    parser.feed(html)
    parser.close()
    return re.sub(r"\s+", " ", "".join(parser.parts)).strip()


def _join(*parts: Any) -> str:
    return "\n".join(str(part).strip() for part in parts if part and str(part).strip())


def _label(value: Any) -> str:
    return getattr(value, "label", "") if value is not None else ""


def _title_and_body(kind: str, obj: Any) -> tuple[str, str]:
    if kind == "organisations":
        return obj.short_name, _join(obj.name, _label(obj.kind), obj.municipality, obj.address,
                                     plain(obj.description_html))
    if kind == "roadmaps":
        lines = [obj.period, plain(obj.description_html)]
        for stage in obj.stages:
            lines += [f"{stage.number} {stage.title}", stage.goal, stage.result]
            for activity in stage.activities:
                lines += [f"{activity.number} {activity.title}", activity.responsible, activity.expected_result]
        return obj.title, _join(*lines)
    if kind == "cases":
        tags = ", ".join(tag.name for tag in obj.tags)
        return obj.title, _join(obj.summary, plain(obj.body_html), plain(obj.results_html),
                                _label(obj.mentoring_form), tags and f"Теги: {tags}")
    if kind == "news":
        return obj.title, _join(obj.summary, plain(obj.body_html))
    if kind == "events":
        return obj.title, _join(_label(obj.kind), obj.place, obj.summary, plain(obj.description_html))
    if kind == "pages":
        return obj.title, _join(obj.summary, plain(obj.body_html))
    if kind == "persons":  # the admin only: never contacts or achievements
        roles = ", ".join(sorted(role.label for role in obj.roles))
        return obj.full_name, _join(roles, obj.position, obj.competencies)
    if kind == "programs":
        return obj.title, _join(_label(obj.mentoring_form), plain(obj.description_html))
    if kind == "pairings":
        order = f"Приказ № {obj.order_number}" if obj.order_number else ""
        if order and obj.order_date:
            order += f" от {obj.order_date:%d.%m.%Y}"
        # A network pairing's document is found by its own organisation's curators: no names of the other side.
        return (label_for_organisation(obj, obj.organisation_id),
                _join(order, _label(obj.mentoring_form), obj.program and obj.program.title, obj.result))
    raise ValueError(kind)


def document(obj: Any, url_adapter: Any = None) -> dict[str, Any]:
    """The index document of one row."""
    kind = KIND_OF[type(obj)]
    title, body = _title_and_body(kind, obj)
    owner = obj.id if kind == "organisations" else getattr(obj, "organisation_id", None)
    return {"key": f"{kind}:{obj.id}", "kind": kind, "id": obj.id,
            "organisation_id": "" if owner is None else str(owner), "title": title or "", "body": body,
            "url": _admin_path(kind, obj.id, url_adapter)}


def _admin_path(kind: str, id: int, adapter: Any) -> str:
    try:
        adapter = adapter or current_app.url_map.bind("localhost")
        return adapter.build(f"admin.{kind}_edit", {"id": id})
    except Exception:  # an app without the admin blueprint: the admin view builds its own links
        return ""


def _load(session: Session, kind: str, ids: Iterable[int]) -> Iterator[Any]:
    model = KINDS[kind].model
    ids = sorted(ids)
    for start in range(0, len(ids), BATCH):
        query = sa.select(model).where(model.id.in_(ids[start:start + BATCH])).options(*LOAD_OPTIONS.get(kind, []))
        yield from session.scalars(query)


# ---- which rows a change touches ----------------------------------------------------------------------------
def _values(obj: Any, attr: str, load: bool) -> set[int]:
    """The attribute now and before the change (a stage moved to another roadmap touches both)."""
    history = sa.inspect(obj).attrs[attr].history  # never loads
    values = {*history.added, *history.unchanged, *history.deleted}
    if load:
        values.add(getattr(obj, attr))
    return {v for v in values if v is not None}


def _touched(obj: Any, load: bool = True) -> set[tuple[str, int]]:
    """Keys a new, changed or deleted row asks to re-read: (kind, id), or a link resolved when writing.

    With load=False nothing is read from the database: a deleted row can no longer be loaded.
    """
    state = sa.inspect(obj)
    id = state.identity[0] if state.identity else state.dict.get("id")  # no identity before the flush ends
    kind = KIND_OF.get(type(obj))
    keys = {(kind, id)} if kind and id is not None else set()
    if isinstance(obj, Stage):
        keys |= {("roadmaps", v) for v in _values(obj, "roadmap_id", load)}
    elif isinstance(obj, Activity):
        keys |= {("stage", v) for v in _values(obj, "stage_id", load)}
    elif isinstance(obj, Person) and id is not None:
        keys.add(("person", id))  # the pairings that show the name
    elif isinstance(obj, Tag) and id is not None:
        keys.add(("tag", id))  # the cases that carry it
    return keys


def _resolve(session: Session, keys: set[tuple[str, int]]) -> dict[str, set[int]]:
    wanted: dict[str, set[int]] = defaultdict(set)
    links: dict[str, set[int]] = defaultdict(set)
    for kind, id in keys:
        (wanted if kind in KINDS else links)[kind].add(id)
    if links["stage"]:
        wanted["roadmaps"] |= set(session.scalars(sa.select(Stage.roadmap_id).where(Stage.id.in_(links["stage"]))))
    if links["person"]:
        persons = links["person"]
        wanted["pairings"] |= set(session.scalars(sa.select(Pairing.id).where(Pairing.mentor_id.in_(persons))))
        wanted["pairings"] |= set(session.scalars(
            sa.select(pairing_mentee.c.pairing_id).where(pairing_mentee.c.person_id.in_(persons))))
    if links["tag"]:
        wanted["cases"] |= set(session.scalars(
            sa.select(case_tag.c.case_id).where(case_tag.c.tag_id.in_(links["tag"]))))
    return {kind: ids for kind, ids in wanted.items() if ids}


# ---- the index ----------------------------------------------------------------------------------------------
