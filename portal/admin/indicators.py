"""Indicators of the mentoring programme for a period, with filters, and their export (XLSX, CSV) for
regional and federal monitoring reports. The definitions are in portal/monitoring/indicators.py."""
from __future__ import annotations

from datetime import date

from flask import Response, abort, render_template, request
from flask_login import current_user

from portal import audit, permissions
from portal.clock import local_now
from portal.extensions import db
from portal.models import OrganisationCluster
from portal.monitoring import indicators as figures, reports

from . import MAX_ID, bp, choices


def _date(name: str, default: date, errors: list[str]) -> date:
    raw = request.args.get(name, "")
    if not raw:
        return default
    try:
        found = date.fromisoformat(raw[:10])
    except ValueError:
        errors.append(f"Дата «{raw[:20]}» не распознана: взята дата по умолчанию.")
        return default
    return found if date(2000, 1, 1) <= found <= date(2100, 12, 31) else default


def _filters() -> tuple[dict, list[str]]:
    """The period (the current school year unless chosen), the group of schools and the organisation."""
    errors: list[str] = []
    default = figures.Period.school_year(local_now().date())
    start, end = _date("start", default.start, errors), _date("end", default.end, errors)
    if end < start:
        errors.append("Конец периода раньше начала: взят текущий учебный год.")
        start, end = default.start, default.end
    cluster = request.args.get("cluster", "")
    org = request.args.get("org", type=int)
    allowed = permissions.organisation_ids(current_user)
    if org is not None and (not 0 < org <= MAX_ID or (allowed is not None and org not in allowed)):
        org = None
    return {"period": figures.Period(start, end),
            "cluster": OrganisationCluster(cluster) if cluster in OrganisationCluster._value2member_map_ else None,
            "org": org}, errors


def _compute(filters: dict) -> figures.Indicators:
    allowed = permissions.organisation_ids(current_user)
    shown = {filters["org"]} if filters["org"] else allowed
    now = local_now()
    return figures.compute(db.session, filters["period"], now.date(), now, organisation_ids=shown,
                           cluster=filters["cluster"])


def _describe(filters: dict) -> str:
    parts = []
    if filters["cluster"]:
        parts.append(filters["cluster"].label)
    if filters["org"]:
        parts.append(dict(choices.organisations(current_user)).get(filters["org"], ""))
    return "; ".join(parts)


@bp.get("/indicators/")
def indicators():
    filters, errors = _filters()
    return render_template("admin/indicators.html", data=_compute(filters), filters=filters, errors=errors,
                           clusters=OrganisationCluster.choices(), organisations=choices.organisations(current_user),
                           args=request.args.to_dict())


@bp.get("/indicators/export")
def indicators_export():
    fmt = request.args.get("format", "xlsx")
    if fmt not in reports.FORMATS:
        abort(404)
    filters, _errors = _filters()
    data = _compute(filters)
    body = reports.to_csv_bytes(data) if fmt == "csv" else reports.to_xlsx_bytes(data, _describe(filters),
                                                                                 local_now())
    audit.record("export", details=f"показатели {data.period.label()}.{fmt}", commit=True)
    response = Response(body, content_type=reports.FORMATS[fmt])
    response.headers["Content-Disposition"] = f'attachment; filename="{reports.filename(data, fmt)}"'
    return response
