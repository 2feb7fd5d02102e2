"""`portal backup` and `portal restore`: the whole portal in one archive and back."""
from __future__ import annotations

import logging
import sys
from pathlib import Path

import click
from flask.cli import with_appcontext


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False), required=False)
@click.option("--into", "folder", type=click.Path(file_okay=False), default=None,
              help="Записать копию в эту папку под именем portal-ГГГГММДД-ЧЧММСС.zip (время UTC) вместо FILE.")
@click.option("--keep-days", type=click.IntRange(min=1), default=None,
              help="С --into: после записи удалить из папки копии старше стольких дней (только файлы portal-*.zip).")
@with_appcontext
def backup_command(file: str | None, folder: str | None, keep_days: int | None) -> None:
    """Сохранить резервную копию портала в один архив .zip: все записи всех таблиц базы, версию схемы базы и
    папку загруженных файлов, с описью и контрольными суммами. Портал может работать во время копирования.

    Ежедневные копии (таймер systemd из deploy/): `portal backup --into /var/backups/portal --keep-days 14`.

    Код выхода 0 — копия записана, 1 — не удалось (файл FILE не создан и не изменён), 2 — неверные аргументы.
    """
    from portal import backup
    from portal.backup import rotation

    if (file is None) == (folder is None):
        click.echo("Ошибка: укажите либо файл копии, либо папку (--into).", err=True)
        sys.exit(2)
    if keep_days is not None and folder is None:
        click.echo("Ошибка: --keep-days работает только с --into.", err=True)
        sys.exit(2)
    if folder is not None:
        Path(folder).mkdir(parents=True, exist_ok=True)
        file = str(rotation.new_path(Path(folder)))
    try:
        summary = backup.create_backup(file)
    except backup.BackupError as error:
        click.echo(f"Ошибка: {error}", err=True)
        sys.exit(1)
    for warning in summary.warnings:
        click.echo(f"Предупреждение. {warning}", err=True)
    click.echo(f"Копия записана в {file}: таблиц — {len(summary.tables)}, записей — {summary.rows}, файлов — "
               f"{summary.files}, схема базы — {summary.schema_version or 'без версии'}.")
    if keep_days is not None:
        removed = rotation.remove_old(Path(folder), keep_days, Path(file))
        click.echo(f"Удалено копий старше {keep_days} дн.: {len(removed)}.")
    logging.getLogger("portal.backup").info("Backup written: %s (%d rows, %d files)", file, summary.rows,
                                            summary.files)


@click.command("restore")
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
