"""Open data of the public site: JSON of every public content type, and CSV where the data is a table.

Built from the site's `Snapshot`, so it holds exactly what the site shows, drafts never. No personal data: the
registries (mentors, mentees, pairs) appear only as counts, and no field names a mentor or a mentee.

Conventions: keys are snake_case English, identical in JSON items and CSV headers; a vocabulary value comes with
its Russian label in `<key>_label`; dates are ISO 8601; `updated_at` and `generated_at` are UTC (with «Z»),
event times are local times of the municipality (no offset), as the site shows them.
"""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING, Any

from portal.cell_text import safe_cell_text
from portal.site.row_memo import memoised
from portal.models import Activity, MentoringForm, Roadmap, Stage
from portal.roadmaps.progress import effective_status

if TYPE_CHECKING:  # the site imports this module: no import cycle at run time
    from portal.site.content import Snapshot

ItemUrl = Callable[[str, object], str]
Row = dict[str, Any]


@dataclass(frozen=True)
class Dataset:
    name: str  # the file stem: organisations.json, organisations.csv
    title: str
    description: str
    formats: tuple[str, ...]


DATASETS: tuple[Dataset, ...] = (
    Dataset("organisations", "Организации",
            "Одна строка — образовательная организация или партнёр: полное и краткое название, тип, "
            "муниципалитет, адрес, сайт и адрес страницы на портале.", ("json", "csv")),
    Dataset("roadmaps", "Дорожные карты",
            "Одна запись — опубликованная дорожная карта организации с этапами (задача, результат) "
            "и мероприятиями этапов (сроки, ответственные, ожидаемый результат, статус).", ("json",)),
    Dataset("activities", "Мероприятия дорожных карт",
            "Одна строка — мероприятие дорожной карты: карта, номер и название этапа, сроки как в документе "
            "и в виде дат, ответственные, ожидаемый результат и статус на дату выгрузки.", ("json", "csv")),
    Dataset("cases", "Кейсы лучших практик",
            "Одна строка — кейс лучшей практики: название, организация, форма наставничества, теги, "
            "краткое описание и дата обновления.", ("json", "csv")),
    Dataset("news", "Новости",
            "Одна строка — новость: заголовок, организация (если есть), дата публикации и краткое содержание.",
            ("json", "csv")),
    Dataset("events", "Мероприятия",
            "Одна строка — мероприятие (фестиваль, конкурс, семинар): вид, начало и окончание по местному "
            "времени, место, организация и краткое описание.", ("json", "csv")),
    Dataset("figures", "Показатели: программы и пары по формам наставничества",
            "Одна строка — форма наставничества: число программ наставничества и действующих наставнических "
            "пар и групп; в JSON также те же числа по организациям.", ("json", "csv")),
)
_BY_NAME = {dataset.name: dataset for dataset in DATASETS}


