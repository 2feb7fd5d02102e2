"""The admin's home page: what there is, and what waits for review, within the user's organisations."""
from __future__ import annotations

import sqlalchemy as sa
from flask import render_template
from flask_login import current_user

from portal import permissions
from portal.extensions import db
from portal.models import Status

from . import bp
from .crud import CRUDS


@bp.get("/")
def dashboard():
    areas = []
    waiting = []
    for crud in CRUDS.values():
        if not crud.visible_to(current_user):
            continue
        query = sa.select(sa.func.count()).select_from(crud.model)
        if crud.owned:
            query = permissions.scope(query, crud.model, current_user)
        areas.append((crud, db.session.scalar(query)))
        if crud.publishable:
            review = sa.select(crud.model).where(crud.model.status == Status.REVIEW)
            if crud.owned:
                review = permissions.scope(review, crud.model, current_user)
            waiting += [(crud, obj) for obj in db.session.scalars(review.limit(20))]
    return render_template("admin/dashboard.html", areas=areas, waiting=waiting)
