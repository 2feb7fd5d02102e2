"""The public questionnaire form at /q/<token>: no login, CSRF-protected, rate-limited.

A blueprint of its own, registered by the admin app only (create_app): it takes POSTs, so it must never be
part of the frozen site. `portal serve` routes /q/ to the admin app; behind nginx, proxy /q/ as /admin/.
"""
from flask import Blueprint

bp = Blueprint("respond", __name__, url_prefix="/q")

from portal.respond import views  # noqa: E402,F401  (routes register on bp)
