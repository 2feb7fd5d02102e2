"""Uploaded files on the site: /media/<stored name>, only for files that public content uses (or published
documents). Frozen like any page, so the build copies exactly those files and drops the rest."""
from __future__ import annotations

import io
import mimetypes

from flask import abort, current_app, send_file

from portal.media import storage

from . import bp, content


@bp.get("/media/<name>")
def media_file(name: str):
    snap = content.current()
    media = _owner_file(snap, name)
    if media is None and _staff_preview():
        media = name  # the admin's preview of a draft shows its new cover before it is published
    if media is None or not storage.NAME.match(name):
        abort(404)
    try:
        data = storage.read(name)
    except (FileNotFoundError, IsADirectoryError):
        abort(404)
    return send_file(io.BytesIO(data), mimetype=getattr(media, "content_type", None) or _type(name),
                     download_name=name, max_age=365 * 24 * 3600)


def _type(name: str) -> str:
    return mimetypes.guess_type(name)[0] or "application/octet-stream"


def _owner_file(snap, name: str):
    """The library row of a public file or of one of its smaller copies."""
    stem, _, extension = name.rpartition(".")
    base = stem.rsplit("-", 1)[0] + "." + extension if "-" in stem else name
    media = snap.public_media.get(base)
    return media if media is not None and name in media.stored_names else None


def _staff_preview() -> bool:
    if "admin" not in current_app.blueprints:
        return False  # the site-only app that is frozen never serves what is not public
    from flask_login import current_user

    return current_user.is_authenticated


def media_url_names(snap) -> list[tuple[str, object]]:
    """Every file the build writes: (stored name, its row)."""
    return [(name, media) for media in snap.public_media.values() for name in media.stored_names]
