"""The trash: a deleted case, news item, event or page is kept as a snapshot for TRASH_DAYS days and can be
restored by whoever may edit it; then the daily job purges it.

People (the registry) are not kept here on purpose: deleting a person's record is the destruction of their
personal data (152-ФЗ), which must not linger in a trash.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

import sqlalchemy as sa

from portal import permissions, revisions
from portal.extensions import db
from portal.models import Case, Event, MediaFile, MediaRole, MediaUse, NewsItem, Organisation, Page, Tag, TrashItem
from portal.models.base import utcnow

# The tables whose rows go to the trash, with the Russian name of one row.
KINDS: dict[str, tuple[type, str]] = {
    "case": (Case, "Кейс"),
    "news_item": (NewsItem, "Новость"),
    "event": (Event, "Мероприятие"),
    "page": (Page, "Страница"),
}


class RestoreError(ValueError):
    """A trashed row that cannot come back as it was, with the Russian reason."""


def keeps(model: type) -> bool:
    """Does deleting a row of this model put it into the trash?"""
    return any(model is kept for kept, _ in KINDS.values())


def discard(obj, user=None) -> TrashItem:
    """Put the row into the trash and delete it (the caller commits both together)."""
    data = {"fields": revisions.snapshot(obj),
            "created_at": obj.created_at.isoformat() if obj.created_at else None,  # its year in the catalogue
            "tags": [tag.id for tag in getattr(obj, "tags", [])],
            "media": [{"media_id": use.media_id, "role": use.role.value, "position": use.position}
                      for use in db.session.scalars(sa.select(MediaUse).where(
                          MediaUse.owner_kind == obj.__tablename__, MediaUse.owner_id == obj.id))]}
    item = TrashItem(object_kind=obj.__tablename__, object_id=obj.id, title=str(obj)[:400],
                     organisation_id=getattr(obj, "organisation_id", None), data=data,
                     deleted_by_id=getattr(user, "id", None), deleted_by_email=getattr(user, "email", "") or "")
    db.session.add(item)
    db.session.delete(obj)
    return item


def visible(user) -> sa.Select:
    """The trash items the user may see and restore: staff all, a curator those of their organisations."""
    query = sa.select(TrashItem).order_by(TrashItem.deleted_at.desc(), TrashItem.id.desc())
    allowed = permissions.organisation_ids(user)
    if allowed is not None:
        query = query.where(TrashItem.organisation_id.in_(allowed or {-1}))
    return query


def label(item: TrashItem) -> str:
    return KINDS[item.object_kind][1] if item.object_kind in KINDS else item.object_kind


def purge_date(item: TrashItem, days: int) -> datetime:
    return item.deleted_at + timedelta(days=days)


def restore(item: TrashItem):
    """Bring the row back (under its old id when it is free) with its tags and files; the trash item goes.

    The caller commits. Its address comes back unless another row has taken it meanwhile (then a new one is made).
    """
    if item.object_kind not in KINDS:
        raise RestoreError("Такие записи из корзины не восстанавливаются.")
    model, _ = KINDS[item.object_kind]
    fields = dict(item.data.get("fields", {}))
    obj = model()
    mapper = sa.inspect(model)
    for key, value in fields.items():
        column = mapper.columns.get(key)
        if column is None or key in revisions.SKIPPED:
            continue
        setattr(obj, key, _typed(column, value))
    org_id = getattr(obj, "organisation_id", None)
    if org_id is not None and db.session.get(Organisation, org_id) is None:
        raise RestoreError("Организации, которой принадлежала запись, больше нет: восстановить некуда.")
    if item.data.get("created_at"):
        obj.created_at = datetime.fromisoformat(item.data["created_at"])
    if db.session.get(model, item.object_id) is None:
        obj.id = item.object_id
    if getattr(obj, "slug", None) and db.session.scalar(sa.select(model.id).where(model.slug == obj.slug)):
        obj.slug = ""  # taken meanwhile: the save rules make a new address
    if hasattr(model, "tags"):
        obj.tags = list(db.session.scalars(sa.select(Tag).where(Tag.id.in_(item.data.get("tags") or [-1]))))
    db.session.add(obj)
    db.session.flush()
    files = {m.id for m in db.session.scalars(sa.select(MediaFile).where(
        MediaFile.id.in_([u["media_id"] for u in item.data.get("media", [])] or [-1])))}
    for use in item.data.get("media", []):
        if use["media_id"] in files:  # a file deleted from the library meanwhile is not brought back
            db.session.add(MediaUse(media_id=use["media_id"], owner_kind=item.object_kind, owner_id=obj.id,
                                    role=MediaRole(use["role"]), position=use["position"]))
    db.session.delete(item)
    return obj


def purge(days: int, now: datetime | None = None) -> int:
    """Delete trash items older than `days` days for good; how many went. The daily job calls this."""
    cutoff = (now or utcnow()) - timedelta(days=days)
    result = db.session.execute(sa.delete(TrashItem).where(TrashItem.deleted_at < cutoff))
    db.session.commit()
    return result.rowcount or 0


def _typed(column, value):
    if value is None:
        return value
    if isinstance(column.type, sa.Enum):
        return column.type.enum_class(value) if column.type.enum_class else value
    python_type = getattr(column.type, "python_type", None)
    if python_type is date:
        return date.fromisoformat(value)
    if python_type is datetime:
        return datetime.fromisoformat(value)
    return value
