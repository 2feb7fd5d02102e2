"""A cover chosen on the create form of a case or a news item, not only in «Файлы и изображения» after the first
save: from the library or a new picture, attached once the new row has its id."""
from __future__ import annotations

import sqlalchemy as sa
from flask_login import current_user
from flask_wtf.file import FileField
from wtforms import SelectField, StringField
from wtforms.validators import Optional

from portal import permissions
from portal.extensions import db
from portal.media import library
from portal.models import MediaFile, MediaKind, MediaRole

from .forms import max_len, optional_int, options
from .media import HINT

FIELDS = ("cover_media_id", "cover_file", "cover_alt")


class CoverFields:
    """Form fields of a new row's cover (removed from the form of a saved row, which has the media panel)."""

    cover_media_id = SelectField("Обложка из медиатеки", coerce=optional_int)
    cover_file = FileField("или новое изображение для обложки", description=HINT)
    cover_alt = StringField("Описание обложки (alt)", [Optional(), max_len(500)],
                            description="Что на изображении, для тех, кто его не видит. Обязательно для нового.")


def prepare(form, obj) -> None:
    if obj.id is not None:
        for name in FIELDS:
            delattr(form, name)
        return
    query = sa.select(MediaFile).where(MediaFile.kind == MediaKind.IMAGE).order_by(MediaFile.title)
    allowed = permissions.organisation_ids(current_user)
    if allowed is not None:
        query = query.where(sa.or_(MediaFile.organisation_id.is_(None), MediaFile.organisation_id.in_(allowed)))
    form.cover_media_id.choices = options([("", "— без обложки —")]
                                          + [(m.id, m.title) for m in db.session.scalars(query)])


def _upload(form) -> tuple[str, bytes] | None:
    data = getattr(form, "cover_file", None) and form.cover_file.data
    if not data or not getattr(data, "filename", ""):
        return None
    return data.filename, data.read()


def validate(form, _obj) -> bool:
    """The picture is checked with the form, so a refused file is a message beside the field, not a lost row."""
    if "cover_file" not in form:
        return True
    upload = _upload(form)
    if upload is None:
        return True
    form.cover_upload = upload  # read once: the stream is spent
    try:
        found = library.check(*upload)
    except library.UploadError as error:
        form.cover_file.errors.append(str(error))
        return False
    if found.kind is not MediaKind.IMAGE:
        form.cover_file.errors.append("Обложка — это изображение (JPEG, PNG, WebP), а выбран документ.")
        return False
    if not (form.cover_alt.data or "").strip():
        form.cover_alt.errors.append("Опишите изображение: без описания его не поймут незрячие посетители.")
        return False
    return True


def attach(form, obj) -> None:
    """After the new row's flush: its cover, uploaded or from the library."""
    if "cover_file" not in form:
        return
    upload = getattr(form, "cover_upload", None)
    if upload is not None:
        filename, data = upload
        media = library.store(filename, data, title=filename.rsplit(".", 1)[0][:400] or "Обложка",
                              alt_text=form.cover_alt.data.strip(), organisation_id=obj.organisation_id)
        db.session.flush()
    elif form.cover_media_id.data:
        media = db.session.get(MediaFile, form.cover_media_id.data)
    else:
        return
    library.attach(obj, media, MediaRole.COVER)
