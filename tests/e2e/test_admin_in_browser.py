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


def test_a_curator_formats_text_with_the_toolbar_and_pastes_from_word(live_server, page, world):
    case = world.rows[("cases", "a")]
    log_in(page, live_server, world.curator_a.email)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server}/admin/cases/{case.id}/edit")
    body = page.locator("#body_md")
    body.fill("Итоги года")
    body.evaluate("area => area.setSelectionRange(0, area.value.length)")
    page.get_by_role("toolbar", name="Оформление текста").first.get_by_role("button", name="Заголовок", exact=True).click()
    assert body.input_value() == "## Итоги года"
    body.press("End")
    body.type("\n\nвстречи")
    body.evaluate("area => area.setSelectionRange(area.value.length - 7, area.value.length)")
    page.get_by_role("button", name="Жирный").first.click()
    assert body.input_value().endswith("**встречи**")
    preview = page.locator("[data-preview-for=body_md] .preview-body")
    preview.locator("strong").wait_for()  # the preview beside the text follows the typing
    assert preview.locator("h2").inner_text() == "Итоги года"

    body.evaluate("area => area.setSelectionRange(area.value.length, area.value.length)")
    body.evaluate("""area => {
        const data = new DataTransfer();
        data.setData('text/html', '<style>p{margin:0}</style><h3 class=MsoHeading3>План</h3>'
            + '<ul><li><b>Первое</b></li><li>Второе</li></ul><table><tr><td>Этап</td><td>Сроки</td></tr>'
            + '<tr><td>1</td><td>сентябрь</td></tr></table>');
        data.setData('text/plain', 'План Первое Второе');
        area.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
    }""")
    page.wait_for_function("() => document.querySelector('#body_md').value.includes('| Этап | Сроки |')")
    value = body.input_value()
    assert "### План" in value and "- **Первое**\n- Второе" in value and "MsoHeading" not in value
    page.get_by_role("button", name="Сохранить").click()
    page.get_by_text("Сохранено").first.wait_for()
    db.session.expire_all()
    saved = db.session.get(Case, case.id)
    assert "<h3>План</h3>" in saved.body_html and "<table>" in saved.body_html
