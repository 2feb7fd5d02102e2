"""`portal backup` / `portal restore`: a round trip gives back every row and file; a bad archive changes nothing."""
from __future__ import annotations

import enum
import io
import json
import os
import uuid
import zipfile
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask_migrate import upgrade
from sqlalchemy.engine import make_url

from portal import backup, create_app, search
from portal.cli import main
from portal.config import normalise_database_url
from portal.extensions import db
from portal.models import AuditEntry, Case, Organisation, OrganisationKind, Revision

# The database matters here: run on PostgreSQL too (conftest's docstring).
pytestmark = pytest.mark.both_databases

UPLOADS = {"logo.png": bytes(range(256)) * 4, "кейсы/отчёт 2025.pdf": "Отчёт о наставничестве".encode(),
           "empty.txt": b""}


def run(app, *args):
    return app.test_cli_runner().invoke(main, list(args))


def _second_database(database_url: str, tmp_path: Path, name: str):
    """Another empty database of the same kind as `database_url`: (url, drop)."""
    if database_url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / f'{name}.db'}", lambda: None
    return _postgres_schema(normalise_database_url(os.environ["TEST_DATABASE_URL"]))


def _postgres_schema(base: str):
    schema = f"test_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(base)
    with engine.begin() as connection:
        connection.execute(sa.text(f'CREATE SCHEMA "{schema}"'))

    def drop() -> None:
        with engine.begin() as connection:
            connection.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()

    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False), drop


@pytest.fixture
def instance(tmp_path):
    """make_instance(url, name) → an admin app on its own instance folder; engines disposed afterwards."""
    apps = []

    def make(url: str, name: str, migrate: bool = True):
        app = create_app({"TESTING": True, "DATABASE_URL": url, "INSTANCE_PATH": str(tmp_path / name),
                          "BUILD_DIR": str(tmp_path / f"{name}-build"), "SECRET_KEY": "test-secret"})
        apps.append(app)
        if migrate:
            with app.app_context():
                upgrade()
        return app

    yield make
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def fill(app) -> None:
    """The demo data set, a JSON revision, audit entries and uploaded files."""
    assert run(app, "init").exit_code == 0
    result = run(app, "demo")
    assert result.exit_code == 0, result.output
    with app.app_context():
        db.session.add(Revision(object_kind="case", object_id=1, author_email="editor@example.org",
                                data={"title": "Кейс «ёлка»", "numbers": [1, 2.5, None], "nested": {"a": True}}))
        db.session.add(AuditEntry(action="login", user_email="admin@example.org", details="вход\nс переводом строки"))
        db.session.commit()
    for name, data in UPLOADS.items():
        path = backup.upload_dir(app) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def contents(app) -> dict:
    """Every row of every table (ordered by primary key) and every uploaded file."""
    with app.app_context():
        with db.engine.connect() as connection:
            tables = {table.name: [tuple(row) for row in connection.execute(
                sa.select(table).order_by(*table.primary_key.columns))] for table in db.metadata.sorted_tables
                if table.name not in backup.DERIVED_TABLES}
        folder = backup.upload_dir()
        files = {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}
    return {"tables": tables, "files": files}


@pytest.fixture
def fresh_source(make_app):
    """A filled portal of this test's own, for a test that changes its source."""
    app = make_app(create_tables=False)
    with app.app_context():
        upgrade()
    fill(app)
    return app


@pytest.fixture(scope="module")
def filled(tmp_path_factory, databases):
    """backend → (a filled portal, its archive): the demo loads in 2–3 s, so once per module and database.

    The tests only read these: a backup changes nothing in the portal it copies.
    """
    made = {}

    def get(database_url: str):
        backend = "sqlite" if database_url.startswith("sqlite") else "postgresql"
        if backend not in made:
            folder = tmp_path_factory.mktemp(f"filled-{backend}")
            url = databases.url(backend, folder)
            databases.make(url, tables=False)
            app = create_app({"TESTING": True, "DATABASE_URL": url, "INSTANCE_PATH": str(folder / "instance"),
                              "BUILD_DIR": str(folder / "build"), "SECRET_KEY": "test-secret"})
            with app.app_context():
                upgrade()
            fill(app)
            path = folder / "portal-backup.zip"
            result = run(app, "backup", str(path))
            assert result.exit_code == 0, result.output
            assert "Копия записана" in result.output
            made[backend] = (app, path, url)
        return made[backend][:2]

    yield get
    for app, _path, url in made.values():
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        databases.drop(url)


