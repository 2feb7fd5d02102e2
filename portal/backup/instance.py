"""What a backup reads and a restore writes: the database (its tables from ``db.metadata``, its engine, its schema
version) and the uploads folder; and the summary both report."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import sqlalchemy as sa
from flask import current_app


BATCH = 1000  # rows per INSERT: few round trips, bounded memory


@dataclass
class Summary:
    tables: dict[str, int] = field(default_factory=dict)  # table → rows
    files: int = 0  # files of the uploads folder
    schema_version: str | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(self.tables.values())


# ---- where things are ------------------------------------------------------------------------------------

def upload_dir(app=None) -> Path:
    """The uploads folder: the UPLOAD_DIR setting when there is one, else <INSTANCE_PATH>/uploads."""
    app = app or current_app
    return Path(app.config.get("UPLOAD_DIR") or Path(app.instance_path) / "uploads")


# Derived from the other tables, and rebuilt by every restore: the admin search's documents on PostgreSQL.
DERIVED_TABLES = frozenset({"search_entry"})


def metadata() -> sa.MetaData:
    """The tables a backup holds: every model's, less the derived ones."""
    import portal.models  # noqa: F401  (every model registers its tables in db.metadata)
    from portal.extensions import db

    kept = sa.MetaData()
    for table in db.metadata.sorted_tables:
        if table.name not in DERIVED_TABLES:
            table.to_metadata(kept)
    return kept


def engine() -> sa.Engine:
    from portal.extensions import db

    return db.engine


def migrations() -> Any:
    from alembic.script import ScriptDirectory

    from portal import MIGRATIONS_DIR

    return ScriptDirectory(str(MIGRATIONS_DIR))


def schema_version(connection: sa.Connection) -> str | None:
    from alembic.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def files(folder: Path) -> Iterator[Path]:
    if folder.is_dir():
        for path in folder.rglob("*"):
            if path.is_file() and not path.is_symlink():
                yield path
