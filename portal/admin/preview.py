"""Markdown preview for the edit forms' «Предпросмотр» (the forms also preview without JavaScript), and what a
paste from Word becomes in a Markdown field."""
from __future__ import annotations

from flask import abort, request
from wtforms import TextAreaField

from portal import text

from . import bp
from .forms import BaseForm


class PreviewForm(BaseForm):
    """Only for the CSRF check of the Markdown preview endpoints."""

    text = TextAreaField()


@bp.post("/preview")
def markdown_preview():
    form = PreviewForm()
    if not form.validate_on_submit():
        abort(400)
    return {"html": text.render_markdown(form.text.data)}


@bp.post("/markdown/from-html")
def markdown_from_html():
    """A paste from Word or a web page as Markdown (admin.js sends the clipboard's HTML here)."""
    form = PreviewForm()
    if not form.validate_on_submit():
        abort(400)
    # Sent as a file part: Word wraps a page of text in up to megabytes of styles, more than a form field may hold.
    upload = request.files.get("html")
    html = upload.read(text.MAX_PASTE_CHARS + 1).decode("utf-8", "replace") if upload else request.form.get("html", "")
    if len(html) > text.MAX_PASTE_CHARS:
        return {"error": "Вставленный фрагмент слишком велик: вставьте текст частями."}, 413
    return {"markdown": text.markdown_from_html(html)}
