"""Issue 18, finding 8: the instance folder (SQLite database with minors' data and password hashes, secret key,
uploads, imports) is owner-only: folders 0700, files 0600, under the usual umask 022."""
from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from portal import create_app
from portal.admin import import_files
from portal.extensions import db
from portal.media import storage


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def usual_umask():
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_instance_and_its_files_are_owner_only(tmp_path, usual_umask):
    instance = tmp_path / "instance"
    app = create_app({"INSTANCE_PATH": str(instance), "TESTING": True})
    with app.app_context():
        db.create_all()
        storage.write(storage.new_name("pdf"), b"%PDF-1.4")
        folder = import_files.folder()
        db.engine.dispose()
    assert mode(instance) == 0o700
    assert mode(instance / "portal.db") == 0o600 and mode(instance / "secret_key") == 0o600
    uploads = instance / "uploads"
    assert mode(uploads) == 0o700 and [mode(p) for p in uploads.iterdir()] == [0o600]
    assert mode(folder) == 0o700


def test_a_world_readable_instance_from_before_is_closed(tmp_path, usual_umask):
    instance = tmp_path / "instance"
    instance.mkdir(mode=0o755)
    os.chmod(instance, 0o755)
    create_app({"INSTANCE_PATH": str(instance), "TESTING": True})
    assert mode(instance) == 0o700
