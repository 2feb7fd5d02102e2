"""Issue 18, finding 7: NUL, other control characters and bidi overrides are stripped from every text input —
form fields, uploaded file names, imported cells and roadmap tables. A backup with them could not be restored into
PostgreSQL, and «отчёт‮fdp.exe» shows as «отчётexe.pdf»."""
from __future__ import annotations

import io

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

import sample_files
from portal.extensions import db
from portal.models import Case, MediaFile
from portal.registries.io_values import text_of
from portal.roadmaps.tables import clean
from portal.text import strip_control_characters

HOSTILE = "Отчёт\u202efdp\u202c\u2066.\u2069exe\x00\x1b\x85\u202a\u202b\u202d\u2067\u2068"


def test_the_one_filter_strips_controls_and_bidi_but_keeps_text_and_line_breaks():
    assert strip_control_characters(HOSTILE) == "Отчётfdp.exe"
    assert strip_control_characters("строка\tс табуляцией\r\nи \u200fметкой") == "строка\tс табуляцией\r\nи \u200fметкой"


def test_a_form_field_keeps_no_bidi_override(world, editor_client):
    case = world.rows[("cases", "a")]
    form = {"organisation_id": world.org_a.id, "title": HOSTILE, "slug": case.slug, "mentoring_form": "pupil_pupil",
            "status": case.status.value, "body_md": case.body_md, "version": case.version}
    assert editor_client.post(f"/admin/cases/{case.id}/edit", data=form).status_code == 302
    db.session.expire_all()
    assert db.session.get(Case, case.id).title == "Отчётfdp.exe"


def test_an_uploaded_file_name_keeps_no_control_or_bidi_character(world, editor_client):
    form = {"file": FileStorage(io.BytesIO(sample_files.pdf()), filename="приказ\u202e\x01.pdf"), "title": "Приказ",
            "organisation_id": "", "alt_text": "", "document_kind": "", "number": "", "document_date": "",
            "status": "draft"}
    boundary, body = encode_multipart(form)
    response = editor_client.post("/admin/media/new", data=body, content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 302
    names = db.session.scalars(sa.select(MediaFile.original_name)).all()
    assert "приказ.pdf" in names and not [n for n in names if "\u202e" in n or "\x01" in n]


@pytest.mark.parametrize("read", [text_of, clean])
def test_imported_cells_and_roadmap_tables_keep_no_bidi_override(read):
    assert read(HOSTILE) == "Отчётfdp.exe"


def test_a_browser_s_line_ends_are_kept_as_the_database_keeps_them_and_an_unchanged_text_stays_unchanged(
        world, editor_client, monkeypatch):
    """A browser posts a textarea's lines ending in CRLF; the database keeps LF (imports, the command line). The
    same text saved again is no change: its Markdown is not rendered again (issue #22: a save costs less)."""
    from portal import text
    from portal.models import save_rules

    case = world.rows[("cases", "a")]
    form = {"organisation_id": world.org_a.id, "title": case.title, "slug": case.slug, "mentoring_form": "pupil_pupil",
            "status": case.status.value, "body_md": "Первый абзац.\r\n\r\n- пункт\r\n- пункт\r", "version": case.version}
    assert editor_client.post(f"/admin/cases/{case.id}/edit", data=form).status_code == 302
    db.session.expire_all()
    saved = db.session.get(Case, case.id)
    assert saved.body_md == "Первый абзац.\n\n- пункт\n- пункт\n" and "<li>пункт</li>" in saved.body_html

    rendered, render = [], text.render_markdown
    monkeypatch.setattr(save_rules.text, "render_markdown", lambda md: rendered.append(md) or render(md))
    form.update(title="Новое название", version=saved.version)
    assert editor_client.post(f"/admin/cases/{case.id}/edit", data=form).status_code == 302
    db.session.expire_all()
    assert db.session.get(Case, case.id).title == "Новое название" and rendered == []
