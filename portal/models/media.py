"""The media library: uploaded images and documents (приказ, положение…), and where each is used.

A file is stored under a generated name only (portal/media/storage.py); the name the user gave is kept as
text for display. Uses are one table for every kind of owner (case, news item, event, page, roadmap,
organisation), so «where is this file used» is one query and deleting a used file can be refused.
"""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import Flask
from sqlalchemy import event
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from portal.extensions import db

from .base import PublishableMixin, TimestampMixin, VersionedMixin
from .organisation import Organisation
from .vocabulary import DocumentKind, MediaKind, MediaRole, column_type


class MediaFile(VersionedMixin, TimestampMixin, PublishableMixin, db.Model):
    __tablename__ = "media_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[MediaKind] = mapped_column(column_type(MediaKind), index=True)
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisation.id", ondelete="RESTRICT"), index=True
    )
    organisation: Mapped[Organisation | None] = relationship()
    title: Mapped[str] = mapped_column(sa.String(400))
    original_name: Mapped[str] = mapped_column(sa.String(255), default="")  # as uploaded, shown only
    stored_name: Mapped[str] = mapped_column(sa.String(64), unique=True)  # generated: hex + extension
    file_format: Mapped[str] = mapped_column(sa.String(8))  # pdf, docx, jpeg… (from the content)
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int] = mapped_column(sa.BigInteger)
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    # Images
    alt_text: Mapped[str] = mapped_column(sa.String(500), default="")
    width: Mapped[int | None] = mapped_column()
    height: Mapped[int | None] = mapped_column()
    renditions: Mapped[str] = mapped_column(sa.String(200), default="")  # widths of the smaller copies: "480,960"
    # Documents
    document_kind: Mapped[DocumentKind | None] = mapped_column(column_type(DocumentKind))
    number: Mapped[str] = mapped_column(sa.String(60), default="")
    document_date: Mapped[date | None] = mapped_column()

    uses: Mapped[list[MediaUse]] = relationship(back_populates="media", passive_deletes="all")

    @property
    def rendition_widths(self) -> list[int]:
        return [int(w) for w in self.renditions.split(",") if w]

    def rendition_name(self, width: int) -> str:
        stem, _, extension = self.stored_name.rpartition(".")
        return f"{stem}-{width}.{extension}"

    @property
    def stored_names(self) -> list[str]:
        """The original and every smaller copy: what the build copies and deletion removes."""
        return [self.stored_name] + [self.rendition_name(w) for w in self.rendition_widths]

    @property
    def document_title(self) -> str:
        """«Приказ № 82/А от 18.01.2023» — how Russian official documents are named."""
        parts = [self.document_kind.label if self.document_kind else "Документ"]
        if self.number:
            parts.append(f"№ {self.number}")
        if self.document_date:
            parts.append(f"от {self.document_date:%d.%m.%Y}")
        return " ".join(parts)

    def __str__(self) -> str:
        return self.title


class MediaUse(db.Model):
    """A file used by a content row: as its cover image, its organisation's logo, or an attachment."""

    __tablename__ = "media_use"
    __table_args__ = (sa.UniqueConstraint("media_id", "owner_kind", "owner_id", "role"),
                      sa.Index("ix_media_use_owner", "owner_kind", "owner_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    media_id: Mapped[int] = mapped_column(sa.ForeignKey("media_file.id", ondelete="RESTRICT"), index=True)
    media: Mapped[MediaFile] = relationship(back_populates="uses")
    owner_kind: Mapped[str] = mapped_column(sa.String(32))  # the owner's table: case, news_item, event…
    owner_id: Mapped[int] = mapped_column()
    role: Mapped[MediaRole] = mapped_column(column_type(MediaRole))
    position: Mapped[int] = mapped_column(default=0)


OWNER_TABLES = ("case", "news_item", "event", "page", "roadmap", "organisation")


def init_app(_app: Flask) -> None:
    """Uses of a deleted row go with it (portal/save_effects.py calls this); registered once per process."""
    if not event.contains(Session, "after_flush", _forget_uses_of_deleted_owners):
        event.listen(Session, "after_flush", _forget_uses_of_deleted_owners)


def _forget_uses_of_deleted_owners(session: Session, _context) -> None:
    """No foreign key can point from one table at six: uses of a deleted row go with it here."""
    gone: dict[str, list[int]] = {}
    for obj in session.deleted:
        table = getattr(obj, "__tablename__", None)
        if table in OWNER_TABLES and obj.id is not None:
            gone.setdefault(table, []).append(obj.id)
    for table, ids in gone.items():
        session.execute(sa.delete(MediaUse).where(MediaUse.owner_kind == table, MediaUse.owner_id.in_(ids)))
