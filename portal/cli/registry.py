"""`portal registry`: the registries of mentors and mentees in and out of spreadsheets."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext


@click.group("registry")
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