def dataset(name: str) -> Dataset:
    """The dataset called `name`; KeyError for an unknown one."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise KeyError(f"Unknown open dataset {name!r}; known: {', '.join(_BY_NAME)}") from None


def _check_format(name: str, fmt: str) -> Dataset:
    found = dataset(name)
    if fmt not in found.formats:
        raise ValueError(f"The open dataset {name!r} has no {fmt} format; it has {', '.join(found.formats)}")
    return found


# --- values ------------------------------------------------------------------------------------------


def _utc_iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    value = value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value.astimezone(timezone.utc)
    return value.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _local_iso(value: datetime | None) -> str | None:
    return None if value is None else value.replace(microsecond=0).isoformat()


def _date_iso(value: date | None) -> str | None:
    return None if value is None else value.isoformat()


def _enum(key: str, value: Any) -> Row:
    """`{key: value, key_label: «Метка»}` for a vocabulary value."""
    if value is None:
        return {key: None, f"{key}_label": None}
    return {key: str(value.value), f"{key}_label": value.label}


def _slug(item: Any) -> str | None:
    return None if item is None else item.slug


# --- rows --------------------------------------------------------------------------------------------


def _organisations(snapshot: Snapshot, item_url: ItemUrl) -> list[Row]:
    return [
        {"slug": o.slug, "name": o.name, "short_name": o.short_name, **_enum("kind", o.kind),
         "municipality": o.municipality or "", "address": o.address or "", "website": o.website or "",
         "url": item_url("organisations", o)}
        for o in sorted(snapshot.organisations, key=lambda o: o.slug)
    ]


def _activity_fields(activity: Activity, today: date) -> Row:
    return {
        "number": activity.number or "", "title": activity.title,
        "deadline_text": activity.deadline_text or "",
        "deadline_start": _date_iso(activity.deadline_start), "deadline_end": _date_iso(activity.deadline_end),
        "responsible": activity.responsible or "", "expected_result": activity.expected_result or "",
        # As the site shows it: an unfinished activity past its end date is overdue.
        **_enum("status", effective_status(activity, today)),
    }


def _stage_order(stage: Stage) -> tuple:
    return stage.position, stage.id or 0


def _activity_order(activity: Activity) -> tuple:
    return activity.position, activity.id or 0


def _roadmaps(snapshot: Snapshot, item_url: ItemUrl) -> list[Row]:
    today = snapshot.now.date()
    return [
        {"slug": r.slug, "title": r.title, "organisation": _slug(r.organisation), "period": r.period or "",
         "year": r.year, "url": item_url("roadmaps", r),
         "stages": [
             {"number": s.number or "", "title": s.title, "goal": s.goal or "", "result": s.result or "",
              "activities": [_activity_fields(a, today) for a in sorted(s.activities, key=_activity_order)]}
             for s in sorted(r.stages, key=_stage_order)
         ]}
        for r in _sorted_roadmaps(snapshot)
    ]


def _sorted_roadmaps(snapshot: Snapshot) -> list[Roadmap]:
    return sorted(snapshot.roadmaps, key=lambda r: r.slug)


def _activities(snapshot: Snapshot, item_url: ItemUrl) -> list[Row]:
    today = snapshot.now.date()
    return [
        {"roadmap": r.slug, "stage_number": s.number or "", "stage_title": s.title, **_activity_fields(a, today)}
        for r in _sorted_roadmaps(snapshot)
        for s in sorted(r.stages, key=_stage_order)
        for a in sorted(s.activities, key=_activity_order)
    ]


def _cases(snapshot: Snapshot, item_url: ItemUrl, memo: dict | None = None) -> list[Row]:
    return memoised(sorted(snapshot.cases, key=lambda c: c.slug), memo, lambda c: {
        "slug": c.slug, "title": c.title, "organisation": _slug(c.organisation),
        **_enum("mentoring_form", c.mentoring_form), "tags": [t.name for t in c.tags],
        "summary": c.summary or "", "url": item_url("cases", c), "updated_at": _utc_iso(c.updated_at)})


def _news(snapshot: Snapshot, item_url: ItemUrl, memo: dict | None = None) -> list[Row]:
    return memoised(sorted(snapshot.news, key=lambda n: (n.published_on, n.slug)), memo, lambda n: {
        "slug": n.slug, "title": n.title, "organisation": _slug(n.organisation),
        "published_on": _date_iso(n.published_on), "summary": n.summary or "", "url": item_url("news", n)})


def _events(snapshot: Snapshot, item_url: ItemUrl, memo: dict | None = None) -> list[Row]:
    return memoised(sorted(snapshot.events, key=lambda e: (e.starts_at, e.slug)), memo, lambda e: {
        "slug": e.slug, "title": e.title, **_enum("kind", e.kind), "starts_at": _local_iso(e.starts_at),
        "ends_at": _local_iso(e.ends_at), "place": e.place or "", "organisation": _slug(e.organisation),
        "summary": e.summary or "", "url": item_url("events", e)})


def _figures(snapshot: Snapshot, item_url: ItemUrl) -> list[Row]:
    """Every mentoring form, in the vocabulary's order, zeros included: the table has a fixed shape."""
    return [
        {**_enum("mentoring_form", form), "programs": snapshot.programs_by_form[form],
         "active_pairings": snapshot.pairings_by_form[form]}
        for form in MentoringForm
    ]


def _figures_by_organisation(snapshot: Snapshot) -> list[Row]:
    rows = [
        {"organisation": o.slug, "programs": snapshot.programs_by_organisation[o.id],
         "active_pairings": snapshot.pairings_by_organisation[o.id]}
        for o in snapshot.organisations
        if snapshot.programs_by_organisation[o.id] or snapshot.pairings_by_organisation[o.id]
    ]
    return sorted(rows, key=lambda row: row["organisation"])


