"""The methodology's documents in the admin (portal/documents/): a «Документы» page for a program, a pairing, a
person and an organisation, the program's package as a .zip, and the templates page. Views are thin: the
documents package makes the files and writes the audit log."""
from __future__ import annotations

import io
from datetime import date

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from portal import audit, permissions
from portal.clock import local_now
from portal.documents import engine, pdf, store
from portal.documents.context import Missing, MissingData
from portal.documents.defaults import default_template
from portal.documents.kinds import KINDS, TARGETS, Options, kinds_for, placeholders
from portal.documents.make import DOCX, Made, as_zip, make, program_package
from portal.extensions import db
from portal.models import DocumentTemplate, Pairing
from portal.registries import network
from portal.monitoring.indicators import Period

from . import bp, choices
from .forms import BaseForm

CRUD_OF = {"program": "programs", "pairing": "pairings", "person": "persons", "organisation": "organisations"}
TARGET_OF_CRUD = {crud: target for target, crud in CRUD_OF.items()}


@bp.context_processor
def documents_links():
    def documents_link(crud_name: str, obj) -> str | None:
        if crud_name not in TARGET_OF_CRUD or obj is None or getattr(obj, "id", None) is None:
            return None
        return url_for(f"admin.{crud_name}_documents", id=obj.id)

    return {"documents_link": documents_link}


def _object_or_404(target: str, id: int):
    """The object if the user may make its documents: their organisations' rows; every side of a network pairing
    (names of the other side's people stay hidden). 404 otherwise, as for a row that does not exist."""
    from .crud import CRUDS

    return CRUDS[CRUD_OF[target]].get_or_404(id, see_only=target == "pairing")


def _options() -> Options:
    period = None
    start, end = _date(request.args.get("from")), _date(request.args.get("to"))
    if start and end and start <= end:
        period = Period(start, end)
    year = request.args.get("year", type=int)
    chosen = [int(v) for v in request.args.getlist("pairing") if v.isdigit() and len(v) < 10]
    return Options(now=local_now(), reader=permissions.organisation_ids(current_user), period=period,
                   year=year if year and 2000 <= year <= 2100 else None,
                   signatory=request.args.get("signatory", "").strip()[:300],
                   pairings=frozenset(chosen) if chosen else None)


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def links(items: list[Missing]) -> list[tuple[str, str | None]]:
    """(text, URL of the page where it is filled) for the missing-data list."""
    made = []
    for item in items:
        url = url_for(item.endpoint, **item.params) + (f"#{item.anchor}" if item.anchor else "") \
            if item.endpoint else None
        made.append((item.text, url))
    return made


def _title(target: str, obj) -> str:
    if target == "pairing":
        return network.pairing_label(current_user, obj)
    return str(obj)


def documents_view(target: str, id: int):
    """The kinds of documents for the object, each to download or with what to fill in first; with ?kind=…
    the document itself (.docx, or .zip when there are several)."""
    obj = _object_or_404(target, id)
    code = request.args.get("kind", "")
    if code:
        if code not in KINDS or target not in KINDS[code].targets:
            abort(404)
        return _download(target, obj, code)
    options = _options()
    rows = []
    for kind in kinds_for(target):
        try:
            count, missing = len(kind.build(db.session, obj, options)), []
        except MissingData as lacking:
            count, missing = 0, links(lacking.items)
        rows.append((kind, count, missing))
    period = options.period or Period.school_year(options.today)
    pairings = []
    if target == "program":  # to choose the pairings of an order
        pairings = [(p.id, network.pairing_label(current_user, p)) for p in db.session.scalars(
            permissions.scope(sa.select(Pairing).where(Pairing.program_id == obj.id), Pairing, current_user)
            .order_by(Pairing.id))]
    return render_template("admin/documents/for_object.html", target=target, target_label=TARGETS[target], obj=obj,
                           title=_title(target, obj), rows=rows, crud=CRUD_OF[target], period=period,
                           year=options.year or options.today.year, pairings=pairings, pdf=pdf.available())


def _download(target: str, obj, code: str):
    as_pdf = request.args.get("format") == "pdf"
    if as_pdf and not pdf.available():
        abort(404)
    try:
        files = make(db.session, code, obj, _options(), user=current_user)
        if as_pdf:
            files = [Made(f.filename.removesuffix(".docx") + ".pdf", pdf.to_pdf(f.content)) for f in files]
    except MissingData as lacking:
        db.session.rollback()
        return render_template("admin/documents/missing.html", obj=obj, crud=CRUD_OF[target], kind=KINDS[code],
                               title=_title(target, obj), missing=links(lacking.items))
    except engine.TemplateProblem as problem:
        db.session.rollback()
        flash(f"Шаблон документа не подошёл: {problem} Исправьте или удалите его на странице «Шаблоны документов».",
              "error")
        return redirect(url_for(f"admin.{CRUD_OF[target]}_documents", id=obj.id))
    except pdf.PdfError as problem:
        db.session.rollback()
        flash(str(problem), "error")
        return redirect(url_for(f"admin.{CRUD_OF[target]}_documents", id=obj.id))
    db.session.commit()  # the audit entry
    if len(files) == 1:
        return send_file(io.BytesIO(files[0].content), mimetype="application/pdf" if as_pdf else DOCX,
                         as_attachment=True, download_name=files[0].filename)
    return send_file(io.BytesIO(as_zip(files)), mimetype="application/zip", as_attachment=True,
                     download_name=f"{KINDS[code].title}.zip")


