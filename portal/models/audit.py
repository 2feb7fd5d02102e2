"""The audit log: who did what, when, from where. Written by the application, never edited from the admin."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db

from .base import utcnow


class AuditEntry(db.Model):
    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow, index=True)  # UTC
    user_id: Mapped[int | None] = mapped_column(index=True)  # no foreign key: the log outlives deleted users
    user_email: Mapped[str] = mapped_column(sa.String(200), default="")
    action: Mapped[str] = mapped_column(sa.String(40), index=True)
    object_kind: Mapped[str] = mapped_column(sa.String(40), default="")
    object_id: Mapped[int | None] = mapped_column()
    object_title: Mapped[str] = mapped_column(sa.String(400), default="")
    ip: Mapped[str] = mapped_column(sa.String(64), default="")
    details: Mapped[str] = mapped_column(sa.Text, default="")


class Revision(db.Model):
    """A snapshot of a content row after one save: restoring one is itself a new save."""

    __tablename__ = "revision"
    __table_args__ = (sa.Index("ix_revision_object", "object_kind", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    object_kind: Mapped[str] = mapped_column(sa.String(40))
    object_id: Mapped[int] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow)
    author_id: Mapped[int | None] = mapped_column()
    author_email: Mapped[str] = mapped_column(sa.String(200), default="")
    comment: Mapped[str] = mapped_column(sa.String(500), default="")
    data: Mapped[dict] = mapped_column(sa.JSON)
