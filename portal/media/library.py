"""Uploading files into the library, using them in content, and what may not be deleted."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

import sqlalchemy as sa
from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from portal.extensions import db
from portal import text
from portal.filters import file_size
from portal.models.base import utcnow
from portal.models import (
    Case,
    Event,
    MediaFile,
    MediaKind,
    MediaRole,
    MediaUse,
    NewsItem,
    Organisation,
    Page,
    Roadmap,
)

from . import images, storage
from .archive_limits import ArchiveTooLarge, check_archive
from .sniff import ACCEPTED, FileType, extension_of, sniff

# Owners of files by table: the model and the Russian name of one such row.
OWNERS: dict[str, tuple[type, str]] = {
    "case": (Case, "Кейс"),
    "news_item": (NewsItem, "Новость"),
    "event": (Event, "Мероприятие"),
    "page": (Page, "Страница"),
    "roadmap": (Roadmap, "Дорожная карта"),
    "organisation": (Organisation, "Организация"),
}
# Which roles each owner offers: a cover for cases and news, a logo for organisations, attachments for all.
ROLES: dict[str, tuple[MediaRole, ...]] = {
    "case": (MediaRole.COVER, MediaRole.ATTACHMENT),
    "news_item": (MediaRole.COVER, MediaRole.ATTACHMENT),
    "event": (MediaRole.ATTACHMENT,),
    "page": (MediaRole.ATTACHMENT,),
    "roadmap": (MediaRole.ATTACHMENT,),
    "organisation": (MediaRole.LOGO, MediaRole.ATTACHMENT),
}
SINGLE_ROLES = (MediaRole.COVER, MediaRole.LOGO)  # one per owner: a new one replaces the old


class UploadError(ValueError):
    """A file the library refuses, with the Russian reason."""


def check(filename: str, data: bytes) -> FileType:
    """The file's type when the library accepts it; UploadError with the reason otherwise."""
    limit = current_app.config["UPLOAD_MAX_MB"]
    if not data:
        raise UploadError("Файл пустой.")
    if len(data) > limit * 1024 * 1024:
        raise UploadError(f"Файл занимает {file_size(len(data))}, а можно не больше {limit} МБ.")
    if data.startswith(b"PK"):
        try:
            check_archive(data)
        except ArchiveTooLarge as error:
            raise UploadError(str(error)) from None
    found = sniff(data)
    if found is None:
        raise UploadError(f"Такие файлы не принимаются. Можно загрузить: {ACCEPTED}.")
    extension = extension_of(filename)
    if extension not in found.extensions:
        claimed = f"«.{extension}»" if extension else "без расширения"
        raise UploadError(f"Имя файла {claimed} не совпадает с содержимым: это {found.label}. "
                          f"Проверьте, тот ли файл выбран.")
    if found.kind is MediaKind.IMAGE:  # a bomb or a damaged image is refused with the form, not while saving
        try:
            images.check(data)
        except images.ImageError as error:
            raise UploadError(str(error)) from error
    return found


def store(filename: str, data: bytes, media: MediaFile | None = None, **fields) -> MediaFile:
    """Check, re-encode (images), write under a generated name and add the row to the session (not committed).

    With `media`, the file goes into that row (a replaced file); its previous files are the caller's to remove.
    """
    found = check(filename, data)
    media = media if media is not None else MediaFile(**fields)
    media.kind, media.file_format, media.content_type = found.kind, found.format, found.content_type
    media.original_name = _display_name(filename)
    media.width = media.height = None
    media.renditions = ""
    renditions: dict[int, bytes] = {}
    if found.kind is MediaKind.IMAGE:
        try:
            processed = images.process(data, found.format)
        except images.ImageError as error:
            raise UploadError(str(error)) from error
        data, renditions = processed.data, processed.renditions
        media.width, media.height = processed.width, processed.height
        media.renditions = ",".join(str(w) for w in renditions)
    media.size = len(data)
    media.sha256 = hashlib.sha256(data).hexdigest()
    media.stored_name = storage.new_name(found.extensions[0])
    storage.write(media.stored_name, data)
    for width, copy in renditions.items():
        storage.write(media.rendition_name(width), copy)
    db.session.add(media)
    return media


def _display_name(filename: str) -> str:
    """The name as the user's computer called it, without any folders; kept as text only."""
    return text.strip_control_characters(filename).replace("\\", "/").rsplit("/", 1)[-1][:255]


_DOOMED = "media_files_to_remove"


