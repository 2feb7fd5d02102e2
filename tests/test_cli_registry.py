"""`portal registry import` and `portal registry export`: help, exit codes, all or nothing, files written."""
from __future__ import annotations

import csv
import io

import openpyxl
import pytest
import sqlalchemy as sa

from portal.cli import main
from portal.extensions import db
from portal.models import Consent, Person, Role

# The database matters here: run on PostgreSQL too (conftest's docstring).
pytestmark = pytest.mark.both_databases

HEADER = "ФИО;Роль;Категория;Организация;Согласие на обработку;Согласие на распространение\n"
GOOD = HEADER + ("Иванова Мария;наставник;педагог;Школа A;01.09.2025;ФИО, должность\n"
                 "Петров Пётр;наставляемый;обучающийся;Школа B;;\n")
BAD = HEADER + ("Иванова Мария;наставник;педагог;Школа A;01.09.2025;ФИО\n"
                "Петров Пётр;куратор;обучающийся;Школа C;;\n"
                "Сидоров Семён;наставник;педагог;Школа A;;телефон\n")


def run(app, *args):
    return app.test_cli_runner().invoke(main, list(args), catch_exceptions=False)


def counts() -> tuple[int, int]:
    db.session.expire_all()
    return (db.session.scalar(sa.select(sa.func.count()).select_from(Person)),
            db.session.scalar(sa.select(sa.func.count()).select_from(Consent)))


@pytest.fixture
def registry_file(tmp_path):
    def write(text: str, name: str = "база.csv", encoding: str = "utf-8"):
        path = tmp_path / name
        path.write_bytes(text.encode(encoding))
        return str(path)

    return write


@pytest.mark.parametrize("command", [["registry"], ["registry", "import"], ["registry", "export"]], ids=" ".join)
def test_every_registry_command_has_help(app, command):
    result = run(app, *command, "--help")
    assert result.exit_code == 0
    assert "Usage:" in result.output and len(result.output.splitlines()) > 3
    if command != ["registry"]:
        assert "Код выхода" in result.output


def test_dry_run_prints_the_would_be_counts_and_saves_nothing(app, world, registry_file):
    before = counts()
    result = run(app, "registry", "import", registry_file(GOOD), "--dry-run")
    assert result.exit_code == 0, result.output
    assert "будет создано — 2, обновлено — 0" in result.output and "Ничего не сохранено" in result.output
    assert counts() == before


def test_dry_run_of_a_bad_file_lists_every_bad_row_and_exits_1(app, world, registry_file):
    before = counts()
    result = run(app, "registry", "import", registry_file(BAD, encoding="cp1251"), "--dry-run")
    assert result.exit_code == 1
    assert "Строка 3: «Роль»: неизвестная роль «куратор»" in result.stderr
    assert "Строка 3: «Организация»: нет организации «Школа C»" in result.stderr
    assert "Строка 4: «Согласие на распространение»: «телефон» — контакты публиковать нельзя" in result.stderr
    assert "Ошибок: 3 (строк с ошибками: 2). Ничего не сохранено" in result.stderr
    assert counts() == before


def test_import_of_a_bad_file_saves_nothing_and_exits_1(app, world, registry_file):
    before = counts()
    result = run(app, "registry", "import", registry_file(BAD))
    assert result.exit_code == 1 and "Ничего не сохранено" in result.stderr
    assert counts() == before


def test_import_saves_the_file_and_a_second_run_creates_nothing(app, world, registry_file):
    persons, consents = counts()
    path = registry_file(GOOD)
    first = run(app, "registry", "import", path)
    assert first.exit_code == 0, first.output
    assert "Импортировано: создано — 2, обновлено — 0, без изменений — 0." in first.output
    assert counts() == (persons + 2, consents + 2)
    maria = db.session.scalar(sa.select(Person).where(Person.full_name == "Иванова Мария"))
    assert maria.roles == {Role.MENTOR} and maria.organisation == world.org_a
    second = run(app, "registry", "import", path)
    assert second.exit_code == 0 and "создано — 0, обновлено — 0, без изменений — 2" in second.output
    assert counts() == (persons + 2, consents + 2)


@pytest.mark.parametrize("content,message", [
    ("", "Файл пуст"),
    ("ФИО;Организация\nИванова;Школа A\n", "Нет обязательного столбца: «Роль»"),
])
def test_an_unreadable_file_exits_1_with_the_reason(app, world, registry_file, content, message):
    result = run(app, "registry", "import", registry_file(content))
    assert result.exit_code == 1 and f"Ошибка: {message}" in result.stderr


def test_a_missing_file_exits_1(app, world, tmp_path):
    result = run(app, "registry", "import", str(tmp_path / "нет.csv"))
    assert result.exit_code == 1 and "не удалось прочитать файл" in result.stderr


def test_export_writes_xlsx_and_csv(app, world, tmp_path):
    target = tmp_path / "mentees.xlsx"
    result = run(app, "registry", "export", "--kind", "mentees", "--format", "xlsx", "-o", str(target))
    assert result.exit_code == 0, result.output
    rows = list(openpyxl.load_workbook(target).worksheets[0].iter_rows(values_only=True))
    assert rows[0][0] == "ФИО" and rows[0][8] == "ФИО наставника"
    assert ("Наставляемый A", "Наставник A") in {(row[0], row[8]) for row in rows[1:]}

    target = tmp_path / "pairings.csv"  # the format follows the extension
    result = run(app, "registry", "export", "--kind", "pairings", "-o", str(target), "--org", world.org_b.slug)
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8-sig")), delimiter=";"))
    assert rows[0][:2] == ["Наставник", "Наставляемые"] and [row[0] for row in rows[1:]] == ["Наставник B"]


def test_export_for_an_unknown_organisation_exits_1(app, world, tmp_path):
    target = tmp_path / "m.csv"
    result = run(app, "registry", "export", "--kind", "mentors", "-o", str(target), "--org", "nowhere")
    assert result.exit_code == 1 and "нет организации с адресом «nowhere»" in result.stderr
    assert not target.exists()

