"""The media library in the admin: upload, describe, find, see where a file is used, delete when unused; and
the «Файлы и изображения» panel of every content row's edit page (attach from the library or upload, detach)."""
from __future__ import annotations

import io

import sqlalchemy as sa
from flask import abort, flash, jsonify, redirect, request, send_file, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from markupsafe import Markup
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Optional, ValidationError

from portal import audit, permissions, text
from portal.extensions import db
from portal.filters import file_size
from portal.media import library, storage
from portal.models import DocumentKind, MediaFile, MediaKind, MediaRole, MediaUse

from . import bp
from .crud import CRUDS, Column, Crud
from .forms import BaseForm, OrganisationChoiceMixin, max_len, optional_int, options

# The CRUD area of each owner table, for URLs (/admin/cases/7/media) and rights.
OWNER_AREAS = {"case": "cases", "news_item": "news", "event": "events", "page": "pages", "roadmap": "roadmaps",
               "organisation": "organisations"}
AREA_OWNERS = {area: table for table, area in OWNER_AREAS.items()}
HINT = ("Изображения (JPEG, PNG, WebP) и документы (PDF, DOCX, XLSX, ODT). Тип определяется по содержимому файла. "
        "Изображения пересохраняются без метаданных (в том числе без координат съёмки).")


def _upload(form) -> tuple[str, bytes] | None:
    storage_field = form.file.data
    if not storage_field or not getattr(storage_field, "filename", ""):
        return None
    return storage_field.filename, storage_field.read()


class MediaForm(OrganisationChoiceMixin, BaseForm):
    organisation_optional = True
    file = FileField("Файл", description=HINT)
    title = StringField("Название", [max_len(400)],
                        description="Как файл назовут на сайте. Пусто — по имени файла.")
    organisation_id = SelectField("Организация", coerce=optional_int)
    alt_text = StringField("Описание изображения (alt)", [Optional(), max_len(500)],
                           description="Обязательно для изображений: что на нём, для тех, кто его не видит.")
    document_kind = SelectField("Вид документа", coerce=lambda v: v or None,
                                choices=options([("", "—")] + DocumentKind.choices()))
    number = StringField("Номер документа", [Optional(), max_len(60)], description="Например: 82/А")
    document_date = DateField("Дата документа", [Optional()])
    status = SelectField("Статус", description="Опубликованные документы перечислены в разделе «Документы» сайта. "
                                               "Изображения попадают на сайт с записями, которые их используют.")

    def validate_file(self, field):
        if field.data is None or not getattr(field.data, "filename", ""):
            if self.meta.is_new:
                raise ValidationError("Выберите файл.")


def _validate(form: MediaForm, media: MediaFile) -> bool:
    """The file's content decides its type; images need their alt text."""
    upload = _upload(form)
    if upload is not None:
        try:
            found = library.check(*upload)
        except library.UploadError as error:
            form.file.errors.append(str(error))
            return False
        form.file.data.seek(0)
        kind = found.kind
    else:
        kind = media.kind
    if kind is MediaKind.IMAGE and not (form.alt_text.data or "").strip():
        form.alt_text.errors.append("Опишите изображение: без описания его не поймут незрячие посетители.")
        return False
    return True


def _apply(form: MediaForm, media: MediaFile) -> None:
    upload = _upload(form)
    media.title = (form.title.data or "").strip()
    if upload is not None:
        old_names = media.stored_names if media.stored_name else []
        library.store(*upload, media=media)
        for name in old_names:  # the replaced file; a failed commit leaves only an unused file behind
            storage.remove(name)
    if not media.title:
        media.title = media.original_name.rsplit(".", 1)[0] or "Файл"
    if media.kind is MediaKind.IMAGE:
        media.document_kind, media.number, media.document_date = None, "", None
    if media.id is not None:
        library.touch_owners(media)


def _prepare(form: MediaForm, media: MediaFile) -> None:
    form.meta.is_new = media.id is None


def _blockers(media: MediaFile) -> list[str]:
    return library.blockers(media)


