"""`portal backup`: every row of every table, the schema version and the uploads, into one archive."""
from __future__ import annotations

import json
import os
import shutil
import time
import zipfile
from datetime import datetime, timezone
from pathlib import Path

import sqlalchemy as sa

from portal.backup.archive import FORMAT, FORMAT_VERSION, MANIFEST, UPLOADS, BackupError, MemberWriter, encoder, stored

from portal.backup import instance


# ---- backup ----------------------------------------------------------------------------------------------

def create_backup(path: str | Path) -> instance.Summary:
    """Write the archive to `path` (replaced only once complete: a killed backup leaves no half file there)."""
    path = Path(path)
    temporary = path.with_name(f".{path.name}.tmp-{os.getpid()}-{time.time_ns()}")
    try:
        with zipfile.ZipFile(temporary, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            summary = _write(archive)
        os.replace(temporary, path)
    except OSError as error:
        raise BackupError(f"Не удалось записать {path}: {error.strerror or error}.") from error
    finally:
        temporary.unlink(missing_ok=True)
    return summary


def _write(archive: zipfile.ZipFile) -> instance.Summary:
    summary = instance.Summary()
    members: dict[str, dict] = {}
    tables = []
    engine = instance.engine()
    with _snapshot(engine) as connection:
        summary.schema_version = instance.schema_version(connection)
        inspector = sa.inspect(connection)
        known = set(inspector.get_table_names())
        metadata = instance.metadata()
        for table in metadata.sorted_tables:
            if table.name not in known:  # a model whose migration this database has not had yet
                summary.warnings.append(f"Таблицы «{table.name}» нет в базе: выполните `portal db upgrade`.")
                continue
            present = {column["name"] for column in inspector.get_columns(table.name)}
            columns = [column for column in table.columns if column.name in present]
            if len(columns) < len(table.columns):
                summary.warnings.append(f"В таблице «{table.name}» базы нет столбцов модели: выполните "
                                        "`portal db upgrade`.")
            name = f"data/{table.name}.jsonl"
            encode = encoder(columns)
            rows = connection.execution_options(stream_results=True, yield_per=instance.BATCH).execute(
                sa.select(*map(stored, columns)).order_by(*table.primary_key.columns))
            count = 0
            with MemberWriter(archive, name, members) as out:
                for row in rows:
                    out.write(json.dumps(encode(row), ensure_ascii=False).encode("utf-8") + b"\n")
                    count += 1
            tables.append({"name": table.name, "columns": [c.name for c in columns], "rows": count, "file": name})
            summary.tables[table.name] = count
        unknown = known - set(metadata.tables) - {"alembic_version"}
        if unknown:
            summary.warnings.append("В базе есть таблицы без модели, они не сохранены: " + ", ".join(sorted(unknown)))
    uploads = instance.upload_dir()
    for file in sorted(instance.files(uploads)):
        with open(file, "rb") as source, MemberWriter(archive, UPLOADS + file.relative_to(uploads).as_posix(),
                                                  members) as out:
            shutil.copyfileobj(source, out, 1 << 20)
        summary.files += 1
    manifest = {
        "format": FORMAT, "format_version": FORMAT_VERSION, "schema_version": summary.schema_version,
        "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "database": engine.dialect.name, "tables": tables, "members": members,
    }
    archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
    return summary


class _snapshot:
    """A connection that sees one moment of the database for all its reads, while the portal keeps writing."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine

    def __enter__(self) -> sa.Connection:
        if self.engine.dialect.name == "postgresql":
            self.connection = self.engine.connect().execution_options(isolation_level="REPEATABLE READ")
        else:
            self.connection = self.engine.connect()
            if self.engine.dialect.name == "sqlite":
                # pysqlite starts a transaction only before a write: without this, each SELECT would see its own
                # moment, and a save between two tables could leave a child row without its parent.
                self.connection.exec_driver_sql("BEGIN")
        return self.connection

    def __exit__(self, *exc: Any) -> None:
        self.connection.rollback()
        self.connection.close()
