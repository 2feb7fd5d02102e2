"""The folder where an uploaded registry or answers file waits between its check and its save.

A file is removed when its import is saved; one never saved (the user went away) is removed after a day, the
next time anyone uploads or saves an import.
"""
from __future__ import annotations

import time
from pathlib import Path

from flask import current_app

from portal import private_files

KEEP_SECONDS = 24 * 60 * 60


def folder() -> Path:
    """instance/imports/, owner-only, with files older than a day removed."""
    path = private_files.make_dir(Path(current_app.instance_path) / "imports")
    oldest = time.time() - KEEP_SECONDS
    for waiting in path.iterdir():
        try:
            if waiting.is_file() and waiting.stat().st_mtime < oldest:
                waiting.unlink()
        except FileNotFoundError:  # removed meanwhile by another request
            pass
    return path
