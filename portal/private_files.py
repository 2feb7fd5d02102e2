"""Owner-only folders and files for the instance (the SQLite database with minors' data and password hashes,
the secret key, uploads, imports): folders 0700, files 0600, whatever the process's umask."""
from __future__ import annotations

import os
from pathlib import Path


def make_dir(path: Path) -> Path:
    """The folder, created if needed and closed to other users."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(path, 0o700)
    return path


def write(path: Path, data: bytes) -> None:
    """Write a file only its owner can read (created so from the first byte, not made private afterwards)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as file:
        file.write(data)
    os.chmod(path, 0o600)  # a file that existed before keeps its mode in os.open


def touch(path: Path) -> None:
    """Create an empty owner-only file if there is none (an empty file is a valid empty SQLite database)."""
    if not path.exists():
        write(path, b"")
