"""Editing as two curators and one editor do it, in Chromium: the conflict screen in Russian with the other
version taken field by field (screenshots under test-artifacts/conflict/), and a picture from the library put
into a text with the toolbar's «Картинка»."""
from __future__ import annotations

import sqlalchemy as sa

import sample_files
from portal.config import PROJECT_ROOT
from portal.extensions import db
from portal.media import library
from portal.models import Case
from tests_support import PASSWORD

SHOTS = PROJECT_ROOT / "test-artifacts" / "conflict"


def _editor(browser, base: str, email: str, width: int = 1366):
    context = browser.new_context(locale="ru-RU", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{base}/admin/login")
    page.get_by_label("Электронная почта").fill(email)
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_label("Пароль").press("Enter")
    page.wait_for_url(f"{base}/admin/")
    return context, page


def test_the_conflict_screen_speaks_russian_and_takes_the_saved_text(live_server, browser, world):
    case = world.rows[("cases", "a")]
    case.body_md = "Пары встречаются раз в неделю после уроков."
    db.session.commit()
    url = f"{live_server}/admin/cases/{case.id}/edit"
    (first_context, first), (second_context, second) = (_editor(browser, live_server, world.editor.email),
                                                         _editor(browser, live_server, world.curator_a.email))
    first.goto(url)
    second.goto(url)
    first.locator("#body_md").fill("Пары встречаются дважды в неделю после уроков и в каникулы.")
    first.get_by_role("button", name="Сохранить").click()
    first.get_by_text("Сохранено").first.wait_for()

    second.locator("#title").fill("Кейс A: клуб юных наставников")
    second.get_by_role("button", name="Сохранить").click()
    second.get_by_text("уже изменил другой пользователь").first.wait_for()
    table = second.locator("table", has_text="Взять сохранённое")
    text = table.inner_text()
    assert "Описание практики" in text and "body_md" not in text  # the form's label, not the column
    assert table.locator("ins, del, mark").count() >= 1  # the changed words are marked
    SHOTS.mkdir(parents=True, exist_ok=True)
    second.screenshot(path=str(SHOTS / "conflict-1366.png"), full_page=True)
    second.set_viewport_size({"width": 360, "height": 800})
    second.screenshot(path=str(SHOTS / "conflict-360.png"), full_page=True)
    assert second.evaluate("document.documentElement.scrollWidth") <= 360

    table.locator("tr", has_text="Описание практики").get_by_role("button", name="Взять сохранённое").click()
    assert "дважды в неделю" in second.locator("#body_md").input_value()
    assert second.locator("#title").input_value() == "Кейс A: клуб юных наставников"  # the rest stays as typed
    second.get_by_role("button", name="Сохранить").click()
    second.get_by_text("Сохранено").first.wait_for()
    db.session.expire_all()
    saved = db.session.get(Case, case.id)
    assert saved.title == "Кейс A: клуб юных наставников" and "дважды в неделю" in saved.body_md
    first_context.close()
    second_context.close()


def test_a_picture_from_the_library_goes_into_the_text(live_server, browser, world):
    picture = library.store("фото.jpg", sample_files.image("JPEG", size=(640, 480)), title="Фестиваль тандемов",
                            alt_text="Пары на сцене фестиваля", organisation_id=world.org_a.id)
    db.session.commit()
    case = world.rows[("cases", "a")]
    context, page = _editor(browser, live_server, world.curator_a.email)
    page.goto(f"{live_server}/admin/cases/{case.id}/edit")
    page.locator("#body_md").click()
    page.get_by_role("button", name="Картинка из медиатеки").first.click()
    dialog = page.get_by_role("dialog")
    dialog.get_by_role("button", name="Фестиваль тандемов").click()
    assert dialog.is_hidden()
    assert f"![Пары на сцене фестиваля](/media/{picture.stored_name})" in page.locator("#body_md").input_value()
    preview = page.locator("[data-preview-for=body_md] .preview-body img")
    preview.wait_for()
    assert page.evaluate("img => img.naturalWidth", preview.element_handle()) > 0  # the admin shows the draft's picture
    page.get_by_role("button", name="Сохранить").click()
    page.get_by_text("Сохранено").first.wait_for()
    db.session.expire_all()
    assert picture.stored_name in db.session.scalar(sa.select(Case.body_html).where(Case.id == case.id))
    context.close()
