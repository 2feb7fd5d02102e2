"""Content page of the site (о программе, нормативные документы), seeded from content/pages/*.md."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db

from .base import VersionedMixin, MarkdownMixin, PublishableMixin, SlugMixin, TimestampMixin
from .vocabulary import PageKind, column_type


class Page(VersionedMixin, TimestampMixin, PublishableMixin, SlugMixin, MarkdownMixin, db.Model):
    __tablename__ = "page"
    __markdown_fields__ = ("body",)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(300))
    kind: Mapped[PageKind] = mapped_column(column_type(PageKind), default=PageKind.OTHER)
    position: Mapped[int] = mapped_column(default=0)  # order in the site menu
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    body_md: Mapped[str] = mapped_column(sa.Text, default="")
    body_html: Mapped[str] = mapped_column(sa.Text, default="")

    def __str__(self) -> str:
        return self.title
