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


@main.command("serve")
@click.option("--host", default=None, help="Адрес (по умолчанию — настройка HOST).")
@click.option("--port", default=None, type=int, help="Порт (по умолчанию — настройка PORT).")
@with_appcontext
def serve_command(host: str | None, port: int | None) -> None:
    """Запустить портал: админка — /admin/, опубликованный сайт (папка BUILD_DIR) — /."""
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
    from portal.serve import PublishedSite, RequestHandler

    run_simple(host, port, PublishedSite(app, app.config["BUILD_DIR"]), threaded=True, use_reloader=False,
               use_debugger=False, request_handler=RequestHandler)


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

    report = publishing.run_build(current_app._get_current_object(), full=full, base_url=base_url,
                                  show_progress=sys.stdout.isatty())
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
    """Разобрать дорожную карту (.txt с таблицей или .docx) и вывести JSON; ничего не сохраняется.

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


class _SearchGroup(click.Group):
    """`portal search QUERY` runs the `query` command; `portal search reindex` rebuilds the index."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ctx.help_option_names:
            args = ["query", *args]
        return super().parse_args(ctx, args)


@main.group("search", cls=_SearchGroup)
def search_group() -> None:
    """Поиск по админке: `portal search ЗАПРОС` или `portal search reindex`."""


@search_group.command("reindex")
@with_appcontext
def search_reindex_command() -> None:
    """Перестроить поисковый индекс админки из базы данных (все записи, черновики тоже).

    Код выхода 0 — индекс перестроен, 1 — не удалось (прежний индекс не тронут).
    """
    import time

    from portal import search

    started = time.perf_counter()
    try:
        count = search.reindex()
    except Exception as error:  # noqa: BLE001 — any failure is reported and leaves the old index
        click.echo(f"Ошибка: индекс не перестроен: {error}", err=True)
        sys.exit(1)
    click.echo(f"Индекс перестроен: записей — {count}, {time.perf_counter() - started:.1f} с.")


@search_group.command("query")
@click.argument("words", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Вывести результаты в JSON.")
@click.option("--as", "email", metavar="EMAIL", help="Искать с правами этого пользователя (по умолчанию — всё).")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000),
              help="Сколько результатов вывести.")
@with_appcontext
def search_query_command(words: tuple[str, ...], as_json: bool, email: str | None, limit: int) -> None:
    """Найти записи по словам (любая форма слова): тип, название, адрес в админке, оценка.

    Код выхода 0 — найдено, 2 — ничего не найдено, 1 — ошибка (нет такого пользователя, индекс не прочитать).
    """
    import sqlalchemy as sa

    from portal import search
    from portal.extensions import db
    from portal.models import User

    user = None
    if email:
        user = db.session.scalar(sa.select(User).where(sa.func.lower(User.email) == email.strip().lower()))
        if user is None or not user.active:
            click.echo(f"Ошибка: нет действующего пользователя {email}.", err=True)
            sys.exit(1)
    try:
        results = search.search(" ".join(words), user, per_page=limit, highlights=False)
    except search.SearchError as error:
        click.echo(f"Ошибка: поисковый индекс не прочитать ({error}). Выполните `portal search reindex`.", err=True)
        sys.exit(1)
    if as_json:
        click.echo(json.dumps({
            "query": results.query, "total": results.total,
            "results": [{"type": hit.kind, "type_label": hit.label, "id": hit.id, "title": hit.title,
                         "url": hit.url, "score": hit.score} for hit in results.hits],
        }, ensure_ascii=False, indent=2))
    else:
        for hit in results.hits:
            click.echo(f"{hit.label}\t{hit.title}\t{hit.url}\t{hit.score:.2f}")
        shown = f" (показано {len(results.hits)})" if results.total > len(results.hits) else ""
        click.echo(f"Найдено: {results.total}{shown}." if results.total else "Ничего не найдено.",
                   err=not results.total)
    if not results.total:
        sys.exit(2)


@main.command("backup")
@click.argument("file", type=click.Path(dir_okay=False))
@with_appcontext
def backup_command(file: str) -> None:
    """Сохранить резервную копию портала в один архив .zip: все записи всех таблиц базы, версию схемы базы и
    папку загруженных файлов, с описью и контрольными суммами. Портал может работать во время копирования.

    Код выхода 0 — копия записана, 1 — не удалось (файл FILE не создан и не изменён).
    """
    from portal import backup

    try:
        summary = backup.create_backup(file)
    except backup.BackupError as error:
        click.echo(f"Ошибка: {error}", err=True)
        sys.exit(1)
    for warning in summary.warnings:
        click.echo(f"Предупреждение. {warning}", err=True)
    click.echo(f"Копия записана в {file}: таблиц — {len(summary.tables)}, записей — {summary.rows}, файлов — "
               f"{summary.files}, схема базы — {summary.schema_version or 'без версии'}.")


@main.command("restore")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--replace", is_flag=True,
              help="Заменить всё, что уже есть в базе и в папке загрузок, содержимым копии. Без этого флага "
                   "копия восстанавливается только в пустой портал.")
@with_appcontext
def restore_command(file: str, replace: bool) -> None:
    """Восстановить портал из копии, сделанной `portal backup`: записи, загруженные файлы, затем поисковый индекс.

    Восстанавливает в пустую базу (новую базу сначала создаёт); база с данными — только с --replace. Весь архив
    проверяется до начала, записи загружаются одной транзакцией: повреждённый архив или архив более новой версии
    портала отвергается, и ничего не меняется. Остановите портал на время восстановления; после него опубликуйте
    сайт (`portal build --full`).

    Код выхода 0 — восстановлено, 1 — архив повреждён, не той версии или не загрузился (ничего не изменено),
    2 — в портале уже есть данные, а --replace не указан (ничего не изменено).
    """
    from portal import backup

    try:
        summary = backup.restore_backup(file, replace=replace)
    except backup.NotEmpty as error:
        click.echo(f"Ошибка: {error}", err=True)
        sys.exit(2)
    except backup.BackupError as error:
        click.echo(f"Ошибка: {error}", err=True)
        sys.exit(1)
    for warning in summary.warnings:
        click.echo(f"Предупреждение. {warning}", err=True)
    click.echo(f"Восстановлено из {file}: таблиц — {len(summary.tables)}, записей — {summary.rows}, файлов — "
               f"{summary.files}. Опубликуйте сайт заново: portal build --full.")
