"""Registry import (check, then save all or nothing) and export in the admin, within the user's organisations."""
from __future__ import annotations

import io

import sqlalchemy as sa
from openpyxl import load_workbook

from portal.extensions import db
from portal.models import Person

HEADER = "ФИО;Роль;Категория;Организация;Должность;Согласие на обработку;Согласие на распространение\n"


def csv(*rows: str) -> tuple[io.BytesIO, str]:
    return io.BytesIO((HEADER + "\n".join(rows) + "\n").encode("utf-8")), "база.csv"


def count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Person))


def test_check_then_save(world, curator_client):
    before = count()
    response = curator_client.post("/admin/registry/import", data={
        "check": "1", "file": csv("Петрова Анна Ивановна;наставник;педагог;Школа A;учитель;01.09.2026;ФИО")},
        content_type="multipart/form-data")
    html = response.get_data(as_text=True)
    assert "Ошибок нет. Будет добавлено: 1, обновлено: 0." in html and count() == before
    token = html.split('name="token" value="', 1)[1].split('"', 1)[0]
    response = curator_client.post("/admin/registry/import", data={"save": "1", "token": token,
                                                                   "filename": "база.csv"})
    assert response.status_code == 302 and count() == before + 1
    anna = db.session.scalar(sa.select(Person).where(Person.full_name == "Петрова Анна Ивановна"))
    assert anna.organisation_id == world.org_a.id and [c.kind.value for c in anna.consents] == ["processing",
                                                                                                 "publication"]


def test_bad_rows_are_all_listed_and_nothing_is_saved(world, curator_client):
    before = count()
    html = curator_client.post("/admin/registry/import", data={
        "save": "1", "file": csv("Один;наставник;педагог;Нет такой школы;;;",
                                 "Два;директор;педагог;Школа A;;;",
                                 "Три;наставник;педагог;Школа A;;31.02.2026;")},
        content_type="multipart/form-data").get_data(as_text=True)
    assert "Файл не загружен" in html
    assert "Строка 2:" in html and "Строка 3:" in html and "Строка 4:" in html
    assert count() == before


def test_curator_cannot_import_into_another_school(world, curator_client):
    before = count()
    html = curator_client.post("/admin/registry/import", data={
        "save": "1", "file": csv("Чужой Человек;наставник;педагог;Школа B;;;")},
        content_type="multipart/form-data").get_data(as_text=True)
    assert "Школа B" in html and "недоступн" in html and count() == before


def test_unreadable_file_gets_a_russian_message(world, curator_client):
    html = curator_client.post("/admin/registry/import", data={
        "check": "1", "file": (io.BytesIO(b"\x00\x01binary" * 50), "scan.csv")},
        content_type="multipart/form-data").get_data(as_text=True)
    assert 'class="flash flash-error"' in html and "Ошибок нет" not in html


def test_forged_token_reads_nothing(world, curator_client):
    html = curator_client.post("/admin/registry/import", data={
        "save": "1", "token": "../../secret_key", "filename": "x.csv"}).get_data(as_text=True)
    assert "Выберите файл" in html


def test_export_holds_only_the_curators_organisation(world, curator_client):
    response = curator_client.get("/admin/registry/export?kind=mentors&format=xlsx")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == ["Наставник A"]
    assert curator_client.get("/admin/registry/export?kind=nonsense").status_code == 404
