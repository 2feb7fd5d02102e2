"""The `portal` commands: each has --help, a meaningful exit code and does what it says."""
from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from portal.cli import main
from portal.serve import RequestHandler
from portal.extensions import db
from tests_support import sample_path
from portal.models import Case, Organisation, Page, Pairing, Person, Roadmap, User, UserRole

COMMANDS = [["init"], ["demo"], ["user"], ["user", "create"], ["serve"], ["build"], ["backup"], ["restore"]]


@pytest.fixture
def fresh_app(make_app):
    """An app on an empty database: `portal init` has to create the schema itself."""
    return make_app(create_tables=False)


def run(app, *args, input=None):
    return app.test_cli_runner().invoke(main, list(args), input=input, catch_exceptions=False)


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help(fresh_app, command):
    result = run(fresh_app, *command, "--help")
    assert result.exit_code == 0
    assert "Usage:" in result.output and len(result.output.splitlines()) > 3


def test_init_migrates_an_empty_database_and_adds_content_pages(fresh_app):
    result = run(fresh_app, "init")
    assert result.exit_code == 0, result.output
    assert "База данных готова" in result.output
    with fresh_app.app_context():
        slugs = set(db.session.scalars(sa.select(Page.slug)))
        assert {"about", "documents"} <= slugs
        about = db.session.scalar(sa.select(Page).where(Page.slug == "about"))
        assert "<strong>Целевая модель наставничества</strong>" in about.body_html
    assert run(fresh_app, "init").exit_code == 0  # a second run changes nothing and does not fail


def test_demo_loads_everything_once(fresh_app):
    run(fresh_app, "init")
    first = run(fresh_app, "demo")
    assert first.exit_code == 0, first.output
    assert "admin@example.org" in first.output and "пароль:" in first.output
    with fresh_app.app_context():
        counts = {model: db.session.scalar(sa.select(sa.func.count()).select_from(model))
                  for model in (Organisation, User, Roadmap, Case, Person, Pairing)}
        assert all(counts.values()), counts
        roadmap = db.session.scalar(sa.select(Roadmap).where(Roadmap.slug == "dorozhnaya-karta-sosh-1-2026-2027"))
        assert len(roadmap.stages) == 4 and sum(len(s.activities) for s in roadmap.stages) == 8
        curator = db.session.scalar(sa.select(User).where(User.email == "curator@example.org"))
        assert [org.slug for org in curator.organisations] == ["sosh-1"]
    second = run(fresh_app, "demo")
    assert second.exit_code == 0
    assert "ничего не добавлено" in second.output
    with fresh_app.app_context():
        assert counts == {model: db.session.scalar(sa.select(sa.func.count()).select_from(model))
                          for model in counts}


def test_demo_reports_a_broken_file_in_russian(fresh_app, tmp_path):
    demo = tmp_path / "content" / "demo"
    demo.mkdir(parents=True)
    (demo / "organisations.yaml").write_text("- slug: x\n  name: [не закрыто\n", encoding="utf-8")
    fresh_app.config["CONTENT_DIR"] = str(tmp_path / "content")
    run(fresh_app, "init")
    result = fresh_app.test_cli_runner().invoke(main, ["demo"])
    assert result.exit_code == 1
    assert "Ошибка в демо-данных: organisations.yaml" in result.output


def test_user_create_makes_an_admin_who_can_log_in(fresh_app):
    run(fresh_app, "init")
    result = run(fresh_app, "user", "create", "Boss@Example.org", "--role", "admin", "--password", "long-password-1")
    assert result.exit_code == 0, result.output
    client = fresh_app.test_client()
    response = client.post("/admin/login", data={"email": "boss@example.org", "password": "long-password-1"})
    assert response.status_code == 302


def test_user_create_asks_for_the_password_when_not_given(fresh_app):
    run(fresh_app, "init")
    result = run(fresh_app, "user", "create", "ed@example.org", "--role", "editor",
                 input="long-password-2\nlong-password-2\n")
    assert result.exit_code == 0, result.output
    with fresh_app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "ed@example.org"))
        assert user.role == UserRole.EDITOR and user.check_password("long-password-2")


@pytest.mark.parametrize("args,message", [
    (["cur@example.org", "--role", "curator", "--password", "long-password-3"], "Куратору нужна организация"),
    (["cur@example.org", "--role", "curator", "--org", "net-takoy", "--password", "long-password-3"],
     "Нет организации"),
    (["short@example.org", "--role", "admin", "--password", "short"], "Пароль не короче"),
    (["not-an-email", "--role", "admin", "--password", "long-password-3"], "не похоже на адрес"),
])
def test_user_create_refuses_bad_input_with_exit_code_1(fresh_app, args, message):
    run(fresh_app, "init")
    result = fresh_app.test_cli_runner().invoke(main, ["user", "create", *args])
    assert result.exit_code == 1
    assert message in result.output


