"""Mixins shared by the content models. What a flush does to rows that carry them (Markdown rendered, slugs and
old slugs) is in save_rules.py, registered by the app factories through portal/save_effects.py."""
from __future__ import annotations

from datetime import datetime, timezone

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, Session, declared_attr, mapped_column

from portal import slugs
from .vocabulary import Status, column_type


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(sa.DateTime, default=utcnow, onupdate=utcnow, nullable=False)


class VersionedMixin:
    """Optimistic locking: the form carries the version it was made from; a save from an older one is refused."""

    version: Mapped[int] = mapped_column(default=1, nullable=False)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        return {"version_id_col": cls.version}


class PublishableMixin:
    """A row that goes draft → review → published and reaches the public site only when published
    (and, when `publish_at` is set, only from the first build after that moment)."""

    status: Mapped[Status] = mapped_column(column_type(Status), default=Status.DRAFT, nullable=False, index=True)
    publish_at: Mapped[datetime | None] = mapped_column(sa.DateTime)  # local time (TIME_ZONE), as typed
    review_comment: Mapped[str] = mapped_column(sa.Text, default="")  # why an editor returned it to the curator

    @declared_attr.directive
    def __table_args__(cls) -> tuple:
        # What a publishing worker reads of the table before each publish (portal/site/content_reuse.py): the
        # count, the latest edit and the rows come due, from this index alone rather than from rows with long texts.
        # The other: the public rows, when each appeared and of which organisation (the public cases as monitoring
        # counts them, read before each publish: 10 ms from a region's rows, under 1 ms from the index), and the
        # admin dashboard's rows scheduled next (status published, `publish_at` ahead).
        return (sa.Index(f"ix_{cls.__tablename__}_changes", "updated_at", "publish_at"),
                sa.Index(f"ix_{cls.__tablename__}_scheduled", "status", "publish_at", "created_at",
                         *(["organisation_id"] if hasattr(cls, "organisation_id") else [])))

    def is_public(self, now: datetime) -> bool:
        return self.status == Status.PUBLISHED and (self.publish_at is None or self.publish_at <= now)

    @classmethod
    def public_filter(cls, now: datetime):
        """The SQL condition for rows on the public site at `now`."""
        return sa.and_(cls.status == Status.PUBLISHED, sa.or_(cls.publish_at.is_(None), cls.publish_at <= now))


class SlugMixin:
    """A row with an address on the site. ``__slug_source__`` names the attribute the slug is made from."""

    __slug_source__ = "title"
    slug: Mapped[str] = mapped_column(sa.String(slugs.MAX_LENGTH), unique=True, nullable=False)


class MarkdownMixin:
    """Declare ``__markdown_fields__ = ("body",)`` with columns ``body_md`` and ``body_html``."""

    __markdown_fields__: tuple[str, ...] = ()


def taken_slugs(session: Session, model: type, exclude_id: int | None = None) -> set[str]:
    query = sa.select(model.slug)
    if exclude_id is not None:
        query = query.where(model.id != exclude_id)
    with session.no_autoflush:
        return set(session.scalars(query))
