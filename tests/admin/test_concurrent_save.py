"""Issue 18, finding 4: a save that meets a row another editor has just saved gives the conflict page with both
texts, never a 500 — also when the form fills the row with a query (tags, mentees) before the flush."""
from __future__ import annotations

import pytest
import sqlalchemy as sa

from portal.admin.crud import Crud
from portal.extensions import db
from portal.models import Case, Pairing
from test_crud import valid_form

OTHER_EDITOR = "Текст другого редактора"


@pytest.fixture
def saved_meanwhile(monkeypatch):
    """Another editor's save lands right after this request has compared versions (the race of 16 editors)."""
    def install(model, column: str):
        original = Crud._conflict

        def conflict_then_other_save(self, obj):
            answer = original(self, obj)
            with db.engine.begin() as connection:
                connection.execute(sa.update(model).where(model.id == obj.id)
                                   .values({column: OTHER_EDITOR, "version": model.version + 1}))
            return answer

        monkeypatch.setattr(Crud, "_conflict", conflict_then_other_save)
    return install


@pytest.mark.parametrize("area, model, column, typed_field", [
    ("cases", Case, "title", "title"),
    ("pairings", Pairing, "order_number", "order_number"),
])
def test_stale_save_gives_the_conflict_page_with_both_texts(world, editor_client, saved_meanwhile, area, model, column,
                                                             typed_field):
    row = world.rows[(area, "a")]
    form = valid_form(area, world) | {"version": row.version}
    typed = form[typed_field]
    saved_meanwhile(model, column)
    response = editor_client.post(f"/admin/{area}/{row.id}/edit", data=form)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Запись изменил другой пользователь" in html and "Сохранено другим" in html
    assert OTHER_EDITOR in html and typed.replace("«", "&laquo;").split("&")[0] in html
    db.session.expire_all()
    assert getattr(db.session.get(model, row.id), column) == OTHER_EDITOR  # nothing of the stale save was written
