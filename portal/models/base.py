"""Mixins shared by the content models, and the save-time rules they bring.

On every flush, before the rows reach the database:
- each Markdown field ``<name>_md`` that changed is rendered and sanitized into ``<name>_html``;
- a row with a slug column and no slug gets one from its title, unique in its table.
Doing this in a session event means every path that saves a row (admin, CLI, demo loader, import) obeys it.
"""
from __future__ import annotations

from datetime import datetime, timezone

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Mapped, Session, declared_attr, mapped_column

from portal import slugs, text
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


@event.listens_for(Session, "before_flush")
def _render_and_slug(session: Session, _context, _instances) -> None:
    assigned: dict[type, set[str]] = {}
    for obj in list(session.new) + list(session.dirty):
        if isinstance(obj, MarkdownMixin):
            for name in obj.__markdown_fields__:
                history = sa.inspect(obj).attrs[f"{name}_md"].history
                if obj in session.new or history.has_changes():
                    setattr(obj, f"{name}_html", text.render_markdown(getattr(obj, f"{name}_md")))
        if isinstance(obj, SlugMixin):
            _remember_old_slug(session, obj)
        if isinstance(obj, SlugMixin) and not obj.slug:
            model = type(obj)
            if model not in assigned:
                assigned[model] = taken_slugs(session, model)
            source = getattr(obj, obj.__slug_source__) or ""
            # A row whose slug was cleared may get its own old slug back: it is not taken by another row.
            own = set(sa.inspect(obj).attrs.slug.history.deleted)
            obj.slug = slugs.unique(slugs.slugify(source), assigned[model] - own)
            assigned[model].add(obj.slug)


def _remember_old_slug(session: Session, obj: SlugMixin) -> None:
    """A renamed item keeps its old address as a redirect; an address taken back stops redirecting."""
    from .old_slug import OldSlug  # here: old_slug imports this module

    history = sa.inspect(obj).attrs.slug.history
    if not history.has_changes():
        return
    kind = obj.__tablename__
    with session.no_autoflush:
        for old in history.deleted if obj.id is not None else ():
            if old and old != obj.slug and session.scalar(
                    sa.select(OldSlug.id).where(OldSlug.kind == kind, OldSlug.slug == old)) is None:
                session.add(OldSlug(kind=kind, slug=old, target_id=obj.id))
        if obj.slug:
            session.execute(sa.delete(OldSlug).where(OldSlug.kind == kind, OldSlug.slug == obj.slug))
