"""The WSGI application of a production server: the admin app at /admin/, /q/ and /healthz, the published
folder (BUILD_DIR) everywhere else, as `portal serve` answers. A factory, not a module-level app, so that
importing this module creates nothing:

    gunicorn -c deploy/gunicorn.conf.py 'portal.wsgi:make_application()'

(what `portal serve --production` runs). Settings come from the PORTAL_* environment variables.
"""
from __future__ import annotations


def make_application():
    from portal import create_app
    from portal.serve import PublishedSite

    app = create_app()
    return PublishedSite(app, app.config["BUILD_DIR"])
