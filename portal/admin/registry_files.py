"""Registries in and out of the admin: import a .csv/.xlsx with a check first, export by kind and format."""
from __future__ import annotations

import re
import secrets
from io import BytesIO
from pathlib import Path

from flask import Response, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user

from portal import audit, permissions, private_files, text
from portal.registries import io

from . import bp, import_files
from .forms import BaseForm
from .persons import persons

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,60}$")


def _uploads() -> Path:
    return import_files.folder()


def _checked(data: bytes, filename: str) -> io.ImportPlan:
    """Read the file; rows of organisations the user may not work with are errors before any matching, so that
    the preview tells nothing about another school's people."""
    return io.read_registry(data, filename, organisation_ids=permissions.organisation_ids(current_user))


@bp.route("/registry/import", methods=["GET", "POST"])
def registry_import():
    persons.check_area()
    form = BaseForm()
    plan, token, filename = None, request.form.get("token", ""), request.form.get("filename", "")
    if request.method == "POST" and form.validate_on_submit():
        upload = request.files.get("file")
        try:
            if upload and upload.filename:
                filename = Path(text.strip_control_characters(upload.filename)).name
                data = upload.read()
                token = secrets.token_urlsafe(24)
                private_files.write(_uploads() / token, data)  # kept between the check and the save, under a random name
            elif _TOKEN.match(token) and (_uploads() / token).exists():
                data = (_uploads() / token).read_bytes()
            else:
                flash("Выберите файл .xlsx или .csv.", "error")
                return render_template("admin/registry_import.html", form=form, plan=None, token="", filename="")
            plan = _checked(data, filename)
        except io.RegistryFileError as error:
            flash(str(error), "error")
            return render_template("admin/registry_import.html", form=form, plan=None, token="", filename="")
        if "save" in request.form and not plan.errors:
            saved = io.save_registry(plan)
            audit.record("import", details=f"реестр «{filename}»: новых {saved.created}, обновлено {saved.updated}",
                         commit=True)
            (_uploads() / token).unlink(missing_ok=True)
            flash(f"Загружено: новых участников — {saved.created}, обновлено — {saved.updated}.", "success")
            return redirect(url_for("admin.persons_list"))
    return render_template("admin/registry_import.html", form=form, plan=plan, token=token, filename=filename)


@bp.get("/registry/template")
def registry_template():
    """The import template: the methodology's columns, an example row, the allowed values."""
    persons.check_area()
    from portal.registries.io_template import FILENAME, template_xlsx

    return send_file(BytesIO(template_xlsx()), mimetype=io.FORMATS["xlsx"], as_attachment=True,
                     download_name=FILENAME)


@bp.get("/registry/export")
def registry_export():
    persons.check_area()
    kind, fmt = request.args.get("kind", "mentors"), request.args.get("format", "xlsx")
    if kind not in io.KINDS or fmt not in io.FORMATS:
        abort(404)
    data = io.export_registry(kind, fmt, organisation_ids=permissions.organisation_ids(current_user))
    audit.record("export", details=f"{kind}.{fmt}", commit=True)
    response = Response(data, content_type=io.FORMATS[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{io.export_filename(kind, fmt)}"'
    return response
