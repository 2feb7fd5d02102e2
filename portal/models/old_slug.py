"""What the portal remembers about the past of its rows: old addresses (slugs) of renamed items.

Schools link to our pages; when a slug changes, the old address must keep working as a redirect page.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db

from .base import utcnow


class OldSlug(db.Model):
    """An address an item had before: (table, slug) → the row it belongs to now."""

    __tablename__ = "old_slug"
    __table_args__ = (sa.UniqueConstraint("kind", "slug", name="uq_old_slug_kind_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(40))  # the item's table: case, news_item, …
    slug: Mapped[str] = mapped_column(sa.String(80))
    target_id: Mapped[int] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow)
