"""News items (новости) and events (мероприятия: фестиваль, конкурс, семинар)."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db

from .base import VersionedMixin, MarkdownMixin, PublishableMixin, SlugMixin, TimestampMixin
from .organisation import Organisation
from .vocabulary import EventKind, column_type


class NewsItem(VersionedMixin, TimestampMixin, PublishableMixin, SlugMixin, MarkdownMixin, db.Model):
    __tablename__ = "news_item"
    __markdown_fields__ = ("body",)

    id: Mapped[int] = mapped_column(primary_key=True)
    # No organisation: news of the municipality, which only editors manage.
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisation.id", ondelete="RESTRICT"), index=True
    )
    organisation: Mapped[Organisation | None] = relationship()
    title: Mapped[str] = mapped_column(sa.String(400))
    published_on: Mapped[date] = mapped_column(index=True)  # the date the item shows
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    body_md: Mapped[str] = mapped_column(sa.Text, default="")
    body_html: Mapped[str] = mapped_column(sa.Text, default="")

    def __str__(self) -> str:
        return self.title


class Event(VersionedMixin, TimestampMixin, PublishableMixin, SlugMixin, MarkdownMixin, db.Model):
    __tablename__ = "event"
    __markdown_fields__ = ("description",)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisation.id", ondelete="RESTRICT"), index=True
    )
    organisation: Mapped[Organisation | None] = relationship()
    title: Mapped[str] = mapped_column(sa.String(400))
    kind: Mapped[EventKind] = mapped_column(column_type(EventKind), default=EventKind.EVENT)
    starts_at: Mapped[datetime] = mapped_column(index=True)
    ends_at: Mapped[datetime | None] = mapped_column()
    place: Mapped[str] = mapped_column(sa.String(300), default="")
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    description_md: Mapped[str] = mapped_column(sa.Text, default="")
    description_html: Mapped[str] = mapped_column(sa.Text, default="")

    def __str__(self) -> str:
        return self.title
