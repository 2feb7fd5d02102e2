"""Organisation: a school, kindergarten, college, education department or partner."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db

from .base import VersionedMixin, MarkdownMixin, SlugMixin, TimestampMixin
from .vocabulary import OrganisationCluster, OrganisationKind, column_type


class Organisation(VersionedMixin, TimestampMixin, SlugMixin, MarkdownMixin, db.Model):
    __tablename__ = "organisation"
    __slug_source__ = "short_name"
    __markdown_fields__ = ("description",)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(300))
    short_name: Mapped[str] = mapped_column(sa.String(120))
    kind: Mapped[OrganisationKind] = mapped_column(column_type(OrganisationKind), index=True)
    municipality: Mapped[str] = mapped_column(sa.String(200), default="")
    address: Mapped[str] = mapped_column(sa.String(300), default="")
    website: Mapped[str] = mapped_column(sa.String(300), default="")
    email: Mapped[str] = mapped_column(sa.String(200), default="")
    phone: Mapped[str] = mapped_column(sa.String(60), default="")
    # The head who signs orders (portal/documents/): «Директор», «Петрова Ольга Николаевна».
    head_position: Mapped[str] = mapped_column(sa.String(200), default="")
    head_name: Mapped[str] = mapped_column(sa.String(300), default="")
    description_md: Mapped[str] = mapped_column(sa.Text, default="")
    description_html: Mapped[str] = mapped_column(sa.Text, default="")
    # For the monitoring indicators: shares of pupils and teachers involved in mentoring, and a filter by group.
    pupils_count: Mapped[int | None] = mapped_column()
    teachers_count: Mapped[int | None] = mapped_column()
    cluster: Mapped[OrganisationCluster | None] = mapped_column(column_type(OrganisationCluster))

    def __str__(self) -> str:
        return self.short_name
