"""The public site blueprint: GET only, anonymous, the only code that is frozen into build/."""
from flask import Blueprint

from portal.config import PROJECT_ROOT

bp = Blueprint(
    "site",
    __name__,
    static_folder=str(PROJECT_ROOT / "static" / "site"),
    static_url_path="/static",
)

from portal.site import files, media_files, monitoring_views, views  # noqa: E402,F401  (routes register on bp)
