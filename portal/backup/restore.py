"""`portal restore`: the whole archive is checked before anything changes, then every row is loaded in one
transaction and the uploads folder is swapped."""
from __future__ import annotations

import json
import os
import shutil
import time
import zipfile
import zlib
from pathlib import Path
from typing import IO, Iterable, Iterator

import sqlalchemy as sa

from portal.backup.archive import DAMAGED, UPLOADS, BackupError, NotEmpty, decoder, verified_manifest

from portal.backup import instance


# ---- restore ---------------------------------------------------------------------------------------------

def restore_backup(path: str | Path, *, replace: bool = False) -> instance.Summary:
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


def _restore(archive: zipfile.ZipFile, manifest: dict, replace: bool) -> instance.Summary:
    engine = instance.engine()
    metadata = instance.metadata()
    version = manifest.get("schema_version")
    with engine.connect() as connection:
        current = instance.schema_version(connection)
        bare = not set(sa.inspect(connection).get_table_names()) - {"alembic_version"}
    migrations = instance.migrations()
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
    uploads = instance.upload_dir()
    if bare and current is None:
        from flask_migrate import upgrade

        upgrade()  # a brand-new database: create the schema the archive fits; a refusal after this is harmless
    summary = instance.Summary(schema_version=version)
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
    summary.files = sum(1 for _ in instance.files(uploads))
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
            for batch in _batches(rows, instance.BATCH):
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
    if filled or any(True for _ in instance.files(uploads)):
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
