"""Views of the public site. Until publishing exists, the home page says what the site will hold."""
from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, render_template

from portal.extensions import db
from portal.models import Page, Status

from . import bp


@bp.get("/")
def home() -> str:
    pages = db.session.scalars(
        sa.select(Page).where(Page.status == Status.PUBLISHED).order_by(Page.position, Page.title)
    ).all()
    return render_template("site/home.html", pages=pages, site_name=current_app.config["SITE_NAME"])
