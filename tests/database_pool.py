"""Each test's database: a SQLite file copied from a template, or a PostgreSQL database kept for the next test.

On PostgreSQL a copy of the template (`CREATE DATABASE … TEMPLATE`) costs 0.3–0.5 s, and so does its drop; a
third of the suite's setup time went there. So each xdist worker keeps the databases its tests used and empties
them for the next test (`DELETE` from every table and the sequences set back to their start: 2–6 ms; `TRUNCATE`
makes new files for every table and index, 0.3 s). A database is kept only when it looks as a copy of the template
would: its schema (tables, columns, defaults, constraints, indexes, functions, triggers, types, extensions, other
schemas) the same as the template's, read off the catalog in one statement. A database made without tables (the
migration tests) or whose schema a test changed is dropped, and the next test gets a fresh copy.
"""
from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from portal import create_app
from portal.config import normalise_database_url
from portal.extensions import db

# Everything a test could add to or change in a schema, as text; its md5 is compared with the template's.
SCHEMA = """
SELECT md5(string_agg(item, ',' ORDER BY item)) FROM (
  SELECT c.relkind::text || ':' || n.nspname::text || '.' || c.relname::text || ':' || coalesce(string_agg(
           a.attname::text || ' ' || format_type(a.atttypid, a.atttypmod) || ' ' || a.attnotnull::text || ' '
           || coalesce(pg_get_expr(d.adbin, d.adrelid), ''), ';' ORDER BY a.attnum), '') AS item
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
    LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
   WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
   GROUP BY c.oid, c.relkind, n.nspname, c.relname
  UNION ALL SELECT 'constraint:' || conrelid::regclass::text || ':' || conname::text || ' '
                   || pg_get_constraintdef(oid) FROM pg_constraint WHERE connamespace <> 'pg_catalog'::regnamespace
  UNION ALL SELECT 'index:' || pg_get_indexdef(indexrelid) FROM pg_index
             WHERE indrelid::regclass::text NOT LIKE 'pg\\_%'
  UNION ALL SELECT 'function:' || oid::regprocedure::text FROM pg_proc
             WHERE pronamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace)
  UNION ALL SELECT 'trigger:' || tgrelid::regclass::text || ':' || tgname::text FROM pg_trigger WHERE NOT tgisinternal
  UNION ALL SELECT 'type:' || oid::regtype::text FROM pg_type
             WHERE typnamespace NOT IN ('pg_catalog'::regnamespace, 'information_schema'::regnamespace, 'pg_toast'::regnamespace)
  UNION ALL SELECT 'schema:' || nspname::text FROM pg_namespace
  UNION ALL SELECT 'extension:' || extname::text FROM pg_extension
) AS schema
"""
TABLES = "SELECT quote_ident(relname) FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace"
# Connections a test left open (a worker thread, a subprocess) would write into the next test's rows.
OTHERS = "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE datname = current_database() " \
         "AND pid <> pg_backend_pid()"
RESTART = "SELECT setval(seqrelid, seqstart, false) FROM pg_sequence"