for _target, _crud in CRUD_OF.items():
    bp.add_url_rule(f"/documents/{_crud}/<id:id>/", f"{_crud}_documents",
                    lambda id, _target=_target: documents_view(_target, id))


@bp.get("/documents/programs/<id:id>/package")
def programs_package(id: int):
    """«Пакет документов программы»: whatever can be made, as one .zip; else the list of what to fill in."""
    program = _object_or_404("program", id)
    try:
        files, missing = program_package(db.session, program, _options(), user=current_user)
    except engine.TemplateProblem as problem:
        db.session.rollback()
        flash(f"Шаблон документа не подошёл: {problem}", "error")
        return redirect(url_for("admin.programs_documents", id=id))
    db.session.commit()
    if not files:
        return render_template("admin/documents/missing.html", obj=program, crud="programs", kind=None,
                               title=str(program), missing=links(missing))
    return send_file(io.BytesIO(as_zip(files)), mimetype="application/zip", as_attachment=True,
                     download_name=f"Пакет документов программы {program.id}.zip")


# ---- templates ---------------------------------------------------------------------------------------------
def _owners() -> list[tuple[int | None, str]]:
    """Whose templates the user may manage: the municipality's (staff) and their organisations'."""
    owners: list[tuple[int | None, str]] = [(None, "Муниципалитет (для всех организаций)")] \
        if permissions.is_staff(current_user) else []
    return owners + choices.organisations(current_user)


def _template_or_404(id: int) -> DocumentTemplate:
    row = db.session.get(DocumentTemplate, id) or abort(404)
    if row.organisation_id is None and not permissions.is_staff(current_user):
        if request.method != "GET":
            abort(404)
    elif row.organisation_id is not None and not permissions.may_use_organisation(current_user, row.organisation_id):
        abort(404)
    return row


@bp.get("/documents/templates/")
def document_templates():
    owners = _owners()
    ids = [owner for owner, _ in owners if owner is not None]
    query = sa.select(DocumentTemplate).where(sa.or_(DocumentTemplate.organisation_id.is_(None),
                                                     DocumentTemplate.organisation_id.in_(ids or [-1])))
    stored = list(db.session.scalars(query.order_by(DocumentTemplate.kind, DocumentTemplate.organisation_id)))
    return render_template("admin/documents/templates.html", kinds=list(KINDS.values()), owners=owners,
                           stored=stored, placeholders={code: placeholders(k.schema) for code, k in KINDS.items()},
                           targets=TARGETS)


@bp.get("/documents/templates/default")
def document_template_default():
    kind = request.args.get("kind", next(iter(KINDS)))
    if kind not in KINDS:
        abort(404)
    return send_file(io.BytesIO(default_template(kind)), mimetype=DOCX, as_attachment=True,
                     download_name=f"{KINDS[kind].title} — шаблон.docx")


@bp.post("/documents/templates/upload")
def document_template_upload():
    if not BaseForm().validate_on_submit():
        abort(400)
    kind = request.form.get("kind", "")
    raw_owner = request.form.get("organisation_id", "")
    owner = int(raw_owner) if raw_owner.isdigit() else None
    if kind not in KINDS or owner not in {o for o, _ in _owners()}:
        abort(404)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash("Выберите файл шаблона (.docx).", "error")
        return redirect(url_for("admin.document_templates") + f"#{kind}")
    data = upload.read(store.MAX_UPLOAD + 1)
    try:
        row = store.save(db.session, kind, owner, data, upload.filename, current_user.email)
    except engine.TemplateProblem as problem:
        db.session.rollback()
        flash(f"Шаблон «{upload.filename}» не принят. {problem}", "error")
        return redirect(url_for("admin.document_templates") + f"#{kind}")
    db.session.flush()
    audit.record("upload", row, details=KINDS[kind].title)
    db.session.commit()
    flash(f"Шаблон «{KINDS[kind].title}» загружен и проверен. Посмотрите предпросмотр.", "success")
    return redirect(url_for("admin.document_templates") + f"#{kind}")


@bp.get("/documents/templates/<id:id>/download")
def document_template_download(id: int):
    row = _template_or_404(id)
    return send_file(io.BytesIO(row.content), mimetype=DOCX, as_attachment=True,
                     download_name=row.filename or f"{row.kind}.docx")


@bp.get("/documents/templates/<id:id>/preview")
def document_template_preview(id: int):
    """The template filled with the data of one of the organisation's objects, else with the placeholders'
    descriptions."""
    from portal.documents.preview import preview

    row = _template_or_404(id)
    organisation_ids = [row.organisation_id] if row.organisation_id else \
        [o for o, _ in choices.organisations(current_user)]
    try:
        data = preview(db.session, KINDS[row.kind], row.content, organisation_ids, _options())
    except engine.TemplateProblem as problem:
        flash(f"Предпросмотр не удался: {problem}", "error")
        return redirect(url_for("admin.document_templates") + f"#{row.kind}")
    return send_file(io.BytesIO(data), mimetype=DOCX, as_attachment=True,
                     download_name=f"Предпросмотр — {KINDS[row.kind].title}.docx")


@bp.post("/documents/templates/<id:id>/delete")
def document_template_delete(id: int):
    row = _template_or_404(id)
    if BaseForm().validate_on_submit():
        audit.record("delete", row, details=KINDS[row.kind].title if row.kind in KINDS else row.kind)
        db.session.delete(row)
        db.session.commit()
        flash("Шаблон удалён: документы снова делаются по шаблону муниципалитета или по умолчанию.", "success")
    return redirect(url_for("admin.document_templates") + f"#{row.kind}")


