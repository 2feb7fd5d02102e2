"""Helpers shared by the tests (imported by name: pytest puts tests/ on sys.path)."""
from __future__ import annotations

from pathlib import Path

PASSWORD = "correct-horse-battery"

# Every file a test reads lives in tests/data/: a clone needs nothing beside it. The real roadmaps users bring
# were copied from the team's samples folder (shared/samples/roadmaps/ of the team repo, the source of new ones).
DATA = Path(__file__).resolve().parent / "data"
SAMPLES = DATA / "roadmaps"


def redis_url() -> str | None:
    """The Redis server the tests may use (TEST_REDIS_URL, or 127.0.0.1:6379 database 15), None if none answers."""
    import os
    import socket
    from urllib.parse import urlparse

    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    parsed = urlparse(url)
    try:
        socket.create_connection((parsed.hostname, parsed.port or 6379), timeout=0.5).close()
    except OSError:
        return None
    return url


def sample_path(prefix: str) -> Path:
    found = sorted(SAMPLES.glob(f"{prefix}_*.txt"))
    assert found, f"no sample {prefix}_*.txt in {SAMPLES}: copy it from the shared samples into tests/data/roadmaps/"
    return found[0]

# The endpoint's URL argument → the kind of row it names.
ARGUMENT_ROWS = {"roadmap_id": "roadmaps", "stage_id": "stages", "questionnaire_id": "questionnaires",
                 "pairing_id": "pairings"}
# URL arguments that name no row: one value of theirs is enough for the matrix.
FIXED_ARGUMENTS = {"fmt": "csv"}
# Endpoints whose `id` names a row of another kind than their name says.
ID_ROWS = {"media_detach": "media_uses", "consent_new": "persons", "consent_withdraw": "consents",
           # monitoring (issue #10)
           "questionnaire_close": "questionnaires", "questionnaire_results": "questionnaires",
           "answers_import": "questionnaires", "answers_export": "questionnaires", "award_new": "persons", "award_delete": "awards",
           "question_edit": "questions", "question_delete": "questions", "question_move": "questions",
           "meeting_edit": "meetings", "meeting_delete": "meetings",
           "goal_edit": "goals", "goal_delete": "goals", "goal_done": "goals",
           # documents (issue #24)
           "document_template_download": "document_templates", "document_template_preview": "document_templates",
           "document_template_delete": "document_templates",
           # the trash (issue #20)
           "trash_restore": "trash_items",
           # applications and matching (issue #25)
           "person_matches": "persons", "person_pair": "persons", "program_matches": "programs"}
# Rows the world fixture does not make, added on first use: questionnaires, journals, awards.
MONITORING_ROWS = {"questionnaires", "questions", "meetings", "goals", "awards"}
PART_ENDPOINTS = {"stage_edit": "stages", "stage_delete": "stages", "stage_move": "stages",
                  "activity_edit": "activities", "activity_delete": "activities", "activity_move": "activities"}


def admin_rules(app):
    return sorted(
        (rule for rule in app.url_map.iter_rules()
         if rule.endpoint.startswith("admin.") and rule.endpoint != "admin.static"),
        key=lambda rule: rule.endpoint,
    )


def area_of(endpoint: str) -> str:
    name = endpoint.removeprefix("admin.")
    if name in PART_ENDPOINTS or name in ("stage_new", "activity_new"):
        return "roadmaps"
    return name.rsplit("_", 1)[0]


def url_for_rule(rule, world, owner: str) -> str:
    """A concrete URL for the rule naming rows of organisation `owner` ("b" unless said otherwise)."""
    name = rule.endpoint.removeprefix("admin.")
    values = {}
    if "kind" in rule.arguments:  # preview, review, history: shown on a case of the organisation
        case = world.rows[("cases", owner)]
        values = {"kind": "cases", "id": case.id}
        if "revision_id" in rule.arguments:
            values["revision_id"] = _first_revision(case)
        return rule.build(values, append_unknown=False)[1]
    for argument in rule.arguments:
        if argument in FIXED_ARGUMENTS:
            values[argument] = FIXED_ARGUMENTS[argument]
            continue
        if argument == "id":
            kind = PART_ENDPOINTS.get(name) or ID_ROWS.get(name) or name.rsplit("_", 1)[0]
        elif argument in ARGUMENT_ROWS:
            kind = ARGUMENT_ROWS[argument]
        else:
            raise AssertionError(f"The matrix does not know the argument {argument!r} of {rule.endpoint}: add it")
        values[argument] = row_of(world, kind, owner).id
    return rule.build(values, append_unknown=False)[1]


def row_of(world, kind: str, owner: str):
    if (kind, owner) not in world.rows and kind in MONITORING_ROWS:
        _add_monitoring_rows(world, owner)
    if (kind, owner) not in world.rows and kind in ("media", "media_uses"):
        _add_media_rows(world, owner)
    if (kind, owner) not in world.rows and kind == "document_templates":
        _add_document_template(world, owner)
    if (kind, owner) not in world.rows and kind == "trash_items":
        _add_trash_item(world, owner)
    if (kind, owner) not in world.rows and kind == "applications":
        _add_application(world, owner)
    return world.rows[(kind, owner)]


