"""The demo's files (content/demo/media.yaml): cover images drawn on the fly and documents written with
python-docx, stored through the library like any upload."""
from __future__ import annotations

import io
from collections import Counter
from typing import Any

import sqlalchemy as sa
from docx import Document

from portal.extensions import db
from portal.models import Case, MediaFile, MediaRole, NewsItem, Organisation, Status

from portal.media import images, library


def _document(heading: str, paragraphs: list[str]) -> bytes:
    document = Document()
    document.add_heading(heading, level=1)
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def load_media(data: dict[str, Any]) -> Counter:
    """Idempotent: a file whose title is already in the library is not made again."""
    created: Counter = Counter()
    owners = {"case": Case, "news": NewsItem}
    for item in data.get("covers", []):
        if db.session.scalar(sa.select(MediaFile.id).where(MediaFile.title == item["title"])):
            continue
        owner = db.session.scalar(sa.select(owners[item["owner"]]).where(owners[item["owner"]].slug == item["slug"]))
        if owner is None:
            continue
        picture = images.placeholder(1600, 900, tuple(item["colours"]), image_format="jpeg")
        media = library.store(f"{item['slug']}.jpg", picture, title=item["title"], alt_text=item["alt"],
                              organisation_id=getattr(owner, "organisation_id", None), status=Status.PUBLISHED)
        db.session.flush()
        library.attach(owner, media, MediaRole.COVER)
        created["изображения"] += 1
    for item in data.get("documents", []):
        if db.session.scalar(sa.select(MediaFile.id).where(MediaFile.title == item["title"])):
            continue
        organisation = db.session.scalar(sa.select(Organisation).where(Organisation.slug == item["organisation"])) \
            if item.get("organisation") else None
        body = _document(item["heading"], item.get("text", []))
        library.store(f"{item['title']}.docx", body, title=item["title"], document_kind=item["kind"],
                      number=str(item.get("number", "")), document_date=item.get("date"),
                      organisation_id=organisation.id if organisation else None, status=Status.PUBLISHED)
        created["документы"] += 1
    return created
