"""Roadmaps in and out: import from .docx / .pdf / .txt / pasted text with a preview, export to .docx and .ics."""
from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal import audit, permissions
from portal.extensions import db
from portal.models import Organisation, Roadmap
from portal.roadmaps import export, importer
from portal.roadmaps.parse import ParsedRoadmap, parse_table
from portal.roadmaps.tables import UnreadableFile, decode, read_bytes, read_text

from . import bp
from .roadmap_forms import RoadmapImportForm
from .roadmaps import roadmaps


def _parse_form(form: RoadmapImportForm) -> ParsedRoadmap | None:
    """Read the upload (its table becomes the text area's content, so it can be corrected) or the text."""
    upload = request.files.get(form.file.name)
    try:
        if upload and upload.filename:
            data = upload.read()
            raw = read_bytes(data, upload.filename)
            # The table goes into the text area for corrections: a text file as it is (so that warnings'
            # line numbers match), a Word table as tab-separated text.
            form.text.data = importer.as_text(raw) if raw.source != "text" else decode(data)
            return parse_table(raw, form.year.data)
        if form.text.data and form.text.data.strip():
            return parse_table(read_text(form.text.data), form.year.data)
    except UnreadableFile as error:
        form.file.errors.append(str(error))
        return None
    form.text.errors.append("Загрузите файл или вставьте таблицу.")
    return None


def _import(roadmap: Roadmap | None):
    form = RoadmapImportForm()
    form.setup(current_user)
    if roadmap is not None:
        # Into an existing roadmap: its organisation and title stay.
        del form.organisation_id
        del form.title
    parsed = None
    if request.method == "POST" and form.validate_on_submit():
        parsed = _parse_form(form)
        if parsed is not None and "save" in request.form:
            if roadmap is not None and roadmap.stages and not form.replace.data:
                form.replace.errors.append("Отметьте, что этапы и мероприятия этой дорожной карты нужно заменить: "
                                           "старые будут удалены.")
            else:
                organisation = roadmap.organisation if roadmap else db.session.get(Organisation,
                                                                                    form.organisation_id.data)
                if organisation is None or not permissions.may_use_organisation(current_user, organisation.id):
                    abort(403)
                try:
                    saved = importer.save(parsed, organisation, roadmap,
                                          title=None if roadmap else form.title.data or None)
                except importer.NothingToSave as error:
                    flash(str(error), "error")
                else:
                    audit.record("import", saved, details=f"этапов {len(parsed.stages)}, мероприятий "
                                                          f"{parsed.activity_count}", commit=True)
                    flash(f"Импортировано: этапов — {len(parsed.stages)}, мероприятий — {parsed.activity_count}. "
                          "Проверьте даты и ответственных.", "success")
                    return redirect(url_for("admin.roadmaps_edit", id=saved.id))
    elif request.method == "POST":
        flash("Исправьте ошибки в форме: они отмечены у полей.", "error")
    return render_template("admin/roadmap_import.html", form=form, parsed=parsed, roadmap=roadmap,
                           warnings_by_line=_warnings_by_line(parsed))


def _warnings_by_line(parsed: ParsedRoadmap | None) -> dict:
    by_line: dict = {}
    for line, message in parsed.warnings if parsed else []:
        by_line.setdefault(line, []).append(message)
    return by_line


@bp.route("/roadmaps/import", methods=["GET", "POST"])
def roadmaps_import():
    roadmaps.check_area()
    return _import(None)


@bp.route("/roadmaps/<id:id>/import", methods=["GET", "POST"])
def roadmaps_reimport(id: int):
    return _import(roadmaps.get_or_404(id))


def _download(data: bytes, filename: str, mimetype: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/roadmaps/<id:id>/export.docx")
def roadmaps_docx(id: int):
    roadmap = roadmaps.get_or_404(id)
    audit.record("export", roadmap, details="docx", commit=True)
    return _download(export.roadmap_docx(roadmap), export.export_filename(roadmap, "docx"),
                     "application/vnd.openxmlformats-officedocument.wordprocessingml.document")


@bp.get("/roadmaps/<id:id>/export.ics")
def roadmaps_ical(id: int):
    roadmap = roadmaps.get_or_404(id)
    return _download(export.roadmap_ical(roadmap), export.export_filename(roadmap, "ics"), "text/calendar")