# The CSV header of each tabular dataset: the keys of its JSON items, in the same order.
CSV_COLUMNS: dict[str, tuple[str, ...]] = {
    "organisations": ("slug", "name", "short_name", "kind", "kind_label", "municipality", "address", "website",
                      "url"),
    "activities": ("roadmap", "stage_number", "stage_title", "number", "title", "deadline_text", "deadline_start",
                   "deadline_end", "responsible", "expected_result", "status", "status_label"),
    "cases": ("slug", "title", "organisation", "mentoring_form", "mentoring_form_label", "tags", "summary", "url",
              "updated_at"),
    "news": ("slug", "title", "organisation", "published_on", "summary", "url"),
    "events": ("slug", "title", "kind", "kind_label", "starts_at", "ends_at", "place", "organisation", "summary",
               "url"),
    "figures": ("mentoring_form", "mentoring_form_label", "programs", "active_pairings"),
}

_ROWS: dict[str, Callable[[Snapshot, ItemUrl], list[Row]]] = {
    "organisations": _organisations, "roadmaps": _roadmaps, "activities": _activities, "cases": _cases,
    "news": _news, "events": _events, "figures": _figures,
}


MEMOISED = ("cases", "news", "events")  # the long datasets, made row by row with a memo (row_memo.py)


def dataset_items(snapshot: Snapshot, name: str, *, item_url: ItemUrl, memo: dict | None = None) -> list[Row]:
    """The items of a dataset as plain JSON-ready dicts (also what the CSV rows are made of)."""
    dataset(name)
    if name in MEMOISED:
        return _ROWS[name](snapshot, item_url, memo)
    return _ROWS[name](snapshot, item_url)


# --- files -------------------------------------------------------------------------------------------


def dataset_json(snapshot: Snapshot, name: str, *, item_url: ItemUrl, memo: dict | None = None) -> bytes:
    found = _check_format(name, "json")
    items = dataset_items(snapshot, name, item_url=item_url, memo=None if memo is None else memo.setdefault("rows", {}))
    # Each item's text made once per row (with `indent` json runs its pure-Python encoder: 3 000 cases cost 50 ms
    # of every publish), at its depth in the document: two spaces in.
    # Kept only where the rows are: the others are made anew each time (their texts would be kept for nothing).
    texts = memoised(items, None if memo is None or name not in MEMOISED else memo.setdefault("texts", {}),
                     lambda row: json.dumps(row, ensure_ascii=False, indent=1).replace("\n", "\n  "))
    document: Row = {"dataset": found.name, "title": found.title, "description": found.description,
                     "generated_at": _utc_iso(snapshot.now), "count": len(items), "items": _ITEMS}
    if name == "figures":
        document["by_organisation"] = _figures_by_organisation(snapshot)
    listed = "[\n  " + ",\n  ".join(texts) + "\n ]" if texts else "[]"
    # The first quoted `_ITEMS` is the items' place: the fields before it are this module's own words.
    text = json.dumps(document, ensure_ascii=False, indent=1).replace(json.dumps(_ITEMS), listed, 1)
    return (text + "\n").encode("utf-8")


_ITEMS = "\u0000items\u0000"  # where the items go in a dataset's JSON (no text of the portal holds a NUL)


def _csv_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return safe_cell_text(", ".join(str(part) for part in value))
    return safe_cell_text(str(value))


def dataset_csv(snapshot: Snapshot, name: str, *, item_url: ItemUrl, memo: dict | None = None) -> bytes:
    """UTF-8 with a BOM and «;» between fields: Excel with Russian settings opens it as a table as is."""
    _check_format(name, "csv")
    header = list(CSV_COLUMNS[name])  # declared, so that an empty dataset still has its header
    rows = dataset_items(snapshot, name, item_url=item_url, memo=None if memo is None else memo.setdefault("rows", {}))
    # A row met before (the same dict, from the memo) keeps its cells too.
    lines = memoised(rows, None if memo is None or name not in MEMOISED else memo.setdefault("cells", {}),
                      lambda row: [_csv_value(row[key]) for key in header])
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows([header, *lines])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