@pytest.fixture
def source(filled, database_url):
    return filled(database_url)[0]


@pytest.fixture
def archive(filled, database_url) -> Path:
    return filled(database_url)[1]


@pytest.fixture(scope="module")
def sqlite_archive(tmp_path_factory) -> Path:
    """One archive of the filled SQLite portal for the tests that only spoil it (any database restores it)."""
    folder = tmp_path_factory.mktemp("sqlite-archive")
    app = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{folder / 'portal.db'}",
                      "INSTANCE_PATH": str(folder / "instance"), "SECRET_KEY": "test-secret"})
    with app.app_context():
        upgrade()
    fill(app)
    assert run(app, "backup", str(folder / "portal-backup.zip")).exit_code == 0
    with app.app_context():
        db.engine.dispose()
    return folder / "portal-backup.zip"


@pytest.fixture
def target(database_url, tmp_path, instance):
    url, drop = _second_database(database_url, tmp_path, "target")
    yield instance(url, "target")
    drop()


def test_round_trip_gives_back_every_row_and_file(source, archive, target):
    before = contents(source)
    assert all(before["tables"][name] for name in ("organisation", "case", "revision", "audit_entry", "user"))
    result = run(target, "restore", str(archive))
    assert result.exit_code == 0, result.output
    assert "Восстановлено" in result.output
    assert contents(target) == before
    with target.app_context():
        # Ids came from the archive: the next row still gets a free id (PostgreSQL sequences were moved on).
        db.session.add(Organisation(name="Новая школа", short_name="Новая", kind=OrganisationKind.SCHOOL))
        db.session.commit()
        # The search index was rebuilt from the restored rows.
        title = db.session.scalar(sa.select(Case.title).limit(1))
        assert search.search(title, None).total >= 1


def test_restore_into_a_database_without_tables_creates_the_schema_first(source, archive, database_url, tmp_path,
                                                                          instance):
    url, drop = _second_database(database_url, tmp_path, "bare")
    try:
        bare = instance(url, "bare", migrate=False)
        result = run(bare, "restore", str(archive))
        assert result.exit_code == 0, result.output
        assert contents(bare) == contents(source)
    finally:
        drop()


def test_a_database_with_data_is_refused_unless_replace(source, archive, target, tmp_path):
    assert run(target, "init").exit_code == 0  # adds the content pages: no longer empty
    before = contents(target)
    result = run(target, "restore", str(archive))
    assert result.exit_code == 2
    assert "уже есть данные" in result.output and "--replace" in result.output
    assert contents(target) == before
    result = run(target, "restore", "--replace", str(archive))
    assert result.exit_code == 0, result.output
    assert contents(target) == contents(source)


def test_leftover_uploads_count_as_data(archive, target):
    stray = backup.upload_dir(target) / "stray.txt"
    stray.parent.mkdir(parents=True)
    stray.write_text("чужой файл", encoding="utf-8")
    assert run(target, "restore", str(archive)).exit_code == 2
    assert stray.exists()
    assert run(target, "restore", "--replace", str(archive)).exit_code == 0
    assert not stray.exists() and (backup.upload_dir(target) / "logo.png").exists()


# ---- refused archives --------------------------------------------------------------------------------------

def _rewrite(path: Path, change) -> Path:
    """A copy of the archive with members changed by change(name, data) → data | None (None: drop it)."""
    out = path.with_name("changed.zip")
    with zipfile.ZipFile(path) as old, zipfile.ZipFile(out, "w") as new:
        for info in old.infolist():
            data = change(info.filename, old.read(info.filename))
            if data is not None:
                new.writestr(info.filename, data)
    return out


