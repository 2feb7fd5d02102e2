"""The public site blueprint: GET only, anonymous, the only code that is frozen into build/."""
from flask import Blueprint

from portal.config import PACKAGE_DIR

bp = Blueprint(
    "site",
    __name__,
    static_folder=str(PACKAGE_DIR / "static" / "site"),
    static_url_path="/static",
)

from portal.site import catalogue_views, files, join, media_files, monitoring_views, views  # noqa: E402,F401  (routes register on bp)
