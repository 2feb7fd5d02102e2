"""Where uploaded files live: UPLOAD_DIR, under names the portal generates. No path from a user ever reaches
the file system: names are checked against the generated pattern before any open or delete."""
from __future__ import annotations

import os
import re
import secrets
from pathlib import Path

from flask import current_app

from portal import private_files

NAME = re.compile(r"^[0-9a-f]{32}(?:-\d{2,5})?\.[a-z0-9]{2,5}$")


def folder() -> Path:
    return private_files.make_dir(Path(current_app.config["UPLOAD_DIR"]))


def new_name(extension: str) -> str:
    return f"{secrets.token_hex(16)}.{extension}"


def path_of(name: str) -> Path:
    if not NAME.match(name):
        raise ValueError(f"not a stored file name: {name!r}")
    return folder() / name


def write(name: str, data: bytes) -> None:
    """Written to a temporary name and renamed, so a reader never sees half a file."""
    target = path_of(name)
    temporary = target.with_name(target.name + ".part")
    private_files.write(temporary, data)
    os.replace(temporary, target)


def remove(name: str) -> None:
    path_of(name).unlink(missing_ok=True)