def test_user_create_refuses_a_duplicate(fresh_app):
    run(fresh_app, "init")
    run(fresh_app, "user", "create", "a@example.org", "--role", "admin", "--password", "long-password-4")
    result = fresh_app.test_cli_runner().invoke(
        main, ["user", "create", "a@example.org", "--role", "admin", "--password", "long-password-4"])
    assert result.exit_code == 1 and "уже есть" in result.output


def test_user_create_binds_a_curator_to_the_organisation(fresh_app):
    run(fresh_app, "init")
    run(fresh_app, "demo")
    result = run(fresh_app, "user", "create", "c2@example.org", "--role", "curator", "--org", "gimnaziya-4",
                 "--password", "long-password-5")
    assert result.exit_code == 0, result.output
    with fresh_app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == "c2@example.org"))
        assert [o.slug for o in user.organisations] == ["gimnaziya-4"]


def test_serve_prints_both_addresses_and_the_demo_login(fresh_app, monkeypatch):
    calls = []
    monkeypatch.setattr("portal.cli.serve.run_simple", lambda *args, **kwargs: calls.append((args, kwargs)))
    run(fresh_app, "init")
    run(fresh_app, "demo")
    result = run(fresh_app, "serve", "--port", "5055")
    assert result.exit_code == 0, result.output
    assert "http://127.0.0.1:5055/admin/" in result.output
    assert "http://127.0.0.1:5055/admin/login" in result.output
    assert "Сайт:     http://127.0.0.1:5055/" in result.output
    assert "admin@example.org" in result.output
    [(args, kwargs)] = calls
    assert args[:2] == ("127.0.0.1", 5055) and args[2].admin_app is fresh_app
    assert kwargs == {"threaded": True, "use_reloader": False, "use_debugger": False, "request_handler": RequestHandler}
    assert Path(fresh_app.instance_path, "demo_login.txt").exists()




@pytest.mark.parametrize("command", [["roadmap"], ["roadmap", "parse"], ["roadmap", "import"]], ids=" ".join)
def test_roadmap_commands_have_help(fresh_app, command):
    result = run(fresh_app, *command, "--help")
    assert result.exit_code == 0 and "Usage:" in result.output


def test_roadmap_parse_prints_json_of_a_sample(fresh_app):
    import json

    path = sample_path("001")
    result = fresh_app.test_cli_runner().invoke(main, ["roadmap", "parse", str(path)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert len(data["stages"]) == 7 and data["year"] == 2020
    assert data["stages"][1]["activities"][0]["deadline"] == {
        "text": "до 6 декабря", "start": None, "end": "2020-12-06", "recurrence": None}


def test_roadmap_parse_year_option_and_exit_code_without_stages(fresh_app, tmp_path):
    import json

    table = tmp_path / "table.txt"
    table.write_text("Этап\tМероприятия\tСроки\n1. Старт\tПриказ\tдо 10 декабря\n", encoding="utf-8")
    result = fresh_app.test_cli_runner().invoke(main, ["roadmap", "parse", str(table), "--year", "2025"])
    deadline = json.loads(result.stdout)["stages"][0]["activities"][0]["deadline"]
    assert deadline["end"] == "2025-12-10"
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    result = fresh_app.test_cli_runner().invoke(main, ["roadmap", "parse", str(empty)])
    assert result.exit_code == 2 and json.loads(result.stdout)["warnings"][0]["message"].startswith("Файл пуст")


def test_roadmap_parse_refuses_a_binary_file(fresh_app, tmp_path):
    binary = tmp_path / "scan.txt"
    binary.write_bytes(b"\x00\x01" * 100)
    result = fresh_app.test_cli_runner().invoke(main, ["roadmap", "parse", str(binary)])
    assert result.exit_code == 1 and "двоичные данные" in result.output
    broken = tmp_path / "scan.pdf"  # a PDF is read (issue 23); a broken one is a message, not a traceback
    broken.write_bytes(b"%PDF\x00\x01" * 100)
    result = fresh_app.test_cli_runner().invoke(main, ["roadmap", "parse", str(broken)])
    assert result.exit_code == 1 and "Не удалось открыть PDF" in result.output
    old_word = tmp_path / "карта.doc"
    old_word.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600)
    result = fresh_app.test_cli_runner().invoke(main, ["roadmap", "parse", str(old_word)])
    assert result.exit_code == 1 and "сохраните его как «Документ Word (.docx)»" in result.output


def test_roadmap_import_saves_a_sample_for_the_organisation(fresh_app):
    run(fresh_app, "init")
    run(fresh_app, "demo")
    path = sample_path("000")
    result = fresh_app.test_cli_runner().invoke(main, ["roadmap", "import", str(path), "--org", "dmsh-2"])
    assert result.exit_code == 0, result.output
    assert "этапов — 7, мероприятий — 16" in result.output
    with fresh_app.app_context():
        roadmap = db.session.scalar(sa.select(Roadmap).where(Roadmap.title.like("«Дорожная карта»%")))
        assert roadmap.organisation.slug == "dmsh-2" and roadmap.status == "draft"
        assert roadmap.period == "2022–2023 учебный год"


def test_roadmap_import_refuses_unknown_organisation_and_empty_tables(fresh_app, tmp_path):
    run(fresh_app, "init")
    path = sample_path("000")
    result = fresh_app.test_cli_runner().invoke(main, ["roadmap", "import", str(path), "--org", "net"])
    assert result.exit_code == 1 and "нет организации" in result.output
    run(fresh_app, "demo")
    empty = tmp_path / "empty.txt"
    empty.write_text("нет таблицы", encoding="utf-8")
    with fresh_app.app_context():
        before = db.session.scalar(sa.select(sa.func.count()).select_from(Roadmap))
    result = fresh_app.test_cli_runner().invoke(main, ["roadmap", "import", str(empty), "--org", "sosh-1"])
    assert result.exit_code == 1 and "сохранять нечего" in result.output
    with fresh_app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Roadmap)) == before


