"""Consent rules, and the whole road to the site: nothing about a person is published without consent."""
from __future__ import annotations

import gzip
from datetime import date, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from portal.extensions import db
from portal.models import Consent, ConsentKind, Organisation, Person, PublicField, Status
from portal.publish import publishing
from portal.registries.consent import has_processing_consent, may_publish, public_person, published_fields

NOW = datetime(2026, 11, 22, 12, 0)
ALL = ",".join(f.value for f in PublicField)


def person(minor=False, consents=()) -> Person:
    p = Person(full_name="Иванова Анна Петровна", is_minor=minor, position="учитель", competencies="робототехника",
               achievements="победитель конкурса", email="anna@example.org", phone="+7 900 000-00-00")
    p.consents = [Consent(**c) for c in consents]
    p.organisation = Organisation(name="Школа", short_name="Школа", kind="school", slug="shkola")
    p.created_at = NOW
    p.id = 1
    return p


PROCESSING = {"kind": ConsentKind.PROCESSING, "signed_on": date(2026, 9, 1)}


def publication(fields=ALL, **more):
    return {"kind": ConsentKind.PUBLICATION, "signed_on": date(2026, 9, 1), "allowed_fields": fields, **more}


@pytest.mark.parametrize("case,consents,minor,expected", [
    ("no consent at all", [], False, set()),
    ("processing only", [PROCESSING], False, set()),
    ("publication without processing", [publication()], False, set()),
    ("both, everything allowed", [PROCESSING, publication()], False, set(PublicField)),
    ("both, name and organisation", [PROCESSING, publication("full_name,organisation")], False,
     {PublicField.FULL_NAME, PublicField.ORGANISATION}),
    ("minor with every consent", [PROCESSING, publication()], True, set()),
    ("publication withdrawn before now", [PROCESSING, publication(withdrawn_at=datetime(2026, 11, 1))], False,
     set()),
    ("withdrawn in the future still counts", [PROCESSING, publication(withdrawn_at=datetime(2027, 1, 1))], False,
     set(PublicField)),
    ("processing withdrawn", [{**PROCESSING, "withdrawn_at": datetime(2026, 10, 1)}, publication()], False, set()),
    ("signed after today", [PROCESSING, publication(signed_on=date(2026, 12, 1))], False, set()),
    ("unknown field names are ignored", [PROCESSING, publication("full_name,phone,email")], False,
     {PublicField.FULL_NAME}),
])
def test_consent_rules(case, consents, minor, expected):
    p = person(minor, consents)
    assert published_fields(p, NOW) == expected, case
    assert may_publish(p, "full_name", NOW) == (PublicField.FULL_NAME in expected)


def test_processing_consent_is_needed_to_keep_data():
    assert not has_processing_consent(person(), NOW)
    assert has_processing_consent(person(consents=[PROCESSING]), NOW)


def test_public_person_carries_only_consented_fields_and_never_contacts():
    shown = public_person(person(consents=[PROCESSING, publication("full_name,competencies")]), NOW)
    assert shown.full_name == "Иванова Анна Петровна" and shown.competencies == "робототехника"
    assert shown.position is None and shown.organisation is None and shown.achievements is None
    assert not hasattr(shown, "email") and not hasattr(shown, "phone")
    assert "1" not in shown.key[:1]  # no database id in the anchor
    assert public_person(person(consents=[PROCESSING, publication("position")]), NOW) is None


def scan(build: Path) -> str:
    """Every file of the build as text, the compressed search index included."""
    texts = []
    for path in build.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            if data[:2] == b"\x1f\x8b":
                data = gzip.decompress(data)
            texts.append(data.decode("utf-8", errors="ignore"))
    return "\n".join(texts)


def test_the_built_site_names_only_consented_adult_mentors(app, world):
    org = world.org_a
    people = {
        "consented": ("Согласная Ольга Ивановна", False, [PROCESSING, publication("full_name,competencies")]),
        "not consented": ("Несогласный Пётр Петрович", False, [PROCESSING]),
        "withdrawn": ("Отозвавшая Мария Сергеевна", False,
                      [PROCESSING, publication(withdrawn_at=datetime(2026, 1, 1))]),
        "minor": ("Юный Иван", True, [PROCESSING, publication()]),
    }
    for name, minor, consents in people.values():
        p = Person(organisation=org, full_name=name, category="teacher", is_minor=minor,
                   email=f"{name.split()[0].lower()}@example.org", phone="+7 999 123-45-67",
                   competencies="шахматы", position="учитель информатики")
        p.roles = ["mentor"]
        p.consents = [Consent(**c) for c in consents]
        db.session.add(p)
    world.rows[("cases", "a")].status = Status.PUBLISHED
    db.session.commit()
    report = publishing.run_build(app)
    assert report.ok, report.details
    everything = scan(Path(app.config["BUILD_DIR"]))
    assert "Согласная Ольга Ивановна" in everything  # on the mentors page and in the search index
    assert "шахматы" in everything
    for name in ("Несогласный", "Отозвавшая", "Юный Иван", "Наставник A", "Наставляемый A"):
        assert name not in everything, name
    for contact in ("@example.org", "+7 999", "учитель информатики"):
        assert contact not in everything, contact


def test_imported_registry_reaches_the_site_only_as_consent_allows(app, world, admin_client):
    """Import a registry, withdraw one consent in the admin, build, and scan every file of the build."""
    from portal.registries import io as registry_io

    table = (
        "ФИО;Роль;Категория;Организация;Должность;Телефон;Email;Несовершеннолетний;"
        "Согласие на обработку;Согласие на распространение\n"
        "Публичная Вера Андреевна;наставник;педагог;Школа A;учитель химии;+7 911 111-11-11;vera@example.org;нет;"
        "01.09.2026;ФИО, должность\n"
        "Закрытый Глеб Олегович;наставник;педагог;Школа A;учитель музыки;+7 922 222-22-22;gleb@example.org;нет;"
        "01.09.2026;\n"
        "Передумавшая Нина Львовна;наставник;педагог;Школа A;учитель рисования;+7 933 333-33-33;nina@example.org;"
        "нет;01.09.2026;ФИО, должность\n"
        "Школьник Артём;наставник;обучающийся;Школа A;10 класс;+7 944 444-44-44;artem@example.org;да;"
        "01.09.2026;ФИО\n"
    ).encode("cp1251")
    plan = registry_io.read_registry(table, "реестр.csv")
    assert plan.errors == []
    registry_io.save_registry(plan)
    nina = db.session.scalar(sa.select(Person).where(Person.full_name == "Передумавшая Нина Львовна"))
    publication_consent = next(c for c in nina.consents if c.kind == ConsentKind.PUBLICATION)
    assert admin_client.post(f"/admin/consents/{publication_consent.id}/withdraw").status_code == 302

    report = publishing.run_build(app)
    assert report.ok, report.details
    everything = scan(Path(app.config["BUILD_DIR"]))
    assert "Публичная Вера Андреевна" in everything and "учитель химии" in everything
    for secret in ("Закрытый", "Передумавшая", "Школьник Артём", "учитель музыки", "учитель рисования",
                   "@example.org", "+7 9"):
        assert secret not in everything, secret
