"""The Flask extensions, created once and bound to an app in create_app."""
from __future__ import annotations

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine

# Named constraints keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING_CONVENTION))
login_manager = LoginManager()
csrf = CSRFProtect()
migrate = Migrate()
# Rate limits (login attempts, public forms): `@limiter.limit(...)` on a view. Storage and on/off come from the
# settings RATELIMIT_STORAGE_URL and RATELIMIT_ENABLED (see create_app). The in-memory fallback keeps logins
# possible while a Redis server is down, rather than locking everyone out of the admin.
# Flask-Limiter keeps its storage and on/off switch on this one object: the app created last decides them for
# every app of the process (one in production; tests make one app at a time).
limiter = Limiter(get_remote_address, in_memory_fallback_enabled=True)


@event.listens_for(Engine, "connect")
def _sqlite_connection(dbapi_connection, _record) -> None:
    """SQLite only: enforce foreign keys, make lower() fold Cyrillic as PostgreSQL does, and write ahead.

    SQLite's own lower() and LIKE fold ASCII only, so a quick filter «школа» would miss «Школа».
    WAL lets the admin's readers go on while an editor saves (with the default rollback journal every page view
    waits for a save's lock); synchronous=NORMAL is the safe setting with WAL (a power cut may lose the last
    commits, never the database).
    """
    if type(dbapi_connection).__module__ != "sqlite3":
        return
    dbapi_connection.create_function(
        "lower", 1, lambda value: value.lower() if isinstance(value, str) else value, deterministic=True
    )
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")  # kept in the file; an in-memory database stays "memory"
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