def test_build_publishes_the_demo_and_reports_plainly_off_a_terminal(fresh_app):
    run(fresh_app, "init")
    run(fresh_app, "demo")
    result = fresh_app.test_cli_runner().invoke(main, ["build", "--base-url", "https://example.org/mentor/"])
    assert result.exit_code == 0, result.output
    assert "Сайт опубликован" in result.output and "В поиске страниц:" in result.output
    build_dir = Path(fresh_app.config["BUILD_DIR"])
    assert (build_dir / "cases" / "shkolnyy-klub-yunykh-nastavnikov" / "index.html").exists()
    assert "https://example.org/mentor/" in (build_dir / "sitemap.xml").read_text(encoding="utf-8")
    again = fresh_app.test_cli_runner().invoke(main, ["build"])
    assert "без изменений:" in again.output


def test_build_failure_exits_1_and_says_why(fresh_app, monkeypatch):
    import portal.publish.build as build_module

    run(fresh_app, "init")

    def broken(_folder, **_kwargs):
        raise RuntimeError("индекс не построен")

    monkeypatch.setattr(build_module, "build_search_index", broken)
    result = fresh_app.test_cli_runner().invoke(main, ["build"])
    assert result.exit_code == 1
    assert "Публикация не удалась: индекс не построен" in result.output


def test_help_lists_our_commands_in_russian_and_hides_flasks(fresh_app):
    import re

    result = run(fresh_app, "--help")
    assert result.exit_code == 0
    commands = result.output.split("Commands:", 1)[1]
    names = re.findall(r"^  (\w+)\s", commands, flags=re.MULTILINE)
    assert {"init", "demo", "build", "serve", "worker", "db"} <= set(names)
    assert not {"run", "shell", "routes", "limiter"} & set(names)
    assert "--app" not in result.output and "--debug" not in result.output
    for line in re.findall(r"^  \w+\s+(.+)$", commands, flags=re.MULTILINE):
        assert re.search("[а-яА-Я]", line), line  # every command says in Russian what it does


def test_roadmap_parse_and_import_read_a_pdf(fresh_app, tmp_path):
    import json

    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(TTFont("DejaVu", str(Path(__file__).parent / "data" / "fonts" / "DejaVuSans.ttf")))
    style = ParagraphStyle("cell", fontName="DejaVu", fontSize=9, leading=11)
    rows = [["№", "Мероприятия", "Сроки", "Ответственные"], ["1. Старт", "", "", ""],
            ["1.1", "Приказ о внедрении целевой модели", "до 10 декабря", "Директор"]]
    table = Table([[Paragraph(c, style) if c else "" for c in row] for row in rows], colWidths=[40, 250, 100, 120])
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, (0, 0, 0)), ("SPAN", (0, 1), (-1, 1))]))
    path = tmp_path / "карта.pdf"
    SimpleDocTemplate(str(path)).build([Paragraph("Дорожная карта на 2025 год", style), table])
    result = fresh_app.test_cli_runner().invoke(main, ["roadmap", "parse", str(path)])
    assert result.exit_code == 0, result.output
    [stage] = json.loads(result.stdout)["stages"]
    assert stage["title"] == "Старт" and stage["activities"][0]["deadline"]["end"] == "2025-12-10"
    run(fresh_app, "init")
    run(fresh_app, "demo")
    result = fresh_app.test_cli_runner().invoke(main, ["roadmap", "import", str(path), "--org", "sosh-1"])
    assert result.exit_code == 0 and "этапов — 1, мероприятий — 1" in result.output, result.output
