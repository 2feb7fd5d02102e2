"""The `portal` command group: init, demo, user create, serve (plus Flask's own routes and shell)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext
from flask_migrate import upgrade
from werkzeug.serving import run_simple

from portal import create_app, demo
from portal.accounts import AccountError, create_user
from portal.models import UserRole

DEMO_HINT_FILE = "demo_login.txt"


@click.group(cls=FlaskGroup, create_app=create_app, add_version_option=False, load_dotenv=False)
def main() -> None:
    """Портал наставничества: админка и публикуемый сайт."""


@main.command("init")
@with_appcontext
def init_command() -> None:
    """Create or migrate the database to the newest schema and add missing content pages."""
    upgrade()
    created = demo.load_pages(Path(current_app.config["CONTENT_DIR"]) / "pages")
    click.echo(f"База данных готова: {_safe_url()}. Новых страниц: {created}.")


@main.command("demo")
@with_appcontext
def demo_command() -> None:
    """Load the demo data set from content/demo/ (idempotent: a second run adds nothing)."""
    demo_dir = Path(current_app.config["CONTENT_DIR"]) / "demo"
    try:
        created = demo.load_demo(demo_dir)
    except ValueError as error:
        click.echo(f"Ошибка в демо-данных: {error}", err=True)
        sys.exit(1)
    if created:
        click.echo("Загружено: " + ", ".join(f"{kind} — {n}" for kind, n in created.items()) + ".")
    else:
        click.echo("Демо-данные уже загружены, ничего не добавлено.")
    logins = demo.demo_logins(demo_dir)
    # `portal serve` prints it again, so that `make run` ends with the login on screen.
    (Path(current_app.instance_path) / DEMO_HINT_FILE).write_text(logins + "\n", encoding="utf-8")
    click.echo(logins)


@main.group("user")
def user_group() -> None:
    """Manage users of the admin."""


@user_group.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in UserRole]), required=True, help="Role of the user.")
@click.option("--org", "orgs", multiple=True, metavar="SLUG", help="Organisation of a curator (repeatable).")
@click.option("--name", default="", help="Name shown in the admin.")
@click.password_option("--password", help="Password (asked for when not given; at least 10 characters).")
@with_appcontext
def user_create_command(email: str, role: str, orgs: tuple[str, ...], name: str, password: str) -> None:
    """Create a user; the first admin is made this way."""
    try:
        user = create_user(email, role, password, orgs, name=name)
    except AccountError as error:
        click.echo(f"Ошибка: {error}", err=True)
        sys.exit(1)
    click.echo(f"Создан пользователь {user.email} ({user.role.label}).")


@main.command("serve")
@click.option("--host", default=None, help="Address to listen on (default: the HOST setting).")
@click.option("--port", default=None, type=int, help="Port (default: the PORT setting).")
@with_appcontext
def serve_command(host: str | None, port: int | None) -> None:
    """Start the portal: the admin at /admin/ and the site at /."""
    app = current_app._get_current_object()
    host = host or app.config["HOST"]
    port = port or app.config["PORT"]
    base = f"http://{host}:{port}"
    click.echo(f"Админка:  {base}/admin/  (вход: {base}/admin/login)")
    click.echo(f"Сайт:     {base}/")
    hint = Path(app.instance_path) / DEMO_HINT_FILE
    if hint.exists():
        click.echo(hint.read_text(encoding="utf-8").rstrip())
    click.echo("Остановить: Ctrl+C")
    # Not app.run(): Flask ignores it inside its own CLI. Werkzeug's server is enough for one editor's
    # machine; a production deployment puts a WSGI server in front of create_app().
    run_simple(host, port, app, threaded=True, use_reloader=False, use_debugger=False)


@main.group("roadmap")
def roadmap_group() -> None:
    """Roadmaps: parse and import what schools paste or send as Word documents."""


def _parse_file(path: str, year: int | None):
    from portal.roadmaps.parse import parse_table
    from portal.roadmaps.tables import UnreadableFile, read_bytes

    try:
        data = Path(path).read_bytes()
        return parse_table(read_bytes(data, path), year)
    except (OSError, UnreadableFile) as error:
        click.echo(f"Ошибка: {error}", err=True)
        sys.exit(1)


@roadmap_group.command("parse")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--year", type=int, help="Year of the document, for deadlines written without one.")
def roadmap_parse_command(file: str, year: int | None) -> None:
    """Parse a roadmap (.txt table text or .docx) and print it as JSON; nothing is saved.

    Exit code 0 when stages were found, 2 when the table gave none (see "warnings").
    """
    parsed = _parse_file(file, year)
    click.echo(json.dumps(parsed.to_json(), ensure_ascii=False, indent=2))
    if not parsed.stages:
        sys.exit(2)


@roadmap_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--org", "org_slug", required=True, metavar="SLUG", help="Organisation the roadmap belongs to.")
@click.option("--year", type=int, help="Year of the document, for deadlines written without one.")
@click.option("--title", default=None, help="Title of the roadmap (default: the document's).")
@with_appcontext
def roadmap_import_command(file: str, org_slug: str, year: int | None, title: str | None) -> None:
    """Parse a roadmap file and save it as a draft roadmap of the organisation (all or nothing)."""
    import sqlalchemy as sa

    from portal.extensions import db
    from portal.models import Organisation
    from portal.roadmaps import importer

    organisation = db.session.scalar(sa.select(Organisation).where(Organisation.slug == org_slug))
    if organisation is None:
        click.echo(f"Ошибка: нет организации с адресом «{org_slug}».", err=True)
        sys.exit(1)
    parsed = _parse_file(file, year)
    for line, message in parsed.warnings:
        click.echo(f"Предупреждение{f' (строка {line})' if line else ''}: {message}", err=True)
    try:
        roadmap = importer.save(parsed, organisation, title=title)
    except importer.NothingToSave as error:
        click.echo(f"Ошибка: {error}", err=True)
        sys.exit(1)
    click.echo(f"Сохранена дорожная карта «{roadmap.title}» ({roadmap.slug}): этапов — {len(parsed.stages)}, "
               f"мероприятий — {parsed.activity_count}, черновик.")


def _safe_url() -> str:
    """The database URL without a password, for messages."""
    from sqlalchemy.engine import make_url

    return make_url(current_app.config["DATABASE_URL"]).render_as_string(hide_password=True)
