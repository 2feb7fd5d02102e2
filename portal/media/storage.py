"""Where uploaded files live: UPLOAD_DIR, or the bucket UPLOAD_BUCKET that every host sees (portal/bucket.py),
under names the portal generates. No path from a user ever reaches the file system or a key: names are checked
against the generated pattern before any read, write or delete."""
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


def _bucket():
    """The uploads bucket, one client per app; None when uploads are in UPLOAD_DIR."""
    if not current_app.config.get("UPLOAD_BUCKET"):
        return None
    found = current_app.extensions.get("portal.upload_bucket")
    if found is None:
        from portal.bucket import Bucket

        found = current_app.extensions["portal.upload_bucket"] = Bucket.from_config(current_app.config,
                                                                                     "UPLOAD_BUCKET")
    return found


def path_of(name: str) -> Path:
    if not NAME.match(name):
        raise ValueError(f"not a stored file name: {name!r}")
    return folder() / name


def write(name: str, data: bytes) -> None:
    """Written to a temporary name and renamed, so a reader never sees half a file (a bucket's put is whole)."""
    if (bucket := _bucket()) is not None:
        path_of(name)  # the name check
        bucket.put(name, data, cache_control="private, max-age=31536000")
        return
    target = path_of(name)
    temporary = target.with_name(target.name + ".part")
    private_files.write(temporary, data)
    os.replace(temporary, target)


def read(name: str) -> bytes:
    """The stored file's bytes; FileNotFoundError when there is none."""
    path = path_of(name)
    if (bucket := _bucket()) is not None:
        return bucket.get(name)
    return path.read_bytes()


def remove(name: str) -> None:
    path = path_of(name)
    if (bucket := _bucket()) is not None:
        bucket.delete(name)
        return
    path.unlink(missing_ok=True)
