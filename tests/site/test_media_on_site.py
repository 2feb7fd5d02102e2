"""Files on the published site: only what public content uses, images with srcset and sizes, documents listed
«Приказ № 82/А от 18.01.2023» with their format and size."""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

import sample_files
from portal.extensions import db
from portal.media import library
from portal.models import DocumentKind, MediaRole, Status
from portal.publish import publishing


def build(app) -> Path:
    report = publishing.run_build(app)
    assert report.ok, report.details
    return Path(app.config["BUILD_DIR"])


@pytest.fixture
def case_with_files(world):
    case = world.rows[("cases", "a")]
    case.status = Status.PUBLISHED
    cover = library.store("фото.jpg", sample_files.image("JPEG", size=(1200, 800), gps=True),
                          title="Фото", alt_text="Наставник и ученик за шахматной доской", organisation_id=world.org_a.id)
    handout = library.store("памятка.pdf", sample_files.pdf(), title="Памятка наставнику", organisation_id=world.org_a.id)
    db.session.flush()
    library.attach(case, cover, MediaRole.COVER)
    library.attach(case, handout, MediaRole.ATTACHMENT)
    db.session.commit()
    return case, cover, handout


def test_a_published_case_takes_its_cover_and_attachment_to_the_site(app, case_with_files):
    case, cover, handout = case_with_files
    site = build(app)
    for name in cover.stored_names + [handout.stored_name]:
        assert (site / "media" / name).is_file(), name
    assert (site / "media" / cover.stored_name).read_bytes() == Path(app.config["UPLOAD_DIR"], cover.stored_name).read_bytes()
    assert b"GPS" not in (site / "media" / cover.stored_name).read_bytes()
    page = (site / f"cases/{case.slug}/index.html").read_text(encoding="utf-8")
    img = re.search(r"<figure class=\"cover\">\s*<img[^>]+>", page).group(0)
    assert 'srcset="../../media/' in img and " 480w" in img and " 960w" in img and " 1200w" in img
    assert 'width="1200" height="800"' in img and 'alt="Наставник и ученик за шахматной доской"' in img
    assert 'loading="lazy"' not in img  # the cover is at the top: no lazy loading there
    assert "Памятка наставнику</a>\n  <span class=\"meta\">(PDF, " in page
    catalogue = (site / "cases/index.html").read_text(encoding="utf-8")
    assert re.search(r'<img[^>]+class="card-image"', catalogue) and 'loading="lazy"' in catalogue


def test_files_of_drafts_and_unused_files_never_reach_the_site(app, world, case_with_files):
    case, cover, handout = case_with_files
    unused = library.store("лишнее.pdf", sample_files.pdf(), title="Черновик приказа")
    draft_case = world.rows[("cases", "b")]
    draft_only = library.store("план.docx", sample_files.docx(), title="План", organisation_id=world.org_b.id)
    db.session.flush()
    library.attach(draft_case, draft_only, MediaRole.ATTACHMENT)
    db.session.commit()
    site = build(app)
    written = {p.name for p in (site / "media").iterdir()}
    assert unused.stored_name not in written and draft_only.stored_name not in written
    assert handout.stored_name in written

    case.status = Status.DRAFT  # the case leaves the site, and its files with it
    db.session.commit()
    site = build(app)
    assert not (site / "media").exists() or not {p.name for p in (site / "media").iterdir()} & set(cover.stored_names)


def test_documents_page_lists_published_documents_by_organisation_and_kind(app, world, client):
    order = library.store("приказ.pdf", sample_files.pdf(padding=1_258_000), title="О внедрении целевой модели наставничества",
                          organisation_id=world.org_a.id, document_kind=DocumentKind.ORDER, number="82/А",
                          document_date=date(2023, 1, 18), status=Status.PUBLISHED)
    library.store("положение.docx", sample_files.docx(), title="Положение о наставничестве",
                  organisation_id=world.org_a.id, document_kind=DocumentKind.REGULATION, status=Status.PUBLISHED)
    library.store("проект.pdf", sample_files.pdf(), title="Проект приказа", organisation_id=world.org_a.id,
                  document_kind=DocumentKind.ORDER, status=Status.DRAFT)
    db.session.commit()
    html = client.get("/documents/").get_data(as_text=True)
    assert "Приказ № 82/А от 18.01.2023 «О внедрении целевой модели наставничества»</a>" in html
    assert "(PDF, 1,2 МБ)" in html
    assert html.index("<h3>Приказы</h3>") < html.index("<h3>Положения</h3>")
    assert "Проект приказа" not in html  # a draft document is not listed
    assert world.org_a.short_name in html
    organisation = client.get(f"/organisations/{world.org_a.slug}/").get_data(as_text=True)
    assert "Приказ № 82/А от 18.01.2023" in organisation
    site = build(app)
    assert (site / "media" / order.stored_name).is_file()
    assert "Приказ № 82/А" in (site / "documents/index.html").read_text(encoding="utf-8")
