"""Best-practice case (кейс лучшей практики) with its tags."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import db

from .base import VersionedMixin, MarkdownMixin, PublishableMixin, SlugMixin, TimestampMixin
from .organisation import Organisation
from .vocabulary import MentoringForm, column_type

case_tag = sa.Table(
    "case_tag",
    db.metadata,
    sa.Column("case_id", sa.ForeignKey("case.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("tag_id", sa.ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True),
)


class Tag(SlugMixin, db.Model):
    __tablename__ = "tag"
    __slug_source__ = "name"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80), unique=True)

    def __str__(self) -> str:
        return self.name


class Case(VersionedMixin, TimestampMixin, PublishableMixin, SlugMixin, MarkdownMixin, db.Model):
    __tablename__ = "case"
    __markdown_fields__ = ("body", "results")

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisation.id", ondelete="RESTRICT"), index=True)
    organisation: Mapped[Organisation] = relationship()
    title: Mapped[str] = mapped_column(sa.String(400))
    mentoring_form: Mapped[MentoringForm] = mapped_column(column_type(MentoringForm), index=True)
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    body_md: Mapped[str] = mapped_column(sa.Text, default="")
    body_html: Mapped[str] = mapped_column(sa.Text, default="")
    results_md: Mapped[str] = mapped_column(sa.Text, default="")
    results_html: Mapped[str] = mapped_column(sa.Text, default="")
    tags: Mapped[list[Tag]] = relationship(secondary=case_tag, lazy="selectin", order_by="Tag.name")

    def __str__(self) -> str:
        return self.title
