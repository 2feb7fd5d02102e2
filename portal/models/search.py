"""The admin search's documents on PostgreSQL: one row per searchable row, written in the save's own transaction
(portal/search/postgres_engine.py). On SQLite the admin search is Whoosh and this table stays empty."""
from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import db


class SearchEntry(db.Model):
    __tablename__ = "search_entry"
    __table_args__ = (
        # GIN on PostgreSQL (an ordinary, unused index on SQLite, where the column is text).
        sa.Index("ix_search_entry_document", "document", postgresql_using="gin"),
    )

    key: Mapped[str] = mapped_column(sa.String(80), primary_key=True)  # "cases:12"
    kind: Mapped[str] = mapped_column(sa.String(20), index=True)
    object_id: Mapped[int] = mapped_column()
    organisation_id: Mapped[int | None] = mapped_column(index=True)  # None: no organisation (pages, municipal news)
    title: Mapped[str] = mapped_column(sa.Text, default="")
    body: Mapped[str] = mapped_column(sa.Text, default="")
    url: Mapped[str] = mapped_column(sa.String(300), default="")
    # setweight(title, 'A') || setweight(body, 'B') with the `russian` configuration: titles above bodies.
    document: Mapped[str | None] = mapped_column(sa.Text().with_variant(postgresql.TSVECTOR(), "postgresql"))
    # The same for the title and the body's first characters only (postgres_engine.LEAD_CHARS): what results are
    # ranked by, while `document` decides what matches (the engine's docstring says why).
    rank_document: Mapped[str | None] = mapped_column(sa.Text().with_variant(postgresql.TSVECTOR(), "postgresql"))