def _add_trash_item(world, owner: str) -> None:
    """A case of the organisation deleted into the trash (its own, so the world's case stays)."""
    from portal import trash
    from portal.extensions import db
    from portal.models import Case

    org = world.org_a if owner == "a" else world.org_b
    case = Case(organisation=org, title=f"Удалённый кейс {owner.upper()}", mentoring_form=world.rows[("cases", owner)].mentoring_form)
    db.session.add(case)
    db.session.flush()
    world.rows[("trash_items", owner)] = trash.discard(case)
    db.session.commit()
    # The case came and went through the admin search index: wait for its writer thread, so that no index file
    # changes while the matrix's next request is looked at (tests/admin/test_csrf.py compares the files).
    from portal import search

    search.flush()


def _add_application(world, owner: str) -> None:
    """An application «Стать наставником» to the organisation, as the public form stores it."""
    from datetime import datetime

    from portal.extensions import db
    from portal.models import Application, MentoringForm, PersonCategory, Role

    org = world.org_a if owner == "a" else world.org_b
    row = Application(kind=Role.MENTOR, organisation_id=org.id, full_name=f"Заявитель {owner}",
                      category=PersonCategory.TEACHER, email=f"applicant-{owner}@example.org",
                      mentoring_form=MentoringForm.TEACHER_TEACHER, tags="математика", consent_version="2026-12",
                      consent_at=datetime(2026, 12, 1, 10))
    db.session.add(row)
    db.session.commit()
    world.rows[("applications", owner)] = row


def _add_document_template(world, owner: str) -> None:
    """The organisation's own template of the consent form (its default, uploaded as is)."""
    from portal.documents.defaults import default_template
    from portal.extensions import db
    from portal.models import DocumentTemplate

    org = world.org_a if owner == "a" else world.org_b
    row = DocumentTemplate(kind="consent", organisation_id=org.id, content=default_template("consent"),
                           filename="согласие.docx")
    db.session.add(row)
    db.session.commit()
    world.rows[("document_templates", owner)] = row


def _add_media_rows(world, owner: str) -> None:
    """A stored document of the organisation, attached to its case (made only when a test needs them)."""
    from portal.extensions import db
    from portal.media import library
    from portal.models import MediaRole
    from sample_files import pdf

    org = world.org_a if owner == "a" else world.org_b
    media = library.store("приказ.pdf", pdf(), title=f"Приказ {owner.upper()}", organisation_id=org.id)
    db.session.flush()
    use = library.attach(world.rows[("cases", owner)], media, MediaRole.ATTACHMENT)
    db.session.commit()
    world.rows.update({("media", owner): media, ("media_uses", owner): use})


def _add_monitoring_rows(world, owner: str) -> None:
    from datetime import date

    from portal.extensions import db
    from portal.models import Meeting, MentorAward, PlanGoal, Question, Questionnaire

    tag = owner.upper()
    org = world.org_a if owner == "a" else world.org_b
    pairing, mentor = world.rows[("pairings", owner)], world.rows[("persons", owner)]
    questionnaire = Questionnaire(organisation=org, title=f"Анкета {tag}")
    rows = {
        "questionnaires": questionnaire,
        "questions": Question(questionnaire=questionnaire, text=f"Вопрос {tag}", kind="scale5"),
        "meetings": Meeting(pairing=pairing, held_on=date(2025, 10, 1), notes=f"Встреча {tag}"),
        "goals": PlanGoal(pairing=pairing, title=f"Цель {tag}", deadline=date(2025, 12, 1)),
        "awards": MentorAward(person=mentor, year=2025),
    }
    db.session.add_all(rows.values())
    db.session.commit()
    world.rows.update({(kind, owner): row for kind, row in rows.items()})


def _first_revision(row) -> int:
    import sqlalchemy as sa

    from portal.extensions import db
    from portal.models import Revision

    return db.session.scalar(sa.select(sa.func.min(Revision.id)).where(
        Revision.object_kind == row.__tablename__, Revision.object_id == row.id))


def write_search_page(site) -> None:
    """A search page like the portal's in a built folder: its search.js merges the bundles listed there."""
    import shutil

    from portal.config import PACKAGE_DIR

    (site / "static").mkdir()
    shutil.copy(PACKAGE_DIR / "static" / "site" / "search.js", site / "static" / "search.js")
    (site / "search").mkdir()
    (site / "search" / "index.html").write_text(
        '<!doctype html><html lang="ru"><head><meta charset="utf-8"><title>Поиск</title>'
        '<link rel="stylesheet" href="../pagefind/pagefind-ui.css"></head><body><main>'
        '<div id="search" data-bundle="../pagefind/"></div>'
        '<script src="../pagefind/pagefind-ui.js"></script><script src="../static/search.js"></script>'
        "</main></body></html>", encoding="utf-8")


def found_on_search_page(page, query: str, count: int) -> list[str]:
    """Type `query` on a search page written by write_search_page; the paths of the `count` results it shows."""
    page.locator("#search .pagefind-ui__search-input").fill(query)
    page.locator("#search .pagefind-ui__message").filter(
        has_text=f"Найдено: {count} — по запросу «{query}»").wait_for()
    links = page.locator("#search .pagefind-ui__result-link")
    # The UI shows the count before it has each result's fragment: wait for the links themselves.
    links.nth(count - 1).wait_for()
    return sorted(links.evaluate_all("(links) => links.map((a) => new URL(a.href).pathname)"))
