"""Settings: declared once, read from PORTAL_<NAME>, all listed in the README."""
from __future__ import annotations

from pathlib import Path

from portal import config, create_app

README = Path(__file__).resolve().parent.parent / "README.md"


def test_every_setting_is_documented_in_the_readme():
    readme = README.read_text(encoding="utf-8")
    missing = [s.name for s in config.SETTINGS if f"PORTAL_{s.name}" not in readme]
    assert not missing


def test_every_setting_has_help():
    assert all(s.help.strip() for s in config.SETTINGS)


def test_environment_variables_override_defaults(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path / "inst"))
    monkeypatch.setenv("PORTAL_ITEMS_PER_PAGE", "7")
    monkeypatch.setenv("PORTAL_SITE_NAME", "Наставничество Заречного")
    monkeypatch.setenv("PORTAL_SESSION_COOKIE_SECURE", "true")
    values = config.load()
    assert values["ITEMS_PER_PAGE"] == 7
    assert values["SITE_NAME"] == "Наставничество Заречного"
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["DATABASE_URL"] == f"sqlite:///{tmp_path / 'inst' / 'portal.db'}"


def test_explicit_settings_win_over_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTAL_SITE_NAME", "Из окружения")
    assert config.load({"SITE_NAME": "Явно", "INSTANCE_PATH": str(tmp_path)})["SITE_NAME"] == "Явно"


def test_postgresql_urls_use_psycopg3():
    assert config.normalise_database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert config.normalise_database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert config.normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_secret_key_is_generated_once_and_kept(tmp_path):
    first = config.load({"INSTANCE_PATH": str(tmp_path)})["SECRET_KEY"]
    second = config.load({"INSTANCE_PATH": str(tmp_path)})["SECRET_KEY"]
    assert first == second and len(first) == 64
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_two_portals_side_by_side_keep_their_own_state(tmp_path):
    one = create_app({"INSTANCE_PATH": str(tmp_path / "one"), "BUILD_DIR": str(tmp_path / "b1")})
    two = create_app({"INSTANCE_PATH": str(tmp_path / "two"), "BUILD_DIR": str(tmp_path / "b2")})
    assert one.config["DATABASE_URL"] != two.config["DATABASE_URL"]
    assert one.config["SECRET_KEY"] != two.config["SECRET_KEY"]
    assert one.instance_path != two.instance_path


def test_the_site_address_follows_the_port_unless_set(monkeypatch, tmp_path):
    # Feeds, the sitemap and .ics links pointed at :5000 whatever port `portal serve` listened on.
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    monkeypatch.delenv("PORTAL_SITE_URL", raising=False)
    monkeypatch.setenv("PORTAL_PORT", "8081")
    assert config.load()["SITE_URL"] == "http://127.0.0.1:8081/"
    monkeypatch.setenv("PORTAL_HOST", "0.0.0.0")
    assert config.load()["SITE_URL"] == "http://127.0.0.1:8081/"
    monkeypatch.setenv("PORTAL_SITE_URL", "https://nastavnik.example.ru/")
    assert config.load()["SITE_URL"] == "https://nastavnik.example.ru/"
