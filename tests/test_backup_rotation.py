"""`portal backup --into DIR --keep-days N`: the daily copy of the systemd timer, with old copies removed."""
from __future__ import annotations

import os
import time
import zipfile

import pytest

from portal.backup import rotation
from portal.cli import main


@pytest.fixture
def fresh_app(make_app):
    return make_app()


def run(app, *args):
    return app.test_cli_runner().invoke(main, list(args), catch_exceptions=False)


def test_a_copy_goes_into_the_folder_under_its_time_and_old_copies_are_removed(fresh_app, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    old, recent = folder / "portal-20240101-020000.zip", folder / "portal-20991231-020000.zip"
    unrelated = folder / "notes.zip"
    for path in (old, recent, unrelated):
        path.write_bytes(b"x")
    ten_days_ago = time.time() - 10 * 86400
    os.utime(old, (ten_days_ago, ten_days_ago))
    os.utime(unrelated, (ten_days_ago, ten_days_ago))

    result = run(fresh_app, "backup", "--into", str(folder), "--keep-days", "7")
    assert result.exit_code == 0, result.output
    written = [p for p in folder.iterdir() if rotation.PATTERN.match(p.name) and p not in (old, recent)]
    assert len(written) == 1 and zipfile.is_zipfile(written[0])
    assert not old.exists() and recent.exists() and unrelated.exists()  # only its own copies, only old ones
    assert "Удалено копий старше 7 дн.: 1." in result.output


def test_the_folder_is_made_and_wrong_arguments_are_refused(fresh_app, tmp_path):
    assert run(fresh_app, "backup", "--into", str(tmp_path / "new" / "folder")).exit_code == 0
    assert len(list((tmp_path / "new" / "folder").glob("portal-*.zip"))) == 1
    assert run(fresh_app, "backup").exit_code == 2
    assert run(fresh_app, "backup", str(tmp_path / "a.zip"), "--into", str(tmp_path)).exit_code == 2
    assert run(fresh_app, "backup", str(tmp_path / "a.zip"), "--keep-days", "3").exit_code == 2
