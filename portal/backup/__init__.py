"""Backup and restore of a whole instance: every row of every table, the schema version and the uploads.

The archive is a zip file described in portal/backup/archive.py. The tables come from ``db.metadata``, so a table a later model adds is saved without touching this module.
A restore checks the whole archive before it changes anything, then loads every row in one transaction.
"""
from __future__ import annotations

import json
import os
import shutil
import time
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import IO, Any, Iterable, Iterator

import sqlalchemy as sa
from flask import current_app

from portal.backup.archive import (DAMAGED, FORMAT, FORMAT_VERSION, MANIFEST, UPLOADS, BackupError, MemberWriter,
                                  NotEmpty, decoder, encoder, stored, verified_manifest)

__all__ = ["BackupError", "FORMAT", "MANIFEST", "NotEmpty", "Summary", "create_backup", "restore_backup",
           "upload_dir"]

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


def _metadata() -> sa.MetaData:
    import portal.models  # noqa: F401  (every model registers its tables in db.metadata)
    from portal.extensions import db

    return db.metadata


def _engine() -> sa.Engine:
    from portal.extensions import db

    return db.engine


def _migrations() -> Any:
    from alembic.script import ScriptDirectory

    from portal import MIGRATIONS_DIR

    return ScriptDirectory(str(MIGRATIONS_DIR))


def _schema_version(connection: sa.Connection) -> str | None:
    from alembic.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


# ---- backup ----------------------------------------------------------------------------------------------

def create_backup(path: str | Path) -> Summary:
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


