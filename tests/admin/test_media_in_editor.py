"""The library inside the editor: a picture put into a text reaches the site with the page (and keeps the file
from deletion), the picker lists only the user's pictures, and a new case or news item chooses its cover at once."""
from __future__ import annotations

import io
from pathlib import Path

import sqlalchemy as sa
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

import sample_files
from portal.extensions import db
from portal.media import library
from portal.models import Case, MediaFile, MediaRole, MediaUse, NewsItem, Status
from portal.publish import publishing


def _picture(org_id, title="Фото с фестиваля"):
    media = library.store("фото.jpg", sample_files.image("JPEG", size=(800, 600)), title=title,
                          alt_text="Наставник и ученица у стенда", organisation_id=org_id)
    db.session.commit()
    return media


def test_a_picture_in_a_text_is_published_with_the_page_and_linked_relatively(app, world, editor_client):
    media = _picture(world.org_a.id)
    case = world.rows[("cases", "a")]
    case.body_md = f"Как это было:\n\n![Наставник и ученица у стенда](/media/{media.stored_name})\n"
    case.status = Status.PUBLISHED
    db.session.commit()
    report = publishing.run_build(app)
    assert report.ok, report.details
    site = Path(app.config["BUILD_DIR"])
    assert (site / "media" / media.stored_name).read_bytes() == Path(app.config["UPLOAD_DIR"], media.stored_name).read_bytes()
    page = (site / f"cases/{case.slug}/index.html").read_text(encoding="utf-8")
    assert f'src="../../media/{media.stored_name}"' in page and 'alt="Наставник и ученица у стенда"' in page
    assert "В тексте: Кейс «Кейс A»" in library.blockers(media)
    refused = editor_client.post(f"/admin/media/{media.id}/delete").get_data(as_text=True)
    assert "В тексте: Кейс" in refused
    assert db.session.get(MediaFile, media.id) is not None


def test_a_picture_in_a_draft_does_not_reach_the_site(app, world):
    media = _picture(world.org_b.id)
    case = world.rows[("cases", "b")]
    case.body_md = f"![x](/media/{media.stored_name})"
    db.session.commit()
    assert publishing.run_build(app).ok
    assert not (Path(app.config["BUILD_DIR"]) / "media" / media.stored_name).exists()


def test_the_picker_offers_the_users_and_municipal_pictures_only(world, login_as):
    _picture(world.org_a.id, "Фото школы A")
    _picture(world.org_b.id, "Фото школы B")
    _picture(None, "Герб района")
    library.store("приказ.pdf", sample_files.pdf(), title="Приказ", organisation_id=world.org_a.id)
    db.session.commit()
    curator = login_as("curator_a")
    titles = [p["title"] for p in curator.get("/admin/media/pictures").get_json()]
    assert sorted(titles) == ["Герб района", "Фото школы A"]
    found = curator.get("/admin/media/pictures?q=ГЕРБ").get_json()
    assert [p["title"] for p in found] == ["Герб района"] and found[0]["src"].startswith("/media/")
    assert found[0]["alt"] == "Наставник и ученица у стенда"


def _new_case(client, world, **fields):
    form = {"organisation_id": str(world.org_a.id), "title": "Кейс с обложкой", "slug": "", "mentoring_form": "pupil_pupil",
            "tags_text": "", "summary": "", "body_md": "", "results_md": "", "status": "draft", "publish_at": "",
            "cover_alt": "", **fields}
    boundary, body = encode_multipart(form)
    return client.post("/admin/cases/new", data=body, content_type=f"multipart/form-data; boundary={boundary}")


def test_a_new_case_gets_its_cover_on_the_create_form(app, world, curator_client):
    assert "Обложка из медиатеки" in curator_client.get("/admin/cases/new").get_data(as_text=True)
    photo = FileStorage(io.BytesIO(sample_files.image("PNG")), filename="обложка.png")
    response = _new_case(curator_client, world, cover_file=photo, cover_alt="Дети с наставником")
    assert response.status_code == 302, response.get_data(as_text=True)
    case = db.session.scalar(sa.select(Case).where(Case.title == "Кейс с обложкой"))
    use = db.session.scalar(sa.select(MediaUse).where(MediaUse.owner_kind == "case", MediaUse.owner_id == case.id))
    assert use.role == MediaRole.COVER and use.media.alt_text == "Дети с наставником"
    assert use.media.organisation_id == world.org_a.id
    assert "Обложка из медиатеки" not in curator_client.get(f"/admin/cases/{case.id}/edit").get_data(as_text=True)


def test_a_cover_without_a_description_or_not_an_image_saves_nothing(app, world, curator_client):
    for fields, message in (({"cover_file": FileStorage(io.BytesIO(sample_files.image("PNG")), filename="a.png")},
                             "Опишите изображение"),
                            ({"cover_file": FileStorage(io.BytesIO(sample_files.pdf()), filename="a.pdf"),
                              "cover_alt": "Приказ"}, "Обложка — это изображение")):
        page = _new_case(curator_client, world, **fields)
        assert page.status_code == 200 and message in page.get_data(as_text=True)
    assert db.session.scalar(sa.select(Case).where(Case.title == "Кейс с обложкой")) is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MediaFile)) == 0
    assert not list(Path(app.config["UPLOAD_DIR"]).glob("*"))  # nothing stored either


def test_a_new_news_item_takes_a_cover_from_the_library(world, editor_client):
    media = _picture(None, "Герб района")
    form = {"organisation_id": "", "title": "Новость с обложкой", "slug": "", "published_on": "2026-12-01",
            "summary": "", "body_md": "", "status": "draft", "publish_at": "", "cover_media_id": str(media.id),
            "cover_alt": ""}
    response = editor_client.post("/admin/news/new", data=form)
    assert response.status_code == 302, response.get_data(as_text=True)
    item = db.session.scalar(sa.select(NewsItem).where(NewsItem.title == "Новость с обложкой"))
    assert [(u.media_id, u.role) for u in library.uses_of(item)] == [(media.id, MediaRole.COVER)]
