"""`portal serve --production`: gunicorn serving the portal (the only module that imports gunicorn).

The same settings as `deploy/gunicorn.conf.py` for those who run `gunicorn` themselves: processes and threads
from WEB_WORKERS and WEB_THREADS, no access log of gunicorn's own (the portal logs each request itself, with its
request id and user id: portal/logs.py), gunicorn's messages through the portal's log format. SIGHUP reloads
the workers one by one with the new code (systemd's `reload`), SIGTERM stops after the requests in progress.
Each worker process makes its own app (no preloading): a reload picks up a new release.
"""
from __future__ import annotations

import logging
from typing import Any, Callable

from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger

from portal.config import from_environment

GRACEFUL_TIMEOUT = 30
# A worker is replaced after this many requests (plus jitter, so that they do not all go at once): whatever a
# long-lived process accumulates is given back.
MAX_REQUESTS, MAX_REQUESTS_JITTER = 2000, 200


class PortalLogger(Logger):
    """gunicorn's own messages (start, worker restarts, timeouts) through the portal's handler and format."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in list(log.handlers):
                log.removeHandler(handler)
            log.propagate = True
        from portal import logs

        logs.configure(from_environment("LOG_LEVEL"), from_environment("LOG_FORMAT"))


def options(setting: Callable[[str], Any] = from_environment, host: str | None = None,
            port: int | None = None) -> dict[str, Any]:
    """gunicorn's settings from the portal's (deploy/gunicorn.conf.py sets the same; a test compares them)."""
    return {
        "bind": f"{host or setting('HOST')}:{port or setting('PORT')}",
        "workers": setting("WEB_WORKERS"),
        "threads": setting("WEB_THREADS"),
        "worker_class": "gthread",
        "timeout": setting("WEB_TIMEOUT"),
        "graceful_timeout": GRACEFUL_TIMEOUT,
        "keepalive": 5,
        "max_requests": MAX_REQUESTS,
        "max_requests_jitter": MAX_REQUESTS_JITTER,
        "accesslog": None,
        "errorlog": "-",
        "logger_class": "portal.production.PortalLogger",
        "proc_name": "portal",
        # gunicorn 24+ opens a control socket in $HOME; the portal is driven by signals (systemd), not by it.
        "control_socket_disable": True,
    }


class Server(BaseApplication):
    """gunicorn run from `portal serve --production`, with the WSGI app of portal/wsgi.py."""

    def __init__(self, settings: dict[str, Any]) -> None:
        self.settings = settings
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.settings.items():
            if key in self.cfg.settings:  # an option an older gunicorn lacks is left out
                self.cfg.set(key, value)

    def load(self):
        from portal.wsgi import make_application

        return make_application()


def run(settings: dict[str, Any]) -> None:
    logging.getLogger("portal.production").info("gunicorn on %s: %s processes × %s threads", settings["bind"],
                                                settings["workers"], settings["threads"])
    Server(settings).run()