def _write(archive: zipfile.ZipFile) -> Summary:
    summary = Summary()
    members: dict[str, dict] = {}
    tables = []
    engine = _engine()
    with _snapshot(engine) as connection:
        summary.schema_version = _schema_version(connection)
        inspector = sa.inspect(connection)
        known = set(inspector.get_table_names())
        metadata = _metadata()
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
            rows = connection.execution_options(stream_results=True, yield_per=BATCH).execute(
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
    uploads = upload_dir()
    for file in sorted(_files(uploads)):
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


def _files(folder: Path) -> Iterator[Path]:
    if folder.is_dir():
        for path in folder.rglob("*"):
            if path.is_file() and not path.is_symlink():
                yield path


# ---- restore ---------------------------------------------------------------------------------------------

def restore_backup(path: str | Path, *, replace: bool = False) -> Summary:
    """Bring the instance back to the archive's state; all or nothing.

    Refuses (BackupError, nothing changed) a damaged archive, one of a schema this code does not know (a newer
    portal) or of another schema than the database's, and (NotEmpty) a database or uploads folder with data
    unless `replace`. A database without any table is migrated first.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            manifest = verified_manifest(archive)
            return _restore(archive, manifest, replace)
    except FileNotFoundError as error:
        raise BackupError(f"Нет такого файла: {path}.") from error
    except IsADirectoryError as error:
        raise BackupError(f"{path} — это папка, а не архив.") from error
    except (zipfile.BadZipFile, zlib.error, EOFError) as error:
        raise BackupError(f"{DAMAGED}: {path} ({error}). Ничего не изменено.") from error


def _restore(archive: zipfile.ZipFile, manifest: dict, replace: bool) -> Summary:
    engine = _engine()
    metadata = _metadata()
    version = manifest.get("schema_version")
    with engine.connect() as connection:
        current = _schema_version(connection)
        bare = not set(sa.inspect(connection).get_table_names()) - {"alembic_version"}
    migrations = _migrations()
    known = {script.revision for script in migrations.walk_revisions()}
    if version is not None and version not in known:
        raise BackupError(f"Копия сделана более новой версией портала (схема базы «{version}»), эта версия её не "
                          "знает: обновите портал и восстановите копию снова. Ничего не изменено.")
    target = migrations.get_current_head() if bare and current is None else current
    if version != target:
        raise BackupError(f"Копия сделана на схеме базы «{version or 'без версии'}», а база портала — на схеме "
                          f"«{target or 'без версии'}». Восстановите копию той версией портала, которой она сделана, "
                          "затем обновите портал. Ничего не изменено.")
    plan = _plan(manifest, metadata)
    uploads = upload_dir()
    if bare and current is None:
        from flask_migrate import upgrade

        upgrade()  # a brand-new database: create the schema the archive fits; a refusal after this is harmless
    summary = Summary(schema_version=version)
    try:
        staged = _stage_uploads(archive, uploads)
    except OSError as error:
        raise BackupError(f"Не удалось распаковать загруженные файлы рядом с {uploads}: {error.strerror or error}. "
                          "Ничего не изменено.") from error
    swapped = False
    try:
        with engine.begin() as connection:
            names = _table_names(connection)
            existing = [table for table in metadata.sorted_tables if table.name in names]
            absent = [table.name for table, _columns, _name in plan if table.name not in names]
            if absent:
                raise BackupError(f"В базе нет таблиц {', '.join(absent)}: выполните `portal db upgrade`. Ничего "
                                  "не изменено.")
            _refuse_unless_empty(connection, existing, uploads, replace)
            for table in reversed(existing):
                connection.execute(table.delete())
            for table, columns, name in plan:
                summary.tables[table.name] = _load(connection, archive, table, columns, name)
            if connection.dialect.name == "postgresql":
                _reset_sequences(connection, [table for table, _columns, _name in plan])
            # Last before the commit: if the commit fails, the previous uploads are put back below.
            try:
                _swap_uploads(staged, uploads)
            except OSError as error:  # e.g. the uploads folder is a mount point and cannot be renamed
                raise BackupError(f"Не удалось заменить папку загрузок {uploads}: {error.strerror or error}. "
                                  "Ничего не изменено.") from error
            swapped = True
    except BaseException as error:
        if swapped:
            _unswap_uploads(uploads)
        else:
            shutil.rmtree(staged, ignore_errors=True)
        if isinstance(error, sa.exc.DBAPIError):  # the transaction was rolled back
            raise BackupError(f"База данных отказала: {str(error.orig or error).splitlines()[0][:300]}. "
                              "Ничего не изменено.") from error
        raise
    summary.files = sum(1 for _ in _files(uploads))
    _drop_previous_uploads(uploads)
    summary.warnings += _reindex()
    return summary


def _plan(manifest: dict, metadata: sa.MetaData) -> list[tuple[sa.Table, list[sa.Column], str]]:
    """The archive's tables, matched with this schema's; anything that does not match is refused up front."""
    plan = []
    for entry in manifest["tables"]:
        table = metadata.tables.get(entry.get("name")) if isinstance(entry, dict) else None
        if table is None:
            raise BackupError(f"{DAMAGED}: таблицы {entry!r:.80} нет в этой версии портала. Ничего не изменено.")
        names = entry.get("columns") or []
        missing = [name for name in names if name not in table.columns]
        if missing or entry.get("file") not in manifest["members"]:
            raise BackupError(f"{DAMAGED}: столбцы таблицы {table.name} не совпадают со схемой "
                              f"({', '.join(map(str, missing))}). Ничего не изменено.")
        plan.append((table, [table.columns[name] for name in names], entry["file"]))
    order = {table.name: number for number, table in enumerate(metadata.sorted_tables)}
    return sorted(plan, key=lambda item: order[item[0].name])  # parents first, whatever the archive's order


def _load(connection: sa.Connection, archive: zipfile.ZipFile, table: sa.Table, columns: list[sa.Column],
          name: str) -> int:
    decode = decoder(columns)
    count = 0
    try:
        with archive.open(name) as data:
            rows: Iterable[dict] = (decode(json.loads(line)) for line in _lines(data))
            if any(fk.column.table is table for fk in table.foreign_keys):
                rows = _parents_first(table, list(rows))
            for batch in _batches(rows, BATCH):
                connection.execute(table.insert(), batch)
                count += len(batch)
    except (ValueError, KeyError, TypeError, sa.exc.StatementError, sa.exc.DBAPIError) as error:
        # The checksums matched, so the archive is as written; its rows still do not fit this database.
        raise BackupError(f"Не удалось загрузить таблицу {table.name} (строка {count + 1} и далее): "
                          f"{str(error).splitlines()[0][:300]}. Ничего не изменено.") from error
    return count


def _lines(data: IO[bytes]) -> Iterator[bytes]:
    for line in data:
        if line.strip():
            yield line


def _batches(rows: Iterable[dict], size: int) -> Iterator[list[dict]]:
    batch: list[dict] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _parents_first(table: sa.Table, rows: list[dict]) -> list[dict]:
    """A table that refers to itself (a tree) needs each parent row before its children."""
    own = [(fk.parent.key, fk.column.key) for fk in table.foreign_keys if fk.column.table is table]
    if not own:
        return rows
    ordered: list[dict] = []
    placed = {key: set() for _, key in own}
    waiting = rows
    while waiting:
        ready = [row for row in waiting if all(row.get(child) is None or row[child] in placed[parent]
                                               or row[child] == row.get(parent) for child, parent in own)]
        if not ready:  # a cycle inside the table: leave it to the database to refuse
            return ordered + waiting
        for row in ready:
            for _, parent in own:
                placed[parent].add(row.get(parent))
        ordered += ready
        placed_now = {id(row) for row in ready}
        waiting = [row for row in waiting if id(row) not in placed_now]
    return ordered


def _reset_sequences(connection: sa.Connection, tables: Iterable[sa.Table]) -> None:
    """Rows came with their ids: move each id sequence past the largest, or the next insert would collide."""
    quote = connection.dialect.identifier_preparer
    for table in tables:
        for column in table.primary_key.columns:
            if not isinstance(column.type, sa.Integer):
                continue
            sequence = connection.scalar(sa.text("SELECT pg_get_serial_sequence(:table, :column)"),
                                         {"table": quote.format_table(table), "column": column.name})
            if sequence:
                connection.execute(sa.text(
                    f"SELECT setval(:sequence, COALESCE((SELECT MAX({quote.quote(column.name)}) FROM "
                    f"{quote.format_table(table)}), 0) + 1, false)"), {"sequence": sequence})


def _stage_uploads(archive: zipfile.ZipFile, uploads: Path) -> Path:
    """Unpack the archive's uploads beside the uploads folder, so that putting them in place is one rename."""
    staged = uploads.parent / f".{uploads.name}.restore-{os.getpid()}-{time.time_ns()}"
    staged.mkdir(parents=True)
    try:
        for info in archive.infolist():
            if info.filename.startswith(UPLOADS) and not info.is_dir():
                destination = staged / info.filename[len(UPLOADS):]
                destination.parent.mkdir(parents=True, exist_ok=True)
                with archive.open(info) as source, open(destination, "wb") as out:
                    shutil.copyfileobj(source, out, 1 << 20)
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
    return staged


def _table_names(connection: sa.Connection) -> set[str]:
    return set(sa.inspect(connection).get_table_names())


def _refuse_unless_empty(connection: sa.Connection, tables: list[sa.Table], uploads: Path, replace: bool) -> None:
    if replace:
        return
    filled = [table.name for table in tables
              if connection.execute(sa.select(sa.literal(1)).select_from(table).limit(1)).first()]
    if filled or any(True for _ in _files(uploads)):
        what = ("таблицах " + ", ".join(filled[:5])) if filled else f"папке загрузок {uploads}"
        raise NotEmpty(f"В портале уже есть данные (в {what}). Восстановление заменило бы их, поэтому ничего не "
                       "изменено. Восстанавливайте в пустую базу или добавьте --replace, чтобы заменить всё "
                       "содержимым копии.")


def _previous(uploads: Path) -> Path:
    return uploads.parent / f".{uploads.name}.previous"


def _swap_uploads(staged: Path, uploads: Path) -> None:
    shutil.rmtree(_previous(uploads), ignore_errors=True)
    if uploads.exists():
        os.replace(uploads, _previous(uploads))
    try:
        os.replace(staged, uploads)
    except BaseException:
        _unswap_uploads(uploads)
        raise


def _unswap_uploads(uploads: Path) -> None:
    shutil.rmtree(uploads, ignore_errors=True)
    if _previous(uploads).exists():
        os.replace(_previous(uploads), uploads)


def _drop_previous_uploads(uploads: Path) -> None:
    shutil.rmtree(_previous(uploads), ignore_errors=True)


def _reindex() -> list[str]:
    """The admin search index describes the old rows: rebuild it from the restored ones."""
    from portal import search

    try:
        search.reindex()
    except Exception as error:  # noqa: BLE001 — the data is restored; the index can be rebuilt by hand
        return [f"Поисковый индекс не перестроен ({error}): выполните `portal search reindex`."]
    return []
