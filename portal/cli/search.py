"""`portal search`: the admin search from the command line, and rebuilding its index."""
from __future__ import annotations

import json
import sys

import click
from flask.cli import with_appcontext


class _SearchGroup(click.Group):
    """`portal search QUERY` runs the `query` command; `portal search reindex` rebuilds the index."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ctx.help_option_names:
            args = ["query", *args]
        return super().parse_args(ctx, args)


@click.group("search", cls=_SearchGroup)
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
