"""Open data: every public content type as JSON, tables as CSV, and never a person's name."""
from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest

from portal.extensions import db
from portal.models import ActivityStatus, MentoringForm, Status, Tag
from portal.site.open_data import CSV_COLUMNS, DATASETS, dataset_csv, dataset_json
from portal.site.content import load

SITE = "https://nastavniki.example.org/"
PUBLISHABLE = ("roadmaps", "cases", "news", "events")
PERSON_NAMES = ("Наставник A", "Наставляемый A", "Наставник B", "Наставляемый B")


def item_url(kind: str, item) -> str:
    return f"{SITE}{kind}/{item.slug}/"


def publish_a(world) -> None:
    """A's content goes public; B's stays draft."""
    for kind in PUBLISHABLE:
        world.rows[(kind, "a")].status = Status.PUBLISHED
    db.session.commit()


def as_json(snapshot, name: str) -> dict:
    return json.loads(dataset_json(snapshot, name, item_url=item_url))


def as_csv(snapshot, name: str) -> tuple[bytes, list[dict]]:
    data = dataset_csv(snapshot, name, item_url=item_url)
    text = data.decode("utf-8-sig")
    return data, list(csv.DictReader(io.StringIO(text, newline=""), delimiter=";"))


def test_datasets_are_declared_with_russian_titles_and_formats():
    names = [d.name for d in DATASETS]
    assert names == ["organisations", "roadmaps", "activities", "cases", "news", "events", "figures"]
    for found in DATASETS:
        assert found.title and found.description.endswith(".")
        assert any("а" <= ch <= "я" for ch in found.title.lower() + found.description)
        assert found.formats[0] == "json" and set(found.formats) <= {"json", "csv"}
    assert {d.name: d.formats for d in DATASETS}["roadmaps"] == ("json",)
    assert set(CSV_COLUMNS) == {d.name for d in DATASETS if "csv" in d.formats}


def test_every_dataset_in_every_format_names_no_person(world):
    publish_a(world)
    world.rows[("roadmaps", "b")].status = Status.PUBLISHED
    db.session.commit()
    snapshot = load()
    for found in DATASETS:
        for fmt in found.formats:
            make = dataset_json if fmt == "json" else dataset_csv
            text = make(snapshot, found.name, item_url=item_url).decode("utf-8-sig")
            for name in PERSON_NAMES:
                assert name not in text, (found.name, fmt, name)
            assert "A/1" not in text  # the pairing's order number is registry data too


def test_json_documents_have_the_envelope_and_counts(world):
    publish_a(world)
    snapshot = load()
    for found in DATASETS:
        document = as_json(snapshot, found.name)
        assert document["dataset"] == found.name and document["title"] == found.title
        assert document["generated_at"].endswith("Z")
        assert document["count"] == len(document["items"])
    assert [as_json(snapshot, name)["count"] for name in ("organisations", "roadmaps", "activities", "cases",
                                                          "news", "events")] == [2, 1, 1, 1, 1, 1]
    assert as_json(snapshot, "figures")["count"] == len(MentoringForm)


def test_drafts_are_absent(world):
    publish_a(world)
    snapshot = load()
    for name in ("roadmaps", "activities", "cases", "news", "events"):
        raw = dataset_json(snapshot, name, item_url=item_url).decode()
        assert " B" not in raw, name  # every title of B ends in « B»
        assert " A" in raw, name


def test_organisations_with_kind_label_and_url(world):
    world.org_a.municipality, world.org_a.website = "Город N", "https://school-a.example.org"
    world.org_a.email = "school-a@example.org"  # contact data is on the page, not in this dataset
    db.session.commit()
    snapshot = load()
    items = as_json(snapshot, "organisations")["items"]
    first = next(i for i in items if i["short_name"] == "Школа A")
    assert first == {"slug": world.org_a.slug, "name": "Школа A полностью", "short_name": "Школа A",
                     "kind": "school", "kind_label": "Школа", "municipality": "Город N", "address": "",
                     "website": "https://school-a.example.org", "url": f"{SITE}organisations/{world.org_a.slug}/"}
    assert [i["slug"] for i in items] == sorted(i["slug"] for i in items)


def test_roadmaps_are_nested_stages_and_activities(world):
    activity = world.rows[("activities", "a")]
    activity.deadline_start, activity.deadline_end = date(2025, 11, 1), date(2025, 11, 30)
    activity.responsible, activity.expected_result = "Куратор программы", "Приказ"
    activity.status = ActivityStatus.DONE
    world.rows[("stages", "a")].goal = "Создать условия"
    publish_a(world)
    roadmap = world.rows[("roadmaps", "a")]
    [item] = as_json(load(), "roadmaps")["items"]
    assert item["slug"] == roadmap.slug and item["organisation"] == world.org_a.slug
    assert item["url"] == f"{SITE}roadmaps/{roadmap.slug}/"
    [stage] = item["stages"]
    assert (stage["number"], stage["title"], stage["goal"]) == ("1", "Этап A", "Создать условия")
    assert stage["activities"] == [{
        "number": "1.1", "title": "Мероприятие A", "deadline_text": "ноябрь 2025", "deadline_start": "2025-11-01",
        "deadline_end": "2025-11-30", "responsible": "Куратор программы", "expected_result": "Приказ",
        "status": "done", "status_label": "Выполнено"}]