def init_app(_app: Flask) -> None:
    """A deleted file's row takes its files with it once committed (portal/save_effects.py calls this). Session
    events belong to the Session class: registered once, however many apps are made."""
    for name, listener in (("after_flush", _note_deleted_files), ("after_commit", _remove_deleted_files),
                           ("after_rollback", _keep_files)):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


def _note_deleted_files(session: Session, _context) -> None:
    for obj in session.deleted:
        if isinstance(obj, MediaFile):
            session.info.setdefault(_DOOMED, []).extend(obj.stored_names)


def _remove_deleted_files(session: Session) -> None:
    """Files go only once the row's deletion is committed: a refused deletion keeps them."""
    for name in session.info.pop(_DOOMED, []):
        try:
            storage.remove(name)
        except (OSError, RuntimeError):  # no app context (a script) or a read-only disk: an orphan, not a failure
            pass


def _keep_files(session: Session) -> None:
    session.info.pop(_DOOMED, None)


@dataclass
class Place:
    """One place a file is used, for «где используется» and the refusal to delete."""
    use: MediaUse
    owner: object | None
    owner_label: str

    @property
    def text(self) -> str:
        return f"{self.use.role.label}: {self.owner_label}"


def places(media: MediaFile) -> list[Place]:
    result = []
    for use in sorted(media.uses, key=lambda u: (u.owner_kind, u.owner_id)):
        model, noun = OWNERS[use.owner_kind]
        owner = db.session.get(model, use.owner_id)
        result.append(Place(use, owner, f"{noun} «{owner}»" if owner is not None else f"{noun} № {use.owner_id}"))
    return result


def blockers(media: MediaFile) -> list[str]:
    """Why the file may not be deleted: every place that uses it, texts that show it included."""
    return [place.text for place in places(media)] + in_texts(media)


def in_texts(media: MediaFile) -> list[str]:
    """The rows whose text shows the file (a picture put in with the editor's «Картинка»)."""
    if not media.stored_name:
        return []
    found = []
    for table, (model, noun) in OWNERS.items():
        columns = [getattr(model, f"{name}_md") for name in model.__markdown_fields__]
        if not columns:
            continue
        needle = f"/media/{media.stored_name}"
        query = sa.select(model).where(sa.or_(*(column.contains(needle, autoescape=True) for column in columns)))
        found += [f"В тексте: {noun} «{row}»" for row in db.session.scalars(query.order_by(model.id))]
    return found


def touch(owner_kind: str, owner_id: int) -> None:
    """Mark the owner changed for the site's incremental build, without a new version: an edit form of the
    owner that is open elsewhere stays valid (a file is not part of what that form saves)."""
    model, _ = OWNERS[owner_kind]
    db.session.execute(sa.update(model).where(model.id == owner_id).values(updated_at=utcnow())
                       .execution_options(synchronize_session=False))


def touch_owners(media: MediaFile) -> None:
    """A file's description or content changed: every page showing it is rendered again."""
    for use in media.uses:
        touch(use.owner_kind, use.owner_id)


def uses_of(owner) -> list[MediaUse]:
    query = (sa.select(MediaUse).where(MediaUse.owner_kind == owner.__tablename__, MediaUse.owner_id == owner.id)
             .order_by(MediaUse.role, MediaUse.position, MediaUse.id))
    return list(db.session.scalars(query))


def attach(owner, media: MediaFile, role: MediaRole) -> MediaUse:
    """Use the file in the owner; a cover or logo replaces the previous one. Raises UploadError when unfit."""
    table = owner.__tablename__
    if role not in ROLES[table]:
        raise UploadError(f"Здесь нельзя использовать файл как «{role.label.lower()}».")
    if role in SINGLE_ROLES and media.kind is not MediaKind.IMAGE:
        raise UploadError(f"{role.label} — это изображение, а «{media.title}» — документ.")
    current = uses_of(owner)
    if any(u.media_id == media.id and u.role == role for u in current):
        raise UploadError(f"«{media.title}» здесь уже используется.")
    if role in SINGLE_ROLES:
        for old in current:
            if old.role == role:
                db.session.delete(old)
    position = 1 + max((u.position for u in current if u.role == role), default=0)
    use = MediaUse(media=media, owner_kind=table, owner_id=owner.id, role=role, position=position)
    db.session.add(use)
    touch(table, owner.id)
    return use


def detach(use: MediaUse) -> None:
    touch(use.owner_kind, use.owner_id)
    db.session.delete(use)
