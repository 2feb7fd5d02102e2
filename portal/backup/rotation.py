"""Daily copies in one folder (`portal backup --into DIR --keep-days N`, the systemd timer of deploy/): each copy
named by its time, and copies older than N days removed once a new one is written."""
from __future__ import annotations

import re
import time
from datetime import datetime, timezone
from pathlib import Path

PATTERN = re.compile(r"^portal-\d{8}-\d{6}\.zip$")


def new_path(folder: Path, now: datetime | None = None) -> Path:
    """portal-YYYYMMDD-HHMMSS.zip (UTC) in the folder."""
    now = now or datetime.now(timezone.utc)
    return folder / f"portal-{now:%Y%m%d-%H%M%S}.zip"


def remove_old(folder: Path, keep_days: int, keep: Path, now: float | None = None) -> list[Path]:
    """Remove this command's copies (by name) older than keep_days, never `keep` (the one just written); the
    removed ones. Other files in the folder are not touched."""
    limit = (now or time.time()) - keep_days * 86400
    removed = []
    for path in sorted(folder.iterdir()):
        if path == keep or not PATTERN.match(path.name) or not path.is_file():
            continue
        if path.stat().st_mtime < limit:
            path.unlink()
            removed.append(path)
    return removed
