"""The media library in the admin: uploads of each type, files that lie or are too big, alt texts, deletion
refused while a file is used, attaching and detaching, and curators kept to their organisations."""
from __future__ import annotations

import io
from pathlib import Path

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

import sample_files
from portal.extensions import db
from portal.models import MediaFile, MediaKind, MediaUse


def upload(client, data: bytes, filename: str, **fields):
    form = {"file": FileStorage(io.BytesIO(data), filename=filename), "title": "", "organisation_id": "", "alt_text": "",
            "document_kind": "", "number": "", "document_date": "", "status": "draft", **fields}
    boundary, body = encode_multipart(form)  # in memory: the test client would spool a big file to disk unclosed
    return client.post("/admin/media/new", data=body, content_type=f"multipart/form-data; boundary={boundary}")


def files(app) -> list[str]:
    folder = Path(app.config["UPLOAD_DIR"])
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


@pytest.mark.parametrize("filename, make, kind", [
    ("фото.jpg", lambda: sample_files.image("JPEG"), MediaKind.IMAGE),
    ("схема.png", lambda: sample_files.image("PNG"), MediaKind.IMAGE),
    ("плакат.webp", lambda: sample_files.image("WEBP"), MediaKind.IMAGE),
    ("приказ.pdf", sample_files.pdf, MediaKind.DOCUMENT),
    ("положение.docx", sample_files.docx, MediaKind.DOCUMENT),
    ("реестр.xlsx", sample_files.xlsx, MediaKind.DOCUMENT),
    ("план.odt", sample_files.odt, MediaKind.DOCUMENT),
])
def test_each_type_is_uploaded_under_a_generated_name(app, world, editor_client, filename, make, kind):
    response = upload(editor_client, make(), filename, alt_text="Наставник и ученик за шахматной доской")
    assert response.status_code == 302, response.get_data(as_text=True)
    media = db.session.scalar(sa.select(MediaFile))
    assert media.kind == kind and media.original_name == filename and media.title == filename.rsplit(".", 1)[0]
    assert media.stored_name in files(app) and filename not in files(app)
    assert all(name in files(app) for name in media.stored_names)
    with editor_client.get(f"/admin/media/{media.id}/file") as got:
        assert got.status_code == 200 and got.mimetype == media.content_type and got.data == (
            Path(app.config["UPLOAD_DIR"], media.stored_name).read_bytes())


@pytest.mark.parametrize("filename, data, message", [
    ("приказ.pdf", sample_files.image("PNG"), "Имя файла «.pdf» не совпадает с содержимым: это PNG"),
    ("фото.jpg", b"MZ\x90\x00 a program", "Такие файлы не принимаются"),
    ("../../etc/passwd.png", b"root:x:0:0", "Такие файлы не принимаются"),
    ("скан.pdf", sample_files.pdf(padding=2 * 1024 * 1024), "Файл занимает 2 МБ, а можно не больше 1 МБ"),
])
def test_a_lying_foreign_or_oversized_file_is_refused_and_nothing_is_stored(app, world, editor_client, filename,
                                                                             data, message):
    app.config["UPLOAD_MAX_MB"] = 1
    response = upload(editor_client, data, filename, title="Мой файл", number="82/А")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and message in html
    assert 'value="Мой файл"' in html and 'value="82/А"' in html  # what was typed stays
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MediaFile)) == 0 and files(app) == []


def test_an_image_needs_its_alt_text(world, editor_client):
    html = upload(editor_client, sample_files.image("PNG"), "фото.png").get_data(as_text=True)
    assert "Опишите изображение" in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MediaFile)) == 0


def test_a_used_file_is_not_deleted_and_the_page_lists_where_it_is_used(app, world, editor_client):
    upload(editor_client, sample_files.pdf(), "приказ.pdf", title="О наставничестве")
    media = db.session.scalar(sa.select(MediaFile))
    case = world.rows[("cases", "a")]
    response = editor_client.post(f"/admin/cases/{case.id}/media", data={"media-media_id": media.id,
                                                                          "media-role": "attachment"})
    assert response.status_code == 302
    assert "О наставничестве" in editor_client.get(f"/admin/cases/{case.id}/edit").get_data(as_text=True)
    edit_page = editor_client.get(f"/admin/media/{media.id}/edit").get_data(as_text=True)
    assert "Кейс «Кейс A»" in edit_page

    refused = editor_client.post(f"/admin/media/{media.id}/delete").get_data(as_text=True)
    assert "Вложение: Кейс «Кейс A»" in refused and db.session.get(MediaFile, media.id) is not None

    use = db.session.scalar(sa.select(MediaUse))
    assert editor_client.post(f"/admin/media/uses/{use.id}/detach").status_code == 302
    names = media.stored_names
    assert editor_client.post(f"/admin/media/{media.id}/delete").status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MediaFile)) == 0
    assert not set(names) & set(files(app))  # the files went with the row


def test_a_cover_must_be_an_image_and_a_new_cover_replaces_the_old(world, editor_client):
    upload(editor_client, sample_files.pdf(), "приказ.pdf")
    case = world.rows[("cases", "a")]
    document = db.session.scalar(sa.select(MediaFile))
    editor_client.post(f"/admin/cases/{case.id}/media", data={"media-media_id": document.id, "media-role": "cover"})
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MediaUse)) == 0
    for name in ("первая.png", "вторая.png"):
        response = editor_client.post(f"/admin/cases/{case.id}/media", content_type="multipart/form-data", data={
            "media-file": (io.BytesIO(sample_files.image("PNG")), name), "media-alt_text": "Фото", "media-role": "cover"})
        assert response.status_code == 302
    uses = db.session.scalars(sa.select(MediaUse)).all()
    assert [(u.media.original_name, u.role.value) for u in uses] == [("вторая.png", "cover")]


def test_deleting_a_case_forgets_its_files_uses(world, editor_client):
    upload(editor_client, sample_files.pdf(), "приказ.pdf")
    media = db.session.scalar(sa.select(MediaFile))
    case = world.rows[("cases", "a")]
    editor_client.post(f"/admin/cases/{case.id}/media", data={"media-media_id": media.id, "media-role": "attachment"})
    assert editor_client.post(f"/admin/cases/{case.id}/delete").status_code == 302
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MediaUse)) == 0


def test_curators_use_only_their_organisations_files_in_their_rows(world, login_as):
    editor = login_as("editor")
    upload(editor, sample_files.pdf(), "приказ-b.pdf", organisation_id=world.org_b.id)
    file_b = db.session.scalar(sa.select(MediaFile))
    curator_a = login_as("curator_a")
    case_a, case_b = world.rows[("cases", "a")], world.rows[("cases", "b")]
    assert curator_a.get(f"/admin/media/{file_b.id}/edit").status_code == 404
    with curator_a.get(f"/admin/media/{file_b.id}/file") as response:
        assert response.status_code == 404
    assert "приказ-b" not in curator_a.get("/admin/media/").get_data(as_text=True)
    assert curator_a.post(f"/admin/cases/{case_a.id}/media",
                          data={"media-media_id": file_b.id, "media-role": "attachment"}).status_code in (302, 404)
    assert curator_a.post(f"/admin/cases/{case_b.id}/media", data={"media-role": "attachment"}).status_code == 404
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MediaUse)) == 0
