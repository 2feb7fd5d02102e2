"""`portal documents`: the kinds, and a document made from the registry into a file."""
from __future__ import annotations

import getpass
import sys
from pathlib import Path

import click
from flask.cli import with_appcontext


@click.group("documents")
def documents_group() -> None:
    """Документы методологии из реестра: приказы, планы, журналы, согласия, отчёты, письма."""


@documents_group.command("kinds")
def kinds_command() -> None:
    """Перечислить виды документов: код, название, для чего делается."""
    from .kinds import KINDS, TARGETS

    for kind in KINDS.values():
        targets = ", ".join(TARGETS[t] for t in kind.targets)
        click.echo(f"{kind.code}\t{kind.title}\t(для: {targets})")


@documents_group.command("make")
@click.argument("kind")
@click.option("--id", "object_id", type=click.IntRange(1), required=True, help="Номер (id) объекта в реестре.")
@click.option("--for", "target", type=click.Choice(["program", "pairing", "person", "organisation"]),
              help="Для чего делается документ, если вид допускает несколько (по умолчанию — первое).")
@click.option("-o", "--output", type=click.Path(dir_okay=False), required=True,
              help="Куда записать .docx (несколько документов — архив .zip).")
@click.option("--from", "start", type=click.DateTime(["%Y-%m-%d"]), help="Начало периода (ГГГГ-ММ-ДД).")
@click.option("--to", "end", type=click.DateTime(["%Y-%m-%d"]), help="Конец периода (ГГГГ-ММ-ДД).")
@click.option("--year", type=click.IntRange(2000, 2100), help="Год (для благодарственного письма).")
@click.option("--signatory", default="", help="Кто подписывает письмо (по умолчанию — руководитель).")
@click.option("--pairing", "pairings", multiple=True, type=click.IntRange(1), metavar="ID",
              help="Приказ о закреплении программы — только для этих пар (можно указать несколько раз).")
@with_appcontext
def make_command(kind: str, object_id: int, target: str | None, output: str, start, end, year, signatory,
                 pairings: tuple[int, ...]) -> None:
    """Сделать документ вида KIND для объекта с номером --id и записать в файл.

    Код выхода 0 — файл записан; 1 — неизвестный вид или номер, не хватает данных (выводится список, что
    заполнить) или шаблон не подходит.
    """
    from portal.clock import local_now
    from portal.extensions import db
    from portal.monitoring.indicators import Period

    from . import engine
    from .context import MissingData
    from .kinds import KINDS, TARGETS, Options
    from .make import MODELS, as_zip, make

    if kind not in KINDS:
        click.echo(f"Ошибка: неизвестный вид документа «{kind}». Виды: {', '.join(KINDS)}.", err=True)
        sys.exit(1)
    chosen = KINDS[kind]
    target = target or chosen.targets[0]
    if target not in chosen.targets:
        click.echo(f"Ошибка: «{chosen.title}» не делается для объекта «{TARGETS[target]}».", err=True)
        sys.exit(1)
    obj = db.session.get(MODELS[target], object_id)
    if obj is None:
        click.echo(f"Ошибка: нет объекта «{TARGETS[target]}» с номером {object_id}.", err=True)
        sys.exit(1)
    period = None
    if start or end:
        if not (start and end) or start > end:
            click.echo("Ошибка: укажите период целиком: --from раньше --to.", err=True)
            sys.exit(1)
        period = Period(start.date(), end.date())
    options = Options(now=local_now(), period=period, year=year, signatory=signatory.strip(),
                      pairings=frozenset(pairings) if pairings else None)
    try:
        files = make(db.session, kind, obj, options, email=f"командная строка ({getpass.getuser()})"[:200])
    except MissingData as lacking:
        click.echo(f"Не хватает данных для документа «{chosen.title}»:", err=True)
        for item in lacking.items:
            click.echo(f"  — {item.text}", err=True)
        sys.exit(1)
    except engine.TemplateProblem as problem:
        click.echo(f"Ошибка шаблона: {problem}", err=True)
        sys.exit(1)
    db.session.commit()  # the audit entry
    data = files[0].content if len(files) == 1 else as_zip(files)
    Path(output).write_bytes(data)
    packed = " (архив .zip)" if len(files) > 1 else ""
    click.echo(f"Записано в {output}{packed}: {chosen.title}, документов — {len(files)}.")


