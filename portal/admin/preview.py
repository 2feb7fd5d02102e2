"""Markdown preview for the edit forms' «Предпросмотр» (the forms also preview without JavaScript)."""
from __future__ import annotations

from flask import abort

from portal import text

from . import bp
from .forms import PreviewForm


@bp.post("/preview")
def markdown_preview():
    form = PreviewForm()
    if not form.validate_on_submit():
        abort(400)
    return {"html": text.render_markdown(form.text.data)}