def _format(media: MediaFile) -> str:
    return f"{media.file_format.upper()}, {file_size(media.size)}" if media.size else ""


def _extra(media: MediaFile) -> dict:
    return {"media_places": library.places(media) if media.id else []}


media = Crud(
    name="media",
    model=MediaFile,
    form=MediaForm,
    title="Медиатека: изображения и документы",
    new_label="Загрузить файл",
    columns=[
        Column("title", "Название", link=True),
        Column("kind", "Вид"),
        Column("file_format", "Формат", value=_format),
        Column("organisation", "Организация", sortable=False),
        Column("status", "Статус"),
        Column("updated_at", "Изменено"),
    ],
    search=["title", "original_name", "number", "alt_text"],
    custom_fields=("file", "title"),
    apply=_apply,
    extra_validate=_validate,
    prepare=_prepare,
    blockers=_blockers,
    extra_context=_extra,
    edit_template="admin/media_form.html",
).register(bp)


@bp.get("/media/<id:id>/file")
def media_file(id: int):
    """The stored file, for the admin's own look (drafts included)."""
    item = _visible_media(id)
    try:
        data = storage.read(item.stored_name)
    except (FileNotFoundError, IsADirectoryError):
        abort(404)
    name = f"{item.title}.{item.stored_name.rsplit('.', 1)[1]}"
    return send_file(io.BytesIO(data), mimetype=item.content_type, download_name=name,
                     as_attachment=item.kind is MediaKind.DOCUMENT)


def _visible_media(id: int) -> MediaFile:
    item = db.session.get(MediaFile, id)
    if item is None or not may_use(current_user, item):
        abort(404)
    return item


def may_use(user, item: MediaFile) -> bool:
    """A file of the user's organisations, or a municipal one (templates, orders of the department)."""
    return item.organisation_id is None or permissions.may_use_organisation(user, item.organisation_id)


def library_choices(user, owner) -> list[tuple[int, str]]:
    """Files that may be used in this owner: of its organisation, or municipal."""
    org_id = owner.id if owner.__tablename__ == "organisation" else getattr(owner, "organisation_id", None)
    query = sa.select(MediaFile).order_by(MediaFile.kind, MediaFile.title)
    if org_id is not None:
        query = query.where(sa.or_(MediaFile.organisation_id.is_(None), MediaFile.organisation_id == org_id))
    elif not permissions.is_staff(user):
        query = query.where(MediaFile.organisation_id.is_(None))
    # A municipal row (no organisation) is edited by staff only, who may use any file.
    return [(m.id, f"{m.title} ({m.kind.label.lower()}, {_format(m)})") for m in db.session.scalars(query)
            if may_use(user, m)]


@bp.get("/media/pictures")
def media_pictures():
    """The pictures the editor's «Картинка» offers (JSON): the user's organisations' and municipal ones, newest
    first, found by a word of the title or description."""
    query = (sa.select(MediaFile).where(MediaFile.kind == MediaKind.IMAGE)
             .order_by(MediaFile.created_at.desc(), MediaFile.id.desc()))
    allowed = permissions.organisation_ids(current_user)
    if allowed is not None:
        query = query.where(sa.or_(MediaFile.organisation_id.is_(None), MediaFile.organisation_id.in_(allowed)))
    needle = text.strip_control_characters(request.args.get("q", "")).strip().lower()[:100]
    if needle:
        query = query.where(sa.or_(sa.func.lower(MediaFile.title).contains(needle, autoescape=True),
                                   sa.func.lower(MediaFile.alt_text).contains(needle, autoescape=True)))
    return jsonify([{"title": m.title, "alt": m.alt_text or m.title, "thumbnail": url_for("admin.media_file", id=m.id),
                     "src": f"/media/{m.stored_name}"} for m in db.session.scalars(query.limit(60))])


class AttachForm(FlaskForm):
    media_id = SelectField("Файл из медиатеки", coerce=optional_int)
    file = FileField("или новый файл", description=HINT)
    alt_text = StringField("Описание изображения (alt)", [Optional(), max_len(500)])
    role = SelectField("Как использовать")


