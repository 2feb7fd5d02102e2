"""`portal serve` and `portal worker`: the processes that keep running."""
from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from werkzeug.serving import run_simple

DEMO_HINT_FILE = "demo_login.txt"  # written by `portal demo`, shown again by `portal serve`


@click.command("serve")
@click.option("--host", default=None, help="Адрес (по умолчанию — настройка HOST).")
@click.option("--port", default=None, type=int, help="Порт (по умолчанию — настройка PORT).")
@click.option("--production", is_flag=True,
              help="Рабочий сервер (gunicorn): процессы и потоки — настройки WEB_WORKERS и WEB_THREADS, "
                   "плавный перезапуск по SIGHUP. Без флага — сервер разработки, для одного компьютера.")
@with_appcontext
def serve_command(host: str | None, port: int | None, production: bool) -> None:
    """Запустить портал: админка — /admin/, опубликованный сайт (папка BUILD_DIR) — /, проверка — /healthz.

    Код выхода 2 — настройки не годятся для нескольких процессов (см. сообщение).
    """
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
    refuse_unshared_settings(app)
    in_process = app.config["WORKER_IN_PROCESS"]
    if production:
        _serve_production(app, host, port, in_process)
        return
    # Not app.run(): Flask ignores it inside its own CLI. Werkzeug's server is enough for one editor's
    # machine (`make run`); --production runs gunicorn.
    from portal import jobs
    from portal.serve import PublishedSite, RequestHandler

    if in_process:
        click.echo("Задания (публикация, расписание) выполняются в этом же процессе.")
    with jobs.worker(app) if in_process else contextlib.nullcontext():
        run_simple(host, port, PublishedSite(app, app.config["BUILD_DIR"]), threaded=True, use_reloader=False,
                   use_debugger=False, request_handler=RequestHandler)


def _serve_production(app, host: str, port: int, in_process: bool) -> None:
    from portal import production

    settings = production.options(lambda name: app.config[name], host=host, port=port)
    if settings["workers"] > 1 and app.config["RATELIMIT_STORAGE_URL"].startswith("memory://"):
        click.echo("Предупреждение: PORTAL_RATELIMIT_STORAGE_URL=memory:// — попытки входа считаются в каждом "
                   "процессе отдельно; для нескольких процессов укажите Redis.", err=True)
    worker = None
    if in_process:
        # gunicorn forks its workers: a consumer's threads belong in a process of their own, not in the arbiter.
        click.echo("Задания (публикация, расписание) выполняет процесс `portal worker`, запущенный рядом.")
        worker = subprocess.Popen([sys.executable, "-m", "portal", "worker"], env=os.environ.copy())
    try:
        production.run(settings)
    finally:
        if worker is not None:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=60)
            except subprocess.TimeoutExpired:
                worker.kill()


def refuse_unshared_settings(app) -> None:
    from portal import jobs

    problems = jobs.unshared_settings(app)
    if problems:
        for problem in problems:
            click.echo(f"Ошибка: {problem}", err=True)
        sys.exit(2)


@click.command("worker")
@click.option("--threads", default=1, show_default=True, help="Сколько заданий выполнять одновременно.")
@click.option("--burst", is_flag=True, help="Выполнить задания, которые ждут сейчас, и выйти.")
@with_appcontext
def worker_command(threads: int, burst: bool) -> None:
    """Обработчик заданий: публикация сайта, публикация по расписанию, ежедневное обновление.

    Работает, пока его не остановят (Ctrl+C, SIGTERM); с --burst выполняет ждущие задания и выходит.
    Код выхода 2 — настройки не годятся для нескольких процессов (см. сообщение).
    """
    from portal import jobs

    app = current_app._get_current_object()
    refuse_unshared_settings(app)
    if burst:
        count = jobs.run_queued(app)
        click.echo(f"Выполнено заданий: {count}.")
        return
    click.echo(f"Обработчик заданий запущен (потоков: {threads}). Остановить: Ctrl+C")
    jobs.run_worker(app, threads)
