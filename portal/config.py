"""Every setting of the portal, declared once: name, default, help.

Each setting can be given as an environment variable ``PORTAL_<NAME>`` or in the mapping passed to
``create_app``. The README lists them all (tests/test_config.py checks it).
"""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from portal import private_files

# Templates, static files, migrations and default content travel inside the package, so that a wheel runs.
PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parent
# Where local state goes by default. In a checkout (`make run`, `make test`, an editable install) beside the
# code, as always; an installed package (a wheel in site-packages) keeps it in the folder the command runs in
# (a service's WorkingDirectory), resolved when the settings load: never inside site-packages.
IN_CHECKOUT = (PROJECT_ROOT / "pyproject.toml").is_file()
STATE_HOME = PROJECT_ROOT if IN_CHECKOUT else Path(".")


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    parse: Callable[[str], Any] = str


def _bool(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on", "да"}


SETTINGS: tuple[Setting, ...] = (
    Setting("INSTANCE_PATH", str(STATE_HOME / "instance"),
            "Folder for local state: the SQLite file, the secret key, the search index and uploads. Default: "
            "instance/ of the checkout; for an installed package, instance/ in the current folder."),
    Setting("DATABASE_URL", None,
            "SQLAlchemy URL of the database; empty means SQLite at <INSTANCE_PATH>/portal.db. "
            "postgresql://user@host/db is used through psycopg 3."),
    Setting("SECRET_KEY", None,
            "Key that signs sessions and CSRF tokens; empty means a random key kept in "
            "<INSTANCE_PATH>/secret_key."),
    Setting("BUILD_DIR", str(STATE_HOME / "build"),
            "Folder the published static site is written to (a relative path: from the current folder)."),
    Setting("CONTENT_DIR", str(PACKAGE_DIR / "content"),
            "Folder with content pages (pages/*.md) and the demo data set (demo/)."),
    Setting("SITE_NAME", "Наставничество", "Name of the portal shown in the admin and on the site."),
    Setting("SITE_URL", None,
            "Address the published site lives at (may be a sub-path); used for absolute links in sitemap.xml, "
            "feeds and calendar files. Empty means the address `portal serve` serves it at, "
            "http://<HOST>:<PORT>/. `portal build --base-url` overrides it."),
    Setting("TIME_ZONE", "Europe/Moscow",
            "Time zone of the dates people type (events, scheduled publication); IANA name such as Asia/Yekaterinburg."),
    Setting("SITE_ITEMS_PER_PAGE", 12, "Items on one page of a list on the public site.", int),
    Setting("ITEMS_PER_PAGE", 25, "Rows on one page of an admin list.", int),
    Setting("UPLOAD_DIR", None,
            "Folder for uploaded images and documents; empty means <INSTANCE_PATH>/uploads. A shared path lets "
            "several admin processes see the same files."),
    Setting("UPLOAD_BUCKET", "",
            "S3-compatible bucket for uploads instead of UPLOAD_DIR, as bucket or bucket/prefix, so that every host "
            "sees every upload (endpoint and keys: the S3_* settings)."),
    Setting("PUBLISH_BUCKET", "",
            "S3-compatible bucket the published site is synced to after each build, as bucket or bucket/prefix "
            "(changed files only, removed ones deleted), for a CDN; BUILD_DIR stays the build's own copy."),
    Setting("S3_ENDPOINT_URL", "",
            "Address of the S3-compatible storage, e.g. https://storage.yandexcloud.net; empty means AWS."),
    Setting("S3_REGION", "", "Region of the storage, e.g. ru-central1."),
    Setting("S3_ACCESS_KEY", "", "Access key of the storage; empty means boto3's own (AWS_ACCESS_KEY_ID, …)."),
    Setting("S3_SECRET_KEY", "", "Secret key of the storage; empty means boto3's own (AWS_SECRET_ACCESS_KEY)."),
    Setting("UPLOAD_MAX_MB", 10, "Largest file the media library accepts, in megabytes.", int),
    Setting("UNPAIRED_MENTEE_DAYS", 30,
            "After how many days in the registry a mentee without a mentor is listed on the dashboard.", int),
    Setting("MEETING_GAP_WEEKS", 4,
            "After how many weeks without a recorded meeting an active pairing is listed on the dashboard.", int),
    Setting("PUBLIC_RESULTS_MIN_RESPONSES", 5,
            "Fewest responses a questionnaire (and each of its questions) needs before its aggregates may appear "
            "on the public site, so that no single person's answers can be read back.", int),
    Setting("QUESTIONNAIRE_RATE_LIMIT", "60 per minute",
            "Questionnaire answers accepted from one address at the public link /q/…; generous, as a class "
            "answering in a school shares one address.", str),
    Setting("APPLICATION_RATE_LIMIT", "5 per minute;20 per hour",
            "Applications («Стать наставником», «Найти наставника») accepted from one address; beyond it the form "
            "answers with a Russian message (HTTP 429) and stores nothing.", str),
    Setting("APPLICATION_MAX_KB", 64,
            "Largest application form body accepted, in kilobytes (the form has text fields only).", int),
    Setting("MAIL_HOST", "",
            "SMTP server the portal sends mail through; empty means no mail is sent (each mail is listed as "
            "not sent in «Письма» of the admin).", str),
    Setting("MAIL_PORT", 25, "Port of the SMTP server (587 with STARTTLS, 465 with SSL).", int),
    Setting("MAIL_SECURITY", "none", "Encryption of the SMTP connection: none, starttls or ssl.", str),
    Setting("MAIL_USERNAME", "", "Login at the SMTP server; empty means none.", str),
    Setting("MAIL_PASSWORD", "", "Password at the SMTP server.", str),
    Setting("MAIL_FROM", "noreply@localhost", "Sender address of the portal's mail (the name is SITE_NAME).", str),
    Setting("MAIL_TIMEOUT", 15, "Seconds to wait for the SMTP server before an attempt counts as failed.", int),
    Setting("MAIL_RETRIES", 3, "Further attempts after a mail failed to send (a refused address is not retried).",
            int),
    Setting("MAIL_RETRY_SECONDS", 300, "Seconds between attempts to send a mail.", int),
    Setting("QUEUE_URL", None,
            "Where the job queue (Huey) keeps its jobs: empty means a SQLite file in the instance folder, served by "
            "the worker that `portal serve` runs in-process; redis://host:6379/0 when several processes or hosts "
            "run `portal worker`."),
    Setting("WORKER_IN_PROCESS", True,
            "`portal serve` runs the job worker in its own process (the embedded default); turn off when "
            "`portal worker` runs beside it.", _bool),
    Setting("WORKER_WARM_UP", True,
            "A starting worker loads the content and plans the site in the background, so that its first publish is "
            "as fast as the later ones; it then holds the content in memory (a few hundred MB in a region). Turn "
            "off on a small host whose workers rarely publish.", _bool),
    Setting("BUILD_STALE_SECONDS", 120,
            "Seconds without a sign of life after which a build is taken for dead (its worker was killed): it is "
            "marked failed and publishing is asked for again.", int),
    Setting("TRASH_DAYS", 30,
            "Days a deleted case, news item, event or page stays in «Корзина», restorable; then the daily job "
            "deletes it for good.", int),
    Setting("HOST", "127.0.0.1", "Address `portal serve` listens on."),
    Setting("PORT", 5000, "Port `portal serve` listens on.", int),
    Setting("WEB_WORKERS", 2,
            "Processes of `portal serve --production` (gunicorn workers); about one per core for the admin.", int),
    Setting("WEB_THREADS", 4, "Threads per process of `portal serve --production`.", int),
    Setting("WEB_TIMEOUT", 120,
            "Seconds a request may take in `portal serve --production` before its worker is restarted (a large "
            "import or a document package).", int),
    Setting("LOG_LEVEL", "INFO", "Level of the portal's log on stderr: DEBUG, INFO, WARNING or ERROR."),
    Setting("LOG_FORMAT", "text",
            "Format of the log: text (one line per record) or json (one JSON object per line, for a log collector)."),
    Setting("HEALTH_MIN_FREE_MB", 200,
            "Free megabytes the instance and build folders need; with less, /healthz answers 503.", int),
    Setting("SESSION_COOKIE_SECURE", False,
            "Send the session cookie over HTTPS only; turn on when the admin is behind HTTPS.", _bool),
    Setting("SESSION_LIFETIME_MINUTES", 480,
            "Minutes an admin login lasts without a request (each request extends it); then the editor logs in "
            "again.", int),
    Setting("REMEMBER_DAYS", 14, "Days «Запомнить меня» keeps a browser logged in.", int),
    Setting("TRUSTED_PROXIES", 0,
            "Number of reverse proxies (nginx) in front of the portal whose X-Forwarded-For/-Proto to trust; "
            "the client address they give is what rate limits and the audit log see.", int),
    Setting("RATELIMIT_ENABLED", True, "Limit login attempts (turn off only for tests).", _bool),
    Setting("RATELIMIT_STORAGE_URL", "memory://",
            "Where rate-limit counters live: memory:// (one process) or redis://host:6379/0 when several "
            "workers serve the admin (pip install 'mentoring-portal[redis]').", str),
    Setting("LOGIN_LIMIT_PER_ACCOUNT", "10 per 15 minutes",
            "Failed logins allowed for one e-mail before login to it is refused for a while (HTTP 429).", str),
    Setting("LOGIN_LIMIT_PER_IP", "50 per 15 minutes",
            "Failed logins allowed from one address; higher than per account, as a school network shares one "
            "address.", str),
)


BY_NAME = {setting.name: setting for setting in SETTINGS}


def from_environment(name: str) -> Any:
    """One setting from PORTAL_<NAME> or its default, without the rest of `load` (no secret key is made): for
    deploy/gunicorn.conf.py and the production server's options."""
    setting = BY_NAME[name]
    raw = os.environ.get(f"PORTAL_{name}")
    return setting.parse(raw) if raw not in (None, "") else setting.default


def load(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Resolve every setting: overrides first, then PORTAL_<NAME> from the environment, then the default."""
    overrides = dict(overrides or {})
    values: dict[str, Any] = {}
    for setting in SETTINGS:
        if setting.name in overrides:
            values[setting.name] = overrides.pop(setting.name)
        elif (raw := os.environ.get(f"PORTAL_{setting.name}")) not in (None, ""):
            values[setting.name] = setting.parse(raw)
        else:
            values[setting.name] = setting.default

    instance = Path(values["INSTANCE_PATH"]).resolve()
    values["INSTANCE_PATH"] = str(instance)
    values["BUILD_DIR"] = str(Path(values["BUILD_DIR"]).resolve())
    if not values["DATABASE_URL"]:
        values["DATABASE_URL"] = f"sqlite:///{instance / 'portal.db'}"
    values["DATABASE_URL"] = normalise_database_url(values["DATABASE_URL"])
    if not values["SECRET_KEY"]:
        values["SECRET_KEY"] = _stored_secret_key(instance)
        values["SECRET_KEY_GENERATED"] = True  # this instance's own: not shared with other hosts
    if not values["SITE_URL"]:
        # `portal serve` serves the site itself: links in feeds and calendars point where it listens.
        host = "127.0.0.1" if values["HOST"] in ("0.0.0.0", "::", "") else values["HOST"]
        values["SITE_URL"] = f"http://{host}:{values['PORT']}/"
    values["UPLOAD_DIR"] = str(Path(values["UPLOAD_DIR"] or instance / "uploads").resolve())
    # Anything else (Flask or extension keys such as TESTING) passes through as given.
    values.update(overrides)
    return values


def normalise_database_url(url: str) -> str:
    """Plain postgresql:// URLs would pick psycopg2, which we do not install; use psycopg 3."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _stored_secret_key(instance: Path) -> str:
    # A key that survives restarts keeps editors logged in; a random one per machine keeps it secret.
    path = instance / "secret_key"
    if path.exists():
        return path.read_text().strip()
    private_files.make_dir(instance)
    key = secrets.token_hex(32)
    private_files.write(path, key.encode())
    return key
