"""The `portal` command group: init, demo, user create, serve, build, roadmap, registry, search, backup, restore
(plus Flask's own routes and shell)."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext
from flask_migrate import upgrade

from portal import create_app, demo
from portal.accounts import AccountError, create_user
from portal.cli.serve import DEMO_HINT_FILE
from portal.models import UserRole



class PortalGroup(FlaskGroup):
    """Our commands, with Russian help. Flask's own (run, shell, routes) are left out: `portal serve` starts the
    portal; Flask-Limiter's maintenance group is hidden, Flask-Migrate's `db` is explained in Russian."""

    HIDDEN = {"limiter"}

    def __init__(self, **kwargs):
        super().__init__(add_default_commands=False, add_version_option=False, load_dotenv=False,
                         set_debug_flag=False, **kwargs)
        for param in self.params:  # Flask's --app: the portal knows its app
            param.hidden = True

    def list_commands(self, ctx):
        return [name for name in super().list_commands(ctx) if name not in self.HIDDEN]

    def get_command(self, ctx, name):
        command = super().get_command(ctx, name)
        if name == "db" and command is not None:
            command.short_help = "Миграции базы данных: upgrade, migrate (Flask-Migrate)."
            command.help = ("Миграции базы данных (Flask-Migrate): `portal db upgrade` — обновить схему, "
                            "`portal db migrate -m …` — записать миграцию после изменения моделей.")
        return command


@click.group(cls=PortalGroup, create_app=create_app)
def main() -> None:
    """Портал наставничества: админка и публикуемый сайт.

    Начало работы: `portal init`, `portal demo`, `portal build`, `portal serve`.
    """


@main.command("init")
@with_appcontext
def init_command() -> None:
    """Создать или обновить базу данных до последней схемы и добавить недостающие страницы сайта."""
    upgrade()
    created = demo.load_pages(Path(current_app.config["CONTENT_DIR"]) / "pages")
    click.echo(f"База данных готова: {_safe_url()}. Новых страниц: {created}.")


@main.command("demo")
@with_appcontext
def demo_command() -> None:
    """Загрузить демо-данные из content/demo/ (повторный запуск ничего не добавляет)."""
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
    """Пользователи админки."""


@user_group.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in UserRole]), required=True, help="Роль: admin, editor или curator.")
@click.option("--org", "orgs", multiple=True, metavar="SLUG", help="Организация куратора (можно указать несколько раз).")
@click.option("--name", default="", help="Имя, которое видно в админке.")
@click.password_option("--password", prompt="Пароль", confirmation_prompt="Повторите пароль",
                       help="Пароль не короче 10 символов; если не указан, будет запрошен.")
@with_appcontext
def user_create_command(email: str, role: str, orgs: tuple[str, ...], name: str, password: str) -> None:
    """Создать пользователя — так создаётся первый администратор."""
    try:
        user = create_user(email, role, password, orgs, name=name)
    except AccountError as error:
        click.echo(f"Ошибка: {error}", err=True)
        sys.exit(1)
    click.echo(f"Создан пользователь {user.email} ({user.role.label}).")


@main.command("build")
@click.option("--full", is_flag=True, help="Отрисовать все страницы заново, а не только изменённые.")
@click.option("--base-url", default=None, metavar="URL",
              help="Адрес, по которому будет открыт сайт, например https://example.org/nastavnichestvo/.")
@with_appcontext
def build_command(full: bool, base_url: str | None) -> None:
    """Опубликовать сайт в папку BUILD_DIR: страницы, поиск, ленты, открытые данные.

    Код выхода 0 — сайт опубликован, 1 — публикация не удалась (прежний сайт не тронут).
    """
    from portal.publish import publishing

    app = current_app._get_current_object()
    if sys.stdout.isatty():
        with click.progressbar(length=1, label="Публикация", show_pos=True) as bar:
            def progress(done: int, total: int, url: str) -> None:
                bar.length = total
                bar.update(done - bar.pos, url)

            report = publishing.run_build(app, full=full, base_url=base_url, progress=progress)
    else:
        report = publishing.run_build(app, full=full, base_url=base_url)
    click.echo(report.summary(), err=not report.ok)
    if not report.ok:
        sys.exit(1)


@main.group("roadmap")
def roadmap_group() -> None:
    """Дорожные карты: разбор и импорт таблиц из Word и PDF."""


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
@click.option("--year", type=int, help="Год документа — для сроков без года («до 10 декабря»).")
def roadmap_parse_command(file: str, year: int | None) -> None:
    """Разобрать дорожную карту (.txt с таблицей, .docx или .pdf) и вывести JSON; ничего не сохраняется.

    Код выхода 0 — этапы найдены, 2 — не найдено ни одного этапа (см. «warnings»), 1 — файл не прочитать.
    """
    parsed = _parse_file(file, year)
    click.echo(json.dumps(parsed.to_json(), ensure_ascii=False, indent=2))
    if not parsed.stages:
        sys.exit(2)


@roadmap_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--org", "org_slug", required=True, metavar="SLUG", help="Адрес организации, которой принадлежит карта.")
@click.option("--year", type=int, help="Год документа — для сроков без года («до 10 декабря»).")
@click.option("--title", default=None, help="Название карты (по умолчанию — из документа).")
@with_appcontext
def roadmap_import_command(file: str, org_slug: str, year: int | None, title: str | None) -> None:
    """Разобрать файл и сохранить черновик дорожной карты организации (всё или ничего)."""
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



@main.group("registry")
def registry_group() -> None:
    """Базы наставников и наставляемых: импорт из .xlsx и .csv, выгрузка по формам методологии."""


@registry_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Только проверить файл и показать, что изменится; ничего не сохранять.")
@with_appcontext
def registry_import_command(file: str, dry_run: bool) -> None:
    """Импортировать участников из .xlsx или .csv (UTF-8 или Windows-1251, разделитель «;» или «,»).

    Столбцы узнаются по заголовкам в любом порядке: ФИО, Роль, Организация (обязательные), Категория,
    Должность, Форма наставничества, Ключевые компетенции, Дата вхождения в программу, Телефон, Email,
    Несовершеннолетний, Согласие на обработку, Согласие на распространение. Всё или ничего: если хоть одна
    строка с ошибкой, ничего не сохраняется, а выводятся все ошибки с номерами строк. Повторный импорт того же
    файла не создаёт дублей: участник с тем же ФИО в той же организации обновляется.

    Код выхода 0 — импортировано (с --dry-run: ошибок нет, ничего не сохранено), 1 — файл не прочитать или в
    нём есть строки с ошибками (ничего не сохранено).
    """
    from portal.registries.io import RegistryFileError, read_registry, save_registry

    try:
        plan = read_registry(Path(file).read_bytes(), file)
    except OSError as error:
        click.echo(f"Ошибка: не удалось прочитать файл: {error.strerror or error}.", err=True)
        sys.exit(1)
    except RegistryFileError as error:
        click.echo(f"Ошибка: {error}", err=True)
        sys.exit(1)
    click.echo(f"Прочитано: {plan.source}, участников — {len(plan.persons)}.")
    if plan.ignored_columns:
        click.echo("Пропущены столбцы: " + ", ".join(f"«{c}»" for c in plan.ignored_columns) + ".")
    for warning in plan.warnings:
        click.echo(f"Предупреждение. {warning}")
    if plan.errors:
        for error in plan.errors:
            click.echo(str(error), err=True)
        rows = len({error.row for error in plan.errors})
        click.echo(f"Ошибок: {len(plan.errors)} (строк с ошибками: {rows}). Ничего не сохранено: исправьте файл и "
                   "загрузите его снова.", err=True)
        sys.exit(1)
    if dry_run:
        click.echo(f"Проверка пройдена: будет создано — {plan.created}, обновлено — {plan.updated}, без изменений — "
                   f"{plan.unchanged}. Ничего не сохранено (--dry-run).")
        return
    saved = save_registry(plan)
    click.echo(f"Импортировано: создано — {saved.created}, обновлено — {saved.updated}, без изменений — "
               f"{saved.unchanged}.")


@registry_group.command("export")
@click.option("--kind", type=click.Choice(["mentors", "mentees", "programs", "pairings"]), required=True,
              help="Что выгрузить: mentors — база наставников, mentees — база наставляемых, programs — программы, "
                   "pairings — наставнические пары.")
@click.option("--format", "fmt", type=click.Choice(["xlsx", "csv"]), default=None,
              help="Формат файла (по умолчанию — по расширению файла, иначе xlsx).")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False), help="Куда записать файл.")
@click.option("--org", "orgs", multiple=True, metavar="SLUG",
              help="Только эта организация (можно указать несколько раз; по умолчанию — все).")
@with_appcontext
def registry_export_command(kind: str, fmt: str | None, output: str, orgs: tuple[str, ...]) -> None:
    """Выгрузить реестр в .xlsx или .csv со столбцами форм методологии.

    В файле есть контакты участников: это документ организации, не публикуйте его.

    Код выхода 0 — файл записан, 1 — нет такой организации или файл не записать.
    """
    import sqlalchemy as sa

    from portal.extensions import db
    from portal.models import Organisation
    from portal.registries.io import export_registry

    organisation_ids = None
    if orgs:
        found = dict(db.session.execute(sa.select(Organisation.slug, Organisation.id)
                                        .where(Organisation.slug.in_(orgs))).all())
        missing = [slug for slug in orgs if slug not in found]
        if missing:
            click.echo(f"Ошибка: нет организации с адресом {', '.join(f'«{m}»' for m in missing)}.", err=True)
            sys.exit(1)
        organisation_ids = set(found.values())
    fmt = fmt or ("csv" if output.lower().endswith(".csv") else "xlsx")
    data = export_registry(kind, fmt, organisation_ids=organisation_ids)
    try:
        Path(output).write_bytes(data)
    except OSError as error:
        click.echo(f"Ошибка: не удалось записать {output}: {error.strerror or error}.", err=True)
        sys.exit(1)
    click.echo(f"Записан файл {output} ({fmt}, {len(data) // 1024 + 1} КБ).")

def _safe_url() -> str:
    """The database URL without a password, for messages."""
    from sqlalchemy.engine import make_url

    return make_url(current_app.config["DATABASE_URL"]).render_as_string(hide_password=True)


def _register_command_groups() -> None:
    """One module per command group beside this one."""
    from portal.cli import backup, search, serve
    from portal.documents.cli import documents_group

    main.add_command(serve.serve_command)
    main.add_command(serve.worker_command)
    main.add_command(search.search_group)
    main.add_command(backup.backup_command)
    main.add_command(backup.restore_command)
    main.add_command(documents_group)  # `portal documents` (issue #24)


_register_command_groups()
