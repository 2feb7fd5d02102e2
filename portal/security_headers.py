"""Security headers: one policy for the admin, one for the public site (the admin app's preview of it and
`portal serve`'s static answers). The README shows the same headers for nginx.

No policy allows inline script: every script is a file of ours (static/admin/admin.js, static/site/search.js,
Pagefind's bundle), so a payload that slipped past the sanitizer still could not run.
"""
from __future__ import annotations

from flask import Flask, request
from werkzeug.wrappers import Response

# The admin: scripts, styles and fetches from the portal only. Images in a Markdown preview may come from any
# https address (editors link pictures from school sites). Forms post to the admin alone.
ADMIN_CSP = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' https: data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))

# The site: Pagefind's search compiles WebAssembly, which needs 'wasm-unsafe-eval' (not 'unsafe-eval': it allows
# no eval() of strings). Pagefind's interface sets inline styles, hence 'unsafe-inline' for styles only.
_SITE_DIRECTIVES = (
    "default-src 'self'",
    "script-src 'self' 'wasm-unsafe-eval'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' https: data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
)
SITE_CSP = "; ".join((*_SITE_DIRECTIVES, "frame-ancestors 'none'"))
# Widgets under /embed/ are made to be shown in an <iframe> on any school's website.
EMBED_CSP = "; ".join(_SITE_DIRECTIVES)

ADMIN_HEADERS = {
    "Content-Security-Policy": ADMIN_CSP,
    "X-Frame-Options": "DENY",  # for browsers that do not know frame-ancestors
    "X-Content-Type-Options": "nosniff",
    # Admin addresses carry ids and search words: nothing of them leaves the portal.
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}
_SITE_COMMON = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
}


def is_embed(path: str) -> bool:
    return path.startswith("/embed/")


def site_headers(path: str) -> dict[str, str]:
    """Headers for a page or file of the public site at `path` (as seen from the site's root)."""
    if is_embed(path):
        return {**_SITE_COMMON, "Content-Security-Policy": EMBED_CSP}
    return {**_SITE_COMMON, "Content-Security-Policy": SITE_CSP, "X-Frame-Options": "DENY"}


def headers_for(path: str) -> dict[str, str]:
    return ADMIN_HEADERS if path == "/admin" or path.startswith("/admin/") else site_headers(path)


def add_headers(response: Response, headers: dict[str, str]) -> Response:
    for name, value in headers.items():
        response.headers.setdefault(name, value)
    return response


def no_store(response: Response) -> Response:
    """The public forms (/q/…, /apply/…): what a person typed is neither cached nor indexed by search engines."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def init_app(app: Flask) -> None:
    """Every response of the admin app: /admin/… gets the admin policy, the site preview the site's."""

    @app.after_request
    def _security_headers(response: Response) -> Response:
        return add_headers(response, headers_for(request.path))