def _with_manifest(path: Path, **changes) -> Path:
    def change(name, data):
        if name != backup.MANIFEST:
            return data
        manifest = json.loads(data)
        manifest.update(changes)
        return json.dumps(manifest)

    return _rewrite(path, change)


def _flip_a_byte(path: Path) -> Path:
    data = bytearray(path.read_bytes())
    data[len(data) // 3] ^= 0xFF  # somewhere in the compressed rows: the zip's CRC or inflate fails
    out = path.with_name("flipped.zip")
    out.write_bytes(bytes(data))
    return out


def _cut(path: Path) -> Path:
    out = path.with_name("cut.zip")
    out.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    return out


def _not_an_archive(path: Path) -> Path:
    out = path.with_name("text.zip")
    out.write_text("не архив", encoding="utf-8")
    return out


def _add_member(path: Path, name: str, data: bytes, listed: bool = False) -> Path:
    """Add a member; `listed`: with its right checksum in the manifest, so that only its name is wrong."""
    import hashlib

    def change(member, content):
        if listed and member == backup.MANIFEST:
            manifest = json.loads(content)
            manifest["members"][name] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
            return json.dumps(manifest)
        return content

    out = _rewrite(path, change)
    with zipfile.ZipFile(out, "a") as opened:
        opened.writestr(name, data)
    return out


DAMAGES = {
    "truncated": _cut,
    "not an archive": _not_an_archive,
    "flipped byte": _flip_a_byte,
    "changed row": lambda p: _rewrite(p, lambda n, d: d.replace(b"1", b"2", 1) if n == "data/organisation.jsonl"
                                      else d),
    "missing member": lambda p: _rewrite(p, lambda n, d: None if n == "data/case.jsonl" else d),
    "unlisted member": lambda p: _add_member(p, "uploads/extra.txt", b"x"),
    "path outside uploads": lambda p: _add_member(p, "uploads/../../evil.txt", b"x", listed=True),
    "no manifest": lambda p: _rewrite(p, lambda n, d: None if n == backup.MANIFEST else d),
    "manifest not json": lambda p: _rewrite(p, lambda n, d: b"{oops" if n == backup.MANIFEST else d),
    "other format": lambda p: _with_manifest(p, format="something-else"),
    "format of the future": lambda p: _with_manifest(p, format_version=99),
    "newer schema": lambda p: _with_manifest(p, schema_version="0099_from_the_future"),
    "older schema": lambda p: _with_manifest(p, schema_version="0001_initial_schema"),
    "unknown table": lambda p: _with_manifest(p, tables=[{"name": "nope", "columns": [], "rows": 0,
                                                          "file": "data/case.jsonl"}]),
    "missing file": lambda p: p.with_name("nowhere.zip"),
}


def _some_data(app) -> None:
    """Content pages and one uploaded file: quicker than the demo data set."""
    assert run(app, "init").exit_code == 0
    upload = backup.upload_dir(app) / "своё.txt"
    upload.parent.mkdir(parents=True, exist_ok=True)
    upload.write_text("файл этого портала", encoding="utf-8")


@pytest.mark.parametrize("damage", DAMAGES)
def test_a_damaged_or_foreign_archive_is_refused_and_nothing_changes(sqlite_archive, target, damage, tmp_path):
    # A portal with data, restored over with --replace: the strongest test that a refusal touches nothing.
    _some_data(target)
    before = contents(target)
    archive = tmp_path / "portal-backup.zip"
    archive.write_bytes(sqlite_archive.read_bytes())
    bad = DAMAGES[damage](archive)
    result = run(target, "restore", "--replace", str(bad))
    assert result.exit_code == 1, result.output
    assert "Ошибка:" in result.output and "Ничего не изменено" in result.output or "Нет такого файла" in result.output
    if damage == "newer schema":
        assert "более новой версией портала" in result.output
    assert contents(target) == before
    leftovers = [p.name for p in backup.upload_dir(target).parent.iterdir() if p.name.startswith(".uploads")]
    assert not leftovers


def test_a_failure_while_loading_rolls_everything_back(sqlite_archive, target, monkeypatch):
    _some_data(target)
    before = contents(target)
    real_load = backup.restore._load

    def load_then_fail(connection, archive_file, table, columns, name):
        if table.name == "case":
            raise backup.BackupError("Не удалось загрузить таблицу case. Ничего не изменено.")
        return real_load(connection, archive_file, table, columns, name)

    monkeypatch.setattr(backup.restore, "_load", load_then_fail)
    result = run(target, "restore", "--replace", str(sqlite_archive))
    assert result.exit_code == 1 and "Ничего не изменено" in result.output
    assert contents(target) == before


def test_a_failed_commit_puts_the_previous_uploads_back(sqlite_archive, target):
    _some_data(target)
    before = contents(target)

    def refuse(_connection):
        raise sa.exc.OperationalError("COMMIT", {}, Exception("disk I/O error"))

    with target.app_context():
        engine = db.engine
    sa.event.listen(engine, "commit", refuse)
    try:
        result = run(target, "restore", "--replace", str(sqlite_archive))
    finally:
        sa.event.remove(engine, "commit", refuse)
    assert result.exit_code == 1 and "База данных отказала" in result.output, result.output
    assert contents(target) == before
    assert not [p for p in backup.upload_dir(target).parent.iterdir() if p.name.startswith(".uploads")]


def test_backup_to_an_unwritable_place_fails_with_exit_code_1(source, tmp_path):
    result = run(source, "backup", str(tmp_path / "no-such-folder" / "b.zip"))
    assert result.exit_code == 1 and "Не удалось записать" in result.output
    assert not list(tmp_path.glob("**/.b.zip.tmp-*"))


def test_the_archive_describes_itself(archive):
    with zipfile.ZipFile(archive) as opened:
        manifest = json.loads(opened.read(backup.MANIFEST))
        names = [entry["name"] for entry in manifest["tables"]]
        # Parents before children, so a restore can insert in this order.
        assert names.index("organisation") < names.index("case") < names.index("case_tag")
        assert manifest["schema_version"] and manifest["format"] == backup.FORMAT
        assert {f"uploads/{name}" for name in UPLOADS} <= set(manifest["members"])
        first = json.loads(io.TextIOWrapper(opened.open("data/organisation.jsonl"), encoding="utf-8").readline())
        assert len(first) == len(next(e for e in manifest["tables"] if e["name"] == "organisation")["columns"])


# ---- every kind of value, and tables the portal gains later --------------------------------------------

class Colour(enum.Enum):
    RED = "красный"
    BLUE = "синий"


def _probe_metadata() -> tuple[sa.MetaData, sa.Table]:
    """The portal's tables plus one with every awkward type, as another team's new model would add."""
    metadata = sa.MetaData()
    for table in db.metadata.sorted_tables:
        table.to_metadata(metadata)
    probe = sa.Table(
        "backup_probe", metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("parent_id", sa.ForeignKey("backup_probe.id")),
        sa.Column("organisation_id", sa.ForeignKey("organisation.id")),
        sa.Column("at", sa.DateTime(timezone=True)),
        sa.Column("naive", sa.DateTime),
        sa.Column("day", sa.Date),
        sa.Column("amount", sa.Numeric(14, 4)),
        sa.Column("ratio", sa.Float),
        sa.Column("flag", sa.Boolean),
        sa.Column("blob", sa.LargeBinary),
        sa.Column("data", sa.JSON),
        sa.Column("token", sa.Uuid),
        sa.Column("colour", sa.Enum(Colour, native_enum=False)),
        sa.Column("span", sa.Interval),
        sa.Column("note", sa.Text),
    )
    return metadata, probe


PROBE_ROWS = [
    # Children before their parent: the restore has to order a tree itself.
    {"id": 1, "parent_id": 3, "organisation_id": None, "at": None, "naive": None, "day": None, "amount": None,
     "ratio": None, "flag": None, "blob": None, "data": None, "token": None, "colour": None, "span": None,
     "note": None},
    {"id": 2, "parent_id": 3, "organisation_id": None, "at": datetime(2025, 3, 30, 2, 30, tzinfo=timezone.utc),
     "naive": datetime(2024, 2, 29, 23, 59, 59, 999999), "day": date(1900, 1, 1), "amount": Decimal("-12345.6789"),
     "ratio": 0.1, "flag": False, "blob": b"\x00\xff\x10" * 100, "data": [1, "два", {"три": [None, True]}],
     "token": uuid.UUID(int=7), "colour": Colour.BLUE, "span": timedelta(days=400, microseconds=1),
     "note": "строка\nс переводом, «кавычками» и эмодзи 🙂"},
    {"id": 3, "parent_id": None, "organisation_id": None,
     "at": datetime(2026, 1, 1, 0, 0, tzinfo=timezone(timedelta(hours=5))), "naive": datetime(2026, 1, 1),
     "day": date(2026, 12, 31), "amount": Decimal("0.0001"), "ratio": -1e300, "flag": True, "blob": b"",
     "data": {"ключ": "значение", "n": 10 ** 15}, "token": uuid.UUID(int=2 ** 128 - 1), "colour": Colour.RED,
     "span": timedelta(0), "note": ""},
]


def test_every_kind_of_value_and_a_new_table_survive(fresh_source, target, tmp_path, monkeypatch):
    source = fresh_source
    metadata, probe = _probe_metadata()
    monkeypatch.setattr(backup.instance, "metadata", lambda: metadata)
    for app in (source, target):
        with app.app_context():
            probe.create(db.engine)
    with source.app_context():
        with db.engine.begin() as connection:
            connection.execute(probe.insert(), [PROBE_ROWS[2], PROBE_ROWS[0], PROBE_ROWS[1]])
        with db.engine.connect() as connection:
            written = connection.execute(sa.select(probe).order_by(probe.c.id)).all()
    assert run(source, "backup", str(tmp_path / "probe.zip")).exit_code == 0
    result = run(target, "restore", str(tmp_path / "probe.zip"))
    assert result.exit_code == 0, result.output
    with target.app_context():
        with db.engine.connect() as connection:
            restored = connection.execute(sa.select(probe).order_by(probe.c.id)).all()
    assert restored == written
    assert restored[1].amount == Decimal("-12345.6789") and restored[1].blob == b"\x00\xff\x10" * 100
    if target.config["DATABASE_URL"].startswith("postgresql"):
        # PostgreSQL keeps the moment of a time-zone-aware date exactly.
        assert restored[2].at == datetime(2025, 12, 31, 19, 0, tzinfo=timezone.utc)


# ---- across databases ------------------------------------------------------------------------------------

@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="needs TEST_DATABASE_URL (PostgreSQL)")
def test_a_sqlite_backup_restores_into_postgresql(tmp_path, instance):
    source = instance(f"sqlite:///{tmp_path / 'source.db'}", "source")
    fill(source)
    assert run(source, "backup", str(tmp_path / "move.zip")).exit_code == 0
    url, drop = _postgres_schema(normalise_database_url(os.environ["TEST_DATABASE_URL"]))
    try:
        target = instance(url, "target")
        result = run(target, "restore", str(tmp_path / "move.zip"))
        assert result.exit_code == 0, result.output
        assert contents(target) == contents(source)
        with target.app_context():
            db.session.add(Organisation(name="Новая школа", short_name="Новая", kind=OrganisationKind.SCHOOL))
            db.session.commit()
        # And back: PostgreSQL → SQLite gives the same rows again.
        assert run(target, "backup", str(tmp_path / "back.zip")).exit_code == 0
        again = instance(f"sqlite:///{tmp_path / 'again.db'}", "again")
        assert run(again, "restore", str(tmp_path / "back.zip")).exit_code == 0
        assert contents(again) == contents(target)
    finally:
        drop()
