"""The backup archive's format: its members, the manifest that lists them with checksums, values as JSON.

    manifest.json        format, Alembic schema version, tables (in foreign-key order, with their columns and row
                         counts) and the sha256 and size of every other member
    data/<table>.jsonl   one JSON array per row, values in the order of the table's columns in the manifest
    uploads/<path>       the files of the uploads folder

portal/backup/__init__.py reads and writes the database and the uploads folder; nothing here touches either.
"""
from __future__ import annotations

import base64
import hashlib
import json
import uuid
import zipfile
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, Callable

import sqlalchemy as sa

FORMAT = "portal-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
UPLOADS = "uploads/"


class BackupError(Exception):
    """A backup cannot be written or restored; the message is for the user (Russian)."""


class NotEmpty(BackupError):
    """The instance already has data; a restore replaces it only when asked to (replace=True)."""


DAMAGED = "Архив повреждён или это не резервная копия портала"


# ---- values <-> JSON -------------------------------------------------------------------------------------
# Chosen by the column's type, both ways, so that a value comes back as the same Python object whichever
# database wrote it: dates as ISO text (with their offset), Decimal as text, bytes as base64.

Codec = tuple[Callable[[Any], Any], Callable[[Any], Any]]
_SAME: Codec = (lambda value: value, lambda value: value)


def _codec(column: sa.Column) -> Codec:
    if isinstance(column.type, (sa.JSON, sa.Enum)):  # JSON as it is; enums as stored text (see `stored`)
        return _SAME
    try:
        kind = column.type.python_type
    except NotImplementedError:
        return _SAME
    if kind is datetime:
        return (datetime.isoformat, datetime.fromisoformat)
    if kind is date:
        return (date.isoformat, date.fromisoformat)
    if kind is time:
        return (time.isoformat, time.fromisoformat)
    if kind is Decimal:
        return (str, Decimal)
    if kind is bytes:
        return (lambda value: base64.b64encode(bytes(value)).decode("ascii"), base64.b64decode)
    if kind is timedelta:
        return (lambda value: value // timedelta(microseconds=1), lambda value: timedelta(microseconds=value))
    if kind is uuid.UUID:
        return (str, uuid.UUID)
    return _SAME


def stored(column: sa.Column) -> sa.ColumnElement:
    """The column as the SELECT of a backup reads it: an enum as the text the database holds («draft»).

    SQLAlchemy takes that text back on insert, so the archive does not depend on the names of enum members.
    """
    if isinstance(column.type, sa.Enum) and column.type.enum_class is not None:
        return sa.type_coerce(column, sa.String).label(column.name)
    return column


def encoder(columns: list[sa.Column]) -> Callable[[Any], list]:
    codecs = [_codec(column)[0] for column in columns]
    return lambda row: [None if value is None else encode(value) for encode, value in zip(codecs, row)]


def decoder(columns: list[sa.Column]) -> Callable[[list], dict]:
    codecs = [(column.key, _codec(column)[1]) for column in columns]
    return lambda row: {key: None if value is None else decode(value) for (key, decode), value in zip(codecs, row)}


class MemberWriter:
    """Write one member of the archive, recording its sha256 and size in the manifest."""

    def __init__(self, archive: zipfile.ZipFile, name: str, members: dict[str, dict]) -> None:
        self.archive, self.name, self.members = archive, name, members
        self.digest, self.size = hashlib.sha256(), 0

    def __enter__(self) -> "MemberWriter":
        self.out = self.archive.open(self.name, "w", force_zip64=True)
        return self

    def write(self, data: bytes) -> None:
        self.digest.update(data)
        self.size += len(data)
        self.out.write(data)

    def __exit__(self, *exc: Any) -> None:
        self.out.close()
        self.members[self.name] = {"sha256": self.digest.hexdigest(), "size": self.size}


def verified_manifest(archive: zipfile.ZipFile) -> dict:
    """Read the manifest and check every member against it, before anything is changed."""
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except KeyError:
        raise BackupError(f"{DAMAGED}: в нём нет {MANIFEST}. Ничего не изменено.") from None
    except ValueError:
        raise BackupError(f"{DAMAGED}: {MANIFEST} не читается. Ничего не изменено.") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{DAMAGED}. Ничего не изменено.")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"Архив записан в формате версии {manifest.get('format_version')}, а эта версия портала "
                          f"читает формат {FORMAT_VERSION}: обновите портал. Ничего не изменено.")
    members = manifest.get("members")
    if not isinstance(members, dict) or not isinstance(manifest.get("tables"), list):
        raise BackupError(f"{DAMAGED}: в {MANIFEST} нет списка файлов. Ничего не изменено.")
    present = {info.filename for info in archive.infolist()} - {MANIFEST}
    if present != set(members):
        odd = sorted(present ^ set(members))[:3]
        raise BackupError(f"{DAMAGED}: состав архива не совпадает с описью ({', '.join(odd)}). Ничего не изменено.")
    for name, expected in members.items():
        if name.startswith(UPLOADS) and not safe_relative(name[len(UPLOADS):]):
            raise BackupError(f"{DAMAGED}: недопустимое имя файла {name!r}. Ничего не изменено.")
        digest, size = hashlib.sha256(), 0
        with archive.open(name) as data:
            while chunk := data.read(1 << 20):
                digest.update(chunk)
                size += len(chunk)
        if not isinstance(expected, dict) or (digest.hexdigest(), size) != (expected.get("sha256"),
                                                                             expected.get("size")):
            raise BackupError(f"{DAMAGED}: контрольная сумма {name} не совпадает. Ничего не изменено.")
    return manifest


def safe_relative(name: str) -> bool:
    parts = name.split("/")
    return bool(name) and not name.startswith("/") and "\\" not in name and all(p not in ("", ".", "..")
                                                                                for p in parts)