def _owner_or_404(kind: str, id: int):
    if kind not in AREA_OWNERS:
        abort(404)
    return CRUDS[kind].get_or_404(id)


def attach_form(owner) -> AttachForm:
    form = AttachForm(prefix="media")
    form.media_id.choices = options([("", "— выберите —")] + library_choices(current_user, owner))
    form.role.choices = options((r.value, r.label) for r in library.ROLES[owner.__tablename__])
    return form


@bp.post("/<kind>/<id:id>/media")
def media_attach(kind: str, id: int):
    """Use a library file (or a new upload) in the row: as its cover, logo or an attachment."""
    owner = _owner_or_404(kind, id)
    form = attach_form(owner)
    back = redirect(url_for(f"admin.{kind}_edit", id=id) + "#media")
    if not form.validate_on_submit():
        flash("Не удалось прикрепить файл: " + "; ".join(e for errors in form.errors.values() for e in errors), "error")
        return back
    try:
        role = MediaRole(form.role.data)
        upload = _upload(form)
        if upload is not None:
            filename, data = upload
            if library.check(filename, data).kind is MediaKind.IMAGE and not (form.alt_text.data or "").strip():
                raise library.UploadError("Опишите изображение (alt): без описания его не поймут незрячие посетители.")
            org_id = owner.id if kind == "organisations" else getattr(owner, "organisation_id", None)
            # A draft in the library: it reaches the site only through the published rows that use it.
            item = library.store(filename, data, title=filename.rsplit(".", 1)[0][:400] or "Файл",
                                 alt_text=form.alt_text.data or "", organisation_id=org_id)
        elif form.media_id.data:
            item = _visible_media(form.media_id.data)
            if form.media_id.data not in {value for value, _ in library_choices(current_user, owner)}:
                abort(404)
        else:
            raise library.UploadError("Выберите файл из медиатеки или загрузите новый.")
        library.attach(owner, item, role)
        db.session.flush()
        audit.record("save", item, details=f"{role.label}: {owner}")
        db.session.commit()
    except library.UploadError as error:
        db.session.rollback()
        flash(f"Не удалось прикрепить файл: {error}", "error")
        return back
    flash(f"Прикреплено: «{item.title}» ({role.label.lower()}).", "success")
    return back


@bp.post("/media/uses/<id:id>/detach")
def media_detach(id: int):
    """Stop using a file in a row; the file stays in the library."""
    use = db.session.get(MediaUse, id)
    if use is None:
        abort(404)
    kind = OWNER_AREAS[use.owner_kind]
    owner = _owner_or_404(kind, use.owner_id)
    title = use.media.title
    library.detach(use)
    audit.record("save", use.media, details=f"откреплено от «{owner}»")
    db.session.commit()
    flash(f"Откреплено: «{title}». Файл остался в медиатеке.", "success")
    return redirect(url_for(f"admin.{kind}_edit", id=owner.id) + "#media")


def media_panel(obj) -> dict | None:
    """What the edit page of a content row shows about its files (None for rows that have none)."""
    table = getattr(obj, "__tablename__", None)
    if table not in OWNER_AREAS or getattr(obj, "id", None) is None:
        return None
    uses = library.uses_of(obj)
    return {"kind": OWNER_AREAS[table], "uses": uses, "form": attach_form(obj),
            "format": _format}


@bp.app_template_global()
def media_thumbnail(item: MediaFile) -> Markup:
    if item.kind is not MediaKind.IMAGE:
        return Markup(f'<span class="file-badge">{item.file_format.upper()}</span>')
    return Markup('<img src="{}" alt="" width="80" height="{}" loading="lazy">').format(
        url_for("admin.media_file", id=item.id), max(1, round(80 * (item.height or 1) / (item.width or 1))))


bp.add_app_template_global(media_panel, "media_panel")
bp.add_app_template_global(lambda table: OWNER_AREAS[table], "place_area")