def test_activities_flat_with_the_status_the_site_shows(world):
    world.rows[("activities", "a")].deadline_end = date(2020, 1, 31)  # long past, never done
    publish_a(world)
    snapshot = load()
    [row] = as_json(snapshot, "activities")["items"]
    assert row["roadmap"] == world.rows[("roadmaps", "a")].slug
    assert (row["stage_number"], row["stage_title"], row["number"]) == ("1", "Этап A", "1.1")
    assert (row["status"], row["status_label"]) == ("overdue", "Просрочено")
    _, rows = as_csv(snapshot, "activities")
    assert rows[0]["status_label"] == "Просрочено" and rows[0]["deadline_end"] == "2020-01-31"


def test_cases_news_events_fields(world):
    case = world.rows[("cases", "a")]
    case.tags = [Tag(name="профориентация"), Tag(name="IT")]
    case.summary = "Кратко о кейсе"
    world.rows[("events", "a")].place = "Актовый зал"
    publish_a(world)
    snapshot = load()
    [case_item] = as_json(snapshot, "cases")["items"]
    assert case_item["mentoring_form"] == "pupil_pupil"
    assert case_item["mentoring_form_label"] == "Ученик – ученик"
    assert case_item["tags"] == ["IT", "профориентация"] and case_item["organisation"] == world.org_a.slug
    assert case_item["updated_at"].endswith("Z") and case_item["summary"] == "Кратко о кейсе"
    [news] = as_json(snapshot, "news")["items"]
    assert news["published_on"] == "2025-10-01" and news["organisation"] == world.org_a.slug
    [event] = as_json(snapshot, "events")["items"]
    assert (event["kind"], event["kind_label"]) == ("event", "Мероприятие")
    assert event["starts_at"] == "2026-03-01T10:00:00" and event["ends_at"] is None
    assert event["place"] == "Актовый зал" and event["url"].startswith(f"{SITE}events/")
    _, rows = as_csv(snapshot, "cases")
    assert rows[0]["tags"] == "IT, профориентация"


def test_figures_count_programs_and_active_pairings_per_form_and_organisation(world):
    document = as_json(load(), "figures")
    assert [i["mentoring_form"] for i in document["items"]] == [f.value for f in MentoringForm]
    pupils = next(i for i in document["items"] if i["mentoring_form"] == "pupil_pupil")
    assert pupils == {"mentoring_form": "pupil_pupil", "mentoring_form_label": "Ученик – ученик",
                      "programs": 2, "active_pairings": 2}
    teachers = next(i for i in document["items"] if i["mentoring_form"] == "teacher_teacher")
    assert (teachers["programs"], teachers["active_pairings"]) == (0, 0)
    assert sorted(document["by_organisation"], key=lambda r: r["organisation"]) == document["by_organisation"]
    assert {r["organisation"]: (r["programs"], r["active_pairings"]) for r in document["by_organisation"]} == {
        world.org_a.slug: (1, 1), world.org_b.slug: (1, 1)}
    _, rows = as_csv(load(), "figures")
    assert list(rows[0]) == ["mentoring_form", "mentoring_form_label", "programs", "active_pairings"]
    assert rows[0]["programs"] == "2"


def test_csv_has_bom_semicolons_and_the_json_keys(world):
    publish_a(world)
    snapshot = load()
    for found in DATASETS:
        if "csv" not in found.formats:
            continue
        data, rows = as_csv(snapshot, found.name)
        assert data.startswith(b"\xef\xbb\xbf"), found.name
        header = data.decode("utf-8-sig").splitlines()[0]
        assert header == ";".join(CSV_COLUMNS[found.name])
        items = as_json(snapshot, found.name)["items"]
        assert len(rows) == len(items)
        assert [list(row) for row in rows] == [list(item) for item in items]


def test_csv_of_an_empty_dataset_still_has_its_header(world):
    data, rows = as_csv(load(), "cases")  # everything is draft
    assert rows == [] and data.decode("utf-8-sig").startswith("slug;title;organisation;")


def test_csv_quotes_semicolons_and_line_breaks(world):
    activity = world.rows[("activities", "a")]
    activity.responsible = "Директор; заместитель\nпо УВР"
    publish_a(world)
    _, rows = as_csv(load(), "activities")
    assert rows[0]["responsible"] == "Директор; заместитель\nпо УВР"


def test_json_is_readable_utf8(world):
    data = dataset_json(load(), "organisations", item_url=item_url)
    assert "Школа A".encode() in data and b"\\u" not in data


def test_unknown_dataset_and_missing_format_raise(world):
    snapshot = load()
    with pytest.raises(KeyError):
        dataset_json(snapshot, "persons", item_url=item_url)
    with pytest.raises(KeyError):
        dataset_csv(snapshot, "persons", item_url=item_url)
    with pytest.raises(ValueError):
        dataset_csv(snapshot, "roadmaps", item_url=item_url)
