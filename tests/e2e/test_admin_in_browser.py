"""The admin as a person uses it: in a real browser, with the keyboard and JavaScript."""
from __future__ import annotations

import sqlalchemy as sa

from portal.extensions import db
from portal.models import Case
from tests_support import PASSWORD


def log_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/admin/login")
    page.get_by_label("Электронная почта").fill(email)
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_label("Пароль").press("Enter")  # the keyboard is enough to log in
    page.wait_for_url(f"{base}/admin/")


def test_markdown_preview_renders_in_place_without_saving(live_server, page, world):
    case = world.rows[("cases", "a")]
    log_in(page, live_server, world.curator_a.email)
    page.goto(f"{live_server}/admin/cases/{case.id}/edit")
    page.locator("#body_md").fill("## Итоги года\n\n**24 пары** <img src=x onerror=\"document.title='xss'\">")

    page.get_by_role("button", name="Предпросмотр").click()

    preview = page.locator("[data-preview-for=body_md] .preview-body")
    preview.locator("h2").wait_for()
    assert preview.locator("h2").inner_text() == "Итоги года"
    assert preview.locator("strong").inner_text() == "24 пары"
    assert page.title() != "xss"
    assert page.url.endswith(f"/admin/cases/{case.id}/edit")  # no reload: what was typed is still there
    assert "Итоги года" in page.locator("#body_md").input_value()
    db.session.expire_all()
    assert db.session.get(Case, case.id).body_md == "**важно**"


def test_curator_creates_a_case_and_finds_it_in_the_list(live_server, page, world):
    log_in(page, live_server, world.curator_a.email)
    page.get_by_role("link", name="Кейсы").first.click()
    page.get_by_role("link", name="Новый кейс").click()
    page.get_by_label("Название").fill("Наставничество в шахматном клубе")
    page.get_by_label("Форма наставничества").select_option(label="Ученик – ученик")
    page.get_by_label("Теги").fill("шахматы, ученик – ученик")
    page.get_by_role("button", name="Сохранить").click()

    page.get_by_text("Сохранено: «Наставничество в шахматном клубе»").wait_for()
    page.get_by_role("link", name="Кейсы").first.click()
    page.get_by_label("Поиск").fill("шахмат")
    page.get_by_role("button", name="Показать").click()
    assert page.get_by_role("link", name="Наставничество в шахматном клубе").count() == 1
    case = db.session.scalar(sa.select(Case).where(Case.title == "Наставничество в шахматном клубе"))
    assert case.organisation_id == world.org_a.id
    assert [t.name for t in case.tags] == ["ученик – ученик", "шахматы"]
