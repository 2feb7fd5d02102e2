"""Local time of the municipality: the clock people read when they type dates into the admin."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app


def local_now() -> datetime:
    """Naive local time in TIME_ZONE: event times, `publish_at` and withdrawals are stored this way."""
    return datetime.now(ZoneInfo(current_app.config["TIME_ZONE"])).replace(tzinfo=None)
