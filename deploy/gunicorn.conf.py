"""gunicorn's settings for the portal, for those who run gunicorn themselves instead of `portal serve --production`
(which applies the same ones: portal/production.py, and a test checks they agree):

    gunicorn -c deploy/gunicorn.conf.py 'portal.wsgi:make_application()'

Every value comes from the portal's settings (PORTAL_* in the environment, deploy/portal.env), so that one
environment file drives the web process, the worker and the backup alike.
"""
from portal.config import from_environment as setting

bind = f"{setting('HOST')}:{setting('PORT')}"
# Processes × threads: an admin request mostly waits for the database; about one process per core.
workers = setting("WEB_WORKERS")
threads = setting("WEB_THREADS")
worker_class = "gthread"
# A request that takes longer has its worker restarted (a large import or a package of documents is the longest).
timeout = setting("WEB_TIMEOUT")
# SIGTERM: requests in progress get this long to finish. SIGHUP (systemctl reload): new workers with the new code.
graceful_timeout = 30
keepalive = 5
# A worker is replaced after so many requests (with jitter, not all at once): what a long process gathers is freed.
max_requests = 2000
max_requests_jitter = 200
# The portal logs each request itself, with its request id and user id (portal/logs.py): no access log here.
accesslog = None
errorlog = "-"
# gunicorn's own messages in the portal's format (plain or JSON: PORTAL_LOG_FORMAT).
logger_class = "portal.production.PortalLogger"
proc_name = "portal"
# gunicorn 24+ would open a control socket in $HOME; the portal is driven by signals.
control_socket_disable = True