class Databases:
    """Creates each test's database on its first use: empty, or with every table as in the template.

    The templates are made once per test session (per xdist worker): `create_all` costs 35 ms on SQLite and
    0.15–0.4 s on PostgreSQL, a copy 1 ms and 0.3–0.5 s, emptying a kept PostgreSQL database a few ms.
    """

    def __init__(self, folder: Path, server_url: str | None):
        self.folder = folder
        self.server_url = normalise_database_url(server_url) if server_url else None
        self.made: dict[str, bool] = {}  # url → made with every table
        self.templates: dict[str, str] = {}  # backend → SQLite file or PostgreSQL database name
        self.kept: set[str] = set()  # PostgreSQL URLs of empty databases with every table, not yet made again
        self.free: list[str] = []  # the kept ones no test is using
        self.schema = ""  # the template's schema (SCHEMA's md5)
        self._server: sa.Engine | None = None

    def url(self, backend: str, tmp_path: Path) -> str:
        if backend == "sqlite":
            return f"sqlite:///{tmp_path / 'portal.db'}"
        return make_url(self.server_url).set(
            database=f"test_{uuid.uuid4().hex[:12]}").render_as_string(hide_password=False)

    def take(self, backend: str, tmp_path: Path) -> str:
        """A URL for a test: on PostgreSQL an emptied database of an earlier test when there is one."""
        if backend == "postgresql" and self.free:
            return self.free.pop()
        return self.url(backend, tmp_path)

    def make(self, url: str, tables: bool, copy_of: Path | None = None) -> None:
        """Create the database of `url` once; with `tables`, as a copy of the template (or of the SQLite file
        `copy_of`, a database a module filled once)."""
        if url in self.made:
            return
        self.made[url] = tables
        if url.startswith("sqlite"):
            if tables:
                shutil.copyfile(copy_of or self._template("sqlite"), make_url(url).database)
            return
        assert copy_of is None, "copy_of is a SQLite file"
        name = make_url(url).database
        if url in self.kept:
            self.kept.discard(url)
            if tables:
                return
            self._admin(f'DROP DATABASE "{name}" WITH (FORCE)')
        template = f" TEMPLATE {self._template('postgresql')}" if tables else ""
        self._admin(f'CREATE DATABASE "{name}"{template}')

    def release(self, url: str) -> None:
        """The test is over: keep its PostgreSQL database for the next test if it can be emptied, else drop it."""
        if url.startswith("sqlite"):
            return
        # A kept database the test never made again may still have been written to (a CLI run on its URL).
        if self.made.get(url, url in self.kept) and self._empty(url):
            self.made.pop(url, None)
            self.kept.add(url)
            self.free.append(url)
        else:
            self.drop(url)

    def drop(self, url: str) -> None:
        if url.startswith("postgresql") and (url in self.made or url in self.kept):
            self.made.pop(url, None)
            self.kept.discard(url)
            self._admin(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)')

    def close(self) -> None:
        for url in list(self.kept):
            self.drop(url)
        if "postgresql" in self.templates:
            self._admin(f'DROP DATABASE IF EXISTS "{self.templates["postgresql"]}" WITH (FORCE)')
        if self._server is not None:
            self._server.dispose()

    def _empty(self, url: str) -> bool:
        """Empty the database as a fresh copy of the template; False if its schema is no longer the template's."""
        engine = sa.create_engine(normalise_database_url(url), poolclass=NullPool)
        try:
            with engine.connect() as connection:
                connection.execute(sa.text(OTHERS))
                if connection.execute(sa.text(SCHEMA)).scalar() != self.schema:
                    return False
                tables = connection.execute(sa.text(TABLES)).scalars().all()
                # Foreign keys are triggers: off for this transaction, so that the order of the tables is free.
                connection.execute(sa.text("SET LOCAL session_replication_role = replica"))
                connection.execute(sa.text("; ".join(f"DELETE FROM {table}" for table in tables)))
                connection.execute(sa.text(RESTART))
                connection.commit()
            return True
        except sa.exc.DBAPIError:
            return False
        finally:
            engine.dispose()

    def _template(self, backend: str) -> str:
        if backend not in self.templates:
            if backend == "sqlite":
                path = self.folder / "template.db"
                url = f"sqlite:///{path}"
                self.templates[backend] = str(path)
            else:
                url = self.url("postgresql", self.folder)
                self.templates[backend] = make_url(url).database
                self._admin(f'CREATE DATABASE "{self.templates[backend]}"')
            app = create_app({"TESTING": True, "DATABASE_URL": url, "INSTANCE_PATH": str(self.folder / "instance"),
                              "SECRET_KEY": "test-secret"})
            with app.app_context():
                db.create_all()
                if backend == "postgresql":
                    self.schema = self._template_schema()
                db.engine.dispose()
        return self.templates[backend]

    @staticmethod
    def _template_schema() -> str:
        """SCHEMA of the template; emptying a copy would be wrong if the template had rows, so it must have none."""
        with db.engine.connect() as connection:
            for table in connection.execute(sa.text(TABLES)).scalars():
                assert connection.execute(sa.text(f"SELECT count(*) FROM {table}")).scalar() == 0, table
            return connection.execute(sa.text(SCHEMA)).scalar()

    def _admin(self, statement: str) -> None:
        if self._server is None:
            self._server = sa.create_engine(self.server_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        with self._server.connect() as connection:
            connection.execute(sa.text(statement))
