"""The save-time rules of content rows: on every flush, before the rows reach the database,
- each Markdown field ``<name>_md`` that changed is rendered and sanitized into ``<name>_html``;
- a row with a slug column and no slug gets one from its title, unique in its table;
- a renamed row keeps its old slug as a redirect (`OldSlug`).
Doing this in a session event means every path that saves a row (admin, CLI, demo loader, import) obeys it.
`init_app` registers the event; portal/save_effects.py calls it for every app.
"""
from __future__ import annotations

import sqlalchemy as sa
from flask import Flask
from sqlalchemy import event
from sqlalchemy.orm import Session

from portal import slugs, text

from .base import MarkdownMixin, SlugMixin, taken_slugs
from .old_slug import OldSlug


def init_app(_app: Flask) -> None:
    """Session events are global to SQLAlchemy's Session class: registered once, however many apps are made."""
    if not event.contains(Session, "before_flush", _render_and_slug):
        event.listen(Session, "before_flush", _render_and_slug)


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
