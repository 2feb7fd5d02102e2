"""The trash: a deleted content row kept as a snapshot for a while (TRASH_DAYS), restorable by an editor."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db

from .base import utcnow


class TrashItem(db.Model):
    __tablename__ = "trash_item"
    __table_args__ = (sa.Index("ix_trash_item_object", "object_kind", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    object_kind: Mapped[str] = mapped_column(sa.String(40))  # the row's table: case, news_item, event, page
    object_id: Mapped[int] = mapped_column()  # restored under the same id when it is still free
    title: Mapped[str] = mapped_column(sa.String(400), default="")
    # Whose it was, for who may see and restore it; no foreign key: the organisation may go before the purge.
    organisation_id: Mapped[int | None] = mapped_column(index=True)
    data: Mapped[dict] = mapped_column(sa.JSON)  # the row's fields, its tags and the files it used
    deleted_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow, index=True)  # UTC
    deleted_by_id: Mapped[int | None] = mapped_column()
    deleted_by_email: Mapped[str] = mapped_column(sa.String(200), default="")
