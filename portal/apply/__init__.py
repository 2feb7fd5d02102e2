"""Applications «Стать наставником» / «Найти наставника» posted from the published site: POST /apply/<kind>.

A blueprint of the admin app only (it takes POSTs; never frozen). The form itself is a static page of the site
(/join/<kind>/, portal/site/join.py), so a session-bound CSRF token cannot be in it: the view checks instead that
the post comes from the portal's own pages (Origin, or Referer without it) — OWASP's «verifying origin with
standard headers». Flask-WTF's token check is switched off for this blueprint in create_app for that reason.
`portal serve` routes /apply/ to the admin app; behind nginx, proxy /apply/ as /q/.
"""
from flask import Blueprint

bp = Blueprint("apply", __name__, url_prefix="/apply")

from portal.apply import views  # noqa: E402,F401  (routes register on bp)
