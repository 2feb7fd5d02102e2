"""Files in the admin as a person attaches them: a photo chosen on disk becomes the case's cover."""
from __future__ import annotations

import sqlalchemy as sa

import sample_files
from portal.extensions import db
from portal.models import MediaUse
from tests_support import PASSWORD


def test_editor_uploads_a_cover_from_the_case_page(live_server, page, world, tmp_path):
    photo = tmp_path / "фото с телефона.jpg"
    photo.write_bytes(sample_files.image("JPEG", gps=True))
    case = world.rows[("cases", "a")]
    page.goto(f"{live_server}/admin/login")
    page.get_by_label("Электронная почта").fill(world.editor.email)
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_role("button", name="Войти").click()
    page.goto(f"{live_server}/admin/cases/{case.id}/edit")

    panel = page.locator("#media")
    panel.get_by_label("или новый файл").set_input_files(str(photo))
    panel.get_by_label("Описание изображения (alt)").fill("Наставник и ученик за шахматной доской")
    panel.get_by_label("Как использовать").select_option(label="Обложка")
    panel.get_by_role("button", name="Прикрепить").click()

    page.get_by_text("Прикреплено: «фото с телефона» (обложка).").wait_for()
    assert page.locator("#media img").count() == 1
    use = db.session.scalar(sa.select(MediaUse))
    assert use.role.value == "cover" and use.owner_id == case.id and use.media.alt_text.startswith("Наставник")
