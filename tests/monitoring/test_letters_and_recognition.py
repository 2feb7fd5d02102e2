"""The year's best mentors (only with a consent to publish the name) and letters of thanks as .docx."""
from __future__ import annotations

import pytest

import io
import zipfile
from datetime import date, datetime

import sqlalchemy as sa
from docx import Document

from portal.extensions import db
from portal.models import Consent, ConsentKind, MentorAward
from portal.monitoring import letters
from portal.monitoring.public import best_mentors

# The database matters here: run on PostgreSQL too (conftest's docstring).
pytestmark = pytest.mark.both_databases

NOW = datetime(2026, 6, 1, 12, 0)


def allow_publication(person, fields="full_name,organisation,position"):
    person.consents.append(Consent(kind=ConsentKind.PUBLICATION, signed_on=date(2025, 9, 1), allowed_fields=fields))
    db.session.commit()


def text_of(data: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def test_a_mentor_without_a_publication_consent_is_refused(world, curator_client):
    mentor = world.rows[("persons", "a")]
    response = curator_client.post(f"/admin/persons/{mentor.id}/award", data={"year": "2026"}, follow_redirects=True)
    assert "нет действующего согласия на распространение" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MentorAward)) == 0

    allow_publication(mentor)
    response = curator_client.post(f"/admin/persons/{mentor.id}/award", data={"year": "2026"}, follow_redirects=True)
    assert "Лучший наставник года" in response.get_data(as_text=True)
    again = curator_client.post(f"/admin/persons/{mentor.id}/award", data={"year": "2026"}, follow_redirects=True)
    assert "уже отмечен" in again.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MentorAward)) == 1
    other = world.rows[("persons", "b")]
    assert curator_client.post(f"/admin/persons/{other.id}/award", data={"year": "2026"}).status_code == 404


def test_the_site_gets_the_best_mentors_with_consented_fields_only(app, world):
    mentor = world.rows[("persons", "a")]
    mentor.position, mentor.email = "учитель физики", "secret@example.org"
    allow_publication(mentor, "full_name,organisation")
    db.session.add(MentorAward(person=mentor, year=2026))
    minor = world.rows[("pairings", "b")].mentees[0]  # a pupil awarded by mistake in the database
    minor.roles = ["mentee", "mentor"]
    allow_publication(minor)
    db.session.add(MentorAward(person=minor, year=2026))
    db.session.commit()

    found = best_mentors(db.session, 2026, NOW)
    assert [(m.person.full_name, m.person.organisation, m.person.position) for m in found] == [
        ("Наставник A", "Школа A", None)]
    assert "secret@example.org" not in repr(found)
    assert best_mentors(db.session, 2025, NOW) == []
    mentor.consents[-1].withdrawn_at = datetime(2026, 5, 1)
    db.session.commit()
    assert best_mentors(db.session, 2026, NOW) == []


def test_a_letter_opens_in_word_with_the_placeholders_filled(app, world):
    data = letters.LetterData("Соколова Марина Петровна", "МБОУ «СОШ № 1»", ("Молодой педагог",), 2026,
                              "Начальник управления образования И. С. Ковалёва")
    document = Document(io.BytesIO(letters.letter_docx(data)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "БЛАГОДАРСТВЕННОЕ ПИСЬМО" in text and "Уважаемый(ая) Соколова Марина Петровна!" in text
    assert "в программе «Молодой педагог» в 2026 году" in text and "в МБОУ «СОШ № 1»" in text
    assert "Начальник управления образования И. С. Ковалёва" in text and "{" not in text
    assert document.styles["Normal"].font.name == "Times New Roman"
    assert letters.unknown_placeholders("{ФИО} и {Отчество}") == ["{Отчество}"]


def test_an_uploaded_template_keeps_its_layout_and_gets_the_values(app, world):
    template = Document()
    template.add_paragraph("Бланк управления образования")
    paragraph = template.add_paragraph("Награждается ")
    paragraph.add_run("{Ф").bold = True  # Word splits a placeholder over runs after editing
    paragraph.add_run("ИО}, {Организация}, {Год}")
    buffer = io.BytesIO()
    template.save(buffer)
    data = letters.LetterData("Иванов Иван", "Школа A", (), 2026, "Ковалёва")
    assert letters.template_placeholders(buffer.getvalue()) == ["{Год}", "{Организация}", "{ФИО}"]
    filled = text_of(letters.fill_docx(buffer.getvalue(), data))
    assert "Бланк управления образования" in filled and "Награждается Иванов Иван, Школа A, 2026" in filled


def test_letters_from_the_admin_one_docx_or_a_zip(world, curator_client):
    mentor = world.rows[("persons", "a")]
    form = {"person_ids": [mentor.id], "year": "2026", "signatory": "Директор А. А. Петрова",
            "text": letters.DEFAULT_TEXT}
    single = curator_client.post("/admin/recognition/letters", data=form)
    assert single.status_code == 200 and single.mimetype.endswith("wordprocessingml.document")
    assert "Наставник A" in text_of(single.data)

    second = type(mentor)(organisation=world.org_a, full_name="Наставник A2", category="teacher")
    second.roles = ["mentor"]
    db.session.add(second)
    db.session.commit()
    many = curator_client.post("/admin/recognition/letters", data=form | {"person_ids": [mentor.id, second.id]})
    assert many.mimetype == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(many.data)).namelist()
    assert names == ["Благодарственное письмо — Наставник A.docx", "Благодарственное письмо — Наставник A2.docx"]

    # Another school's mentor is not offered, and not accepted.
    foreign = curator_client.post("/admin/recognition/letters", data=form | {"person_ids": [world.rows[("persons", "b")].id]})
    assert foreign.status_code == 200 and "недоступный вариант" in foreign.get_data(as_text=True)
    wrong = curator_client.post("/admin/recognition/letters", data=form | {"text": "Спасибо, {Имя}!"})
    assert "Неизвестные подстановки: {Имя}" in wrong.get_data(as_text=True)
    not_docx = curator_client.post("/admin/recognition/letters", data=form | {
        "template": (io.BytesIO(b"not a docx"), "blank.docx")}, content_type="multipart/form-data")
    assert "документом Word" in not_docx.get_data(as_text=True)
