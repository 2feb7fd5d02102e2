"""Workflow per role, revisions, the concurrent-edit conflict and the audit log."""
from __future__ import annotations

import pytest

import sqlalchemy as sa

from portal.extensions import db
from portal.models import AuditEntry, Case, Revision, Status

# The database matters here: run on PostgreSQL too (conftest's docstring).
pytestmark = pytest.mark.both_databases


def case_form(world, case, **changes):
    return {"organisation_id": world.org_a.id, "title": case.title, "slug": case.slug, "mentoring_form": "pupil_pupil",
            "status": case.status.value, "body_md": case.body_md, "version": case.version} | changes


def reload(case) -> Case:
    db.session.expire_all()
    return db.session.get(Case, case.id)


def test_curator_cannot_publish_but_can_submit(world, curator_client):
    case = world.rows[("cases", "a")]
    html = curator_client.get(f"/admin/cases/{case.id}/edit").get_data(as_text=True)
    assert 'value="published"' not in html
    response = curator_client.post(f"/admin/cases/{case.id}/edit", data=case_form(world, case, status="published"))
    assert "Неверный вариант" in response.get_data(as_text=True)
    assert reload(case).status == Status.DRAFT
    assert curator_client.post(f"/admin/review/cases/{case.id}", data={"action": "publish"}).status_code == 403
    assert curator_client.post(f"/admin/review/cases/{case.id}", data={"action": "submit"}).status_code == 302
    assert reload(case).status == Status.REVIEW


def test_editor_returns_with_a_comment_the_curator_sees(world, curator_client, editor_client):
    case = world.rows[("cases", "a")]
    curator_client.post(f"/admin/review/cases/{case.id}", data={"action": "submit"})
    refused = editor_client.post(f"/admin/review/cases/{case.id}", data={"action": "return", "comment": ""},
                                 follow_redirects=True)
    assert "Напишите, что исправить" in refused.get_data(as_text=True) and reload(case).status == Status.REVIEW
    editor_client.post(f"/admin/review/cases/{case.id}", data={"action": "return", "comment": "Добавьте итоги"})
    assert reload(case).status == Status.DRAFT
    assert "Добавьте итоги" in curator_client.get(f"/admin/cases/{case.id}/edit").get_data(as_text=True)
    curator_client.post(f"/admin/review/cases/{case.id}", data={"action": "submit"})
    editor_client.post(f"/admin/review/cases/{case.id}", data={"action": "publish"})
    saved = reload(case)
    assert saved.status == Status.PUBLISHED and saved.review_comment == ""


def test_curator_keeps_a_published_item_published_while_editing(world, curator_client):
    case = world.rows[("cases", "a")]
    case.status = Status.PUBLISHED
    db.session.commit()
    response = curator_client.post(f"/admin/cases/{case.id}/edit",
                                   data=case_form(world, reload(case), title="Новый заголовок"))
    assert response.status_code == 302 and reload(case).status == Status.PUBLISHED


def test_every_save_keeps_a_revision_that_can_be_compared_and_restored(world, editor_client):
    case = world.rows[("cases", "a")]
    first = reload(case)
    editor_client.post(f"/admin/cases/{case.id}/edit", data=case_form(world, first, body_md="Вторая версия\nтекста"))
    revisions = db.session.scalars(sa.select(Revision).where(Revision.object_kind == "case",
                                                             Revision.object_id == case.id)
                                   .order_by(Revision.id)).all()
    assert len(revisions) == 2 and revisions[1].author_email == world.editor.email
    html = editor_client.get(f"/admin/cases/{case.id}/edit").get_data(as_text=True)
    assert "История изменений" in html
    compare = editor_client.get(f"/admin/history/cases/{case.id}/{revisions[0].id}").get_data(as_text=True)
    assert "**важно**" in compare and "Вторая версия" in compare
    editor_client.post(f"/admin/history/cases/{case.id}/{revisions[0].id}/restore")
    restored = reload(case)
    assert restored.body_md == "**важно**" and "<strong>важно</strong>" in restored.body_html
    latest = db.session.scalars(sa.select(Revision).where(Revision.object_id == case.id, Revision.object_kind == "case")
                                .order_by(Revision.id.desc())).first()
    assert latest.comment.startswith("восстановлена версия")


def test_second_save_from_an_old_form_is_refused_and_both_texts_are_kept(world, curator_client, editor_client):
    case = world.rows[("cases", "a")]
    old = reload(case)
    editor_client.post(f"/admin/cases/{case.id}/edit", data=case_form(world, old, body_md="Текст редактора"))
    response = curator_client.post(f"/admin/cases/{case.id}/edit", data=case_form(world, old, body_md="Текст куратора"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "уже изменил другой пользователь" in html
    assert "Текст куратора" in html and "Текст редактора" in html  # theirs in the form, the saved one beside it
    assert reload(case).body_md == "Текст редактора"


def test_audit_log_records_actions_and_only_admins_read_it(world, app, admin_client, curator_client):
    case = world.rows[("cases", "a")]
    client = app.test_client()
    client.post("/admin/login", data={"email": world.editor.email, "password": "wrong-password"})
    curator_client.post(f"/admin/cases/{case.id}/edit", data=case_form(world, reload(case), title="Правка"))
    curator_client.post(f"/admin/review/cases/{case.id}", data={"action": "submit"})
    actions = {(e.action, e.user_email) for e in db.session.scalars(sa.select(AuditEntry))}
    assert ("login_failed", world.editor.email) in actions
    assert ("login", world.curator_a.email) in actions
    assert ("save", world.curator_a.email) in actions and ("submit", world.curator_a.email) in actions
    html = admin_client.get("/admin/audit?action=save").get_data(as_text=True)
    assert "Правка" in html and "Неудачный вход" not in html.split("<tbody>", 1)[1]
    assert curator_client.get("/admin/audit").status_code == 403
    # Read only: the log has no route that changes it.
    assert not [r for r in app.url_map.iter_rules() if "audit" in r.rule and r.methods & {"POST", "PUT", "DELETE"}]


def test_dashboard_shows_what_waits_for_review_and_what_is_scheduled(world, editor_client):
    from datetime import timedelta

    from portal.clock import local_now

    world.rows[("cases", "a")].status = Status.REVIEW
    news = world.rows[("news", "b")]
    news.status = Status.PUBLISHED
    news.publish_at = local_now() + timedelta(days=3)
    db.session.commit()
    html = editor_client.get("/admin/").get_data(as_text=True)
    waiting = html.split("Ждут проверки", 1)[1].split("Запланированы", 1)[0]
    scheduled = html.split("Запланированы к публикации", 1)[1].split("Не сформировали пару", 1)[0]
    assert "Кейс A" in waiting and "Новость B" in scheduled and "Кейс A" not in scheduled


def test_each_logged_action_leaves_an_audit_entry(app, world, admin_client, editor_client):
    import io as bytes_io

    case = world.rows[("cases", "a")]
    editor_client.post(f"/admin/review/cases/{case.id}", data={"action": "submit"})
    editor_client.post(f"/admin/review/cases/{case.id}", data={"action": "return", "comment": "Исправьте"})
    editor_client.post(f"/admin/review/cases/{case.id}", data={"action": "publish"})
    first = db.session.scalar(sa.select(sa.func.min(Revision.id)).where(Revision.object_kind == "case",
                                                                        Revision.object_id == case.id))
    editor_client.post(f"/admin/history/cases/{case.id}/{first}/restore")
    editor_client.get("/admin/registry/export?kind=mentors&format=csv")
    editor_client.get(f"/admin/roadmaps/{world.rows[('roadmaps', 'a')].id}/export.docx")
    table = "ФИО;Роль;Организация\nНовый Наставник;наставник;Школа A\n".encode()
    check = editor_client.post("/admin/registry/import", data={"check": "1", "file": (bytes_io.BytesIO(table), "r.csv")},
                               content_type="multipart/form-data").get_data(as_text=True)
    token = check.split('name="token" value="', 1)[1].split('"', 1)[0]
    editor_client.post("/admin/registry/import", data={"save": "1", "token": token, "filename": "r.csv"})
    editor_client.post(f"/admin/news/{world.rows[('news', 'a')].id}/delete")
    from portal.publish import publishing

    publishing.run_build(app, user=world.editor)
    actions = {e.action for e in db.session.scalars(sa.select(AuditEntry).where(
        AuditEntry.user_email == world.editor.email))}
    assert {"login", "submit", "return", "publish", "restore", "export", "import", "delete", "build"} <= actions


def test_scheduled_item_follows_a_frozen_clock(app, world, monkeypatch):
    from datetime import datetime
    from pathlib import Path

    import portal.site.content as content
    from portal.publish import publishing

    case = world.rows[("cases", "a")]
    case.status, case.publish_at = Status.PUBLISHED, datetime(2030, 1, 15, 9, 0)
    db.session.commit()
    page = Path(app.config["BUILD_DIR"]) / "cases" / case.slug / "index.html"
    monkeypatch.setattr(content, "local_now", lambda: datetime(2030, 1, 15, 8, 59))
    assert publishing.run_build(app).ok and not page.exists()
    monkeypatch.setattr(content, "local_now", lambda: datetime(2030, 1, 15, 9, 0))
    assert publishing.run_build(app).ok and page.exists()


def test_an_approval_asks_for_a_publication_and_the_site_follows(app, world, editor_client):
    from pathlib import Path

    from portal import jobs
    from portal.publish import runs

    case = world.rows[("cases", "a")]
    case.status = Status.REVIEW
    db.session.commit()
    response = editor_client.post(f"/admin/review/cases/{case.id}", data={"action": "publish"},
                                  follow_redirects=True)
    assert "Одобрено и опубликовано" in response.get_data(as_text=True)
    # One build asked for (beside it wait the mails to the editor and the author: portal/mail/workflow_mail.py).
    assert runs.requested() and [task.name for task in jobs.queue(app).pending()].count("publish") == 1
    jobs.run_queued(app)  # the worker's turn: no second button
    assert (Path(app.config["BUILD_DIR"]) / "cases" / case.slug / "index.html").exists()
    assert runs.recent()[0].reason == "approval"


def test_saving_a_published_item_republishes_and_a_draft_does_not(app, world, editor_client):
    from portal.publish import runs

    draft = world.rows[("cases", "b")]
    draft_form = case_form(world, draft, organisation_id=world.org_b.id, title="Черновик правится")
    assert editor_client.post(f"/admin/cases/{draft.id}/edit", data=draft_form).status_code == 302
    assert not runs.requested()
    case = world.rows[("cases", "a")]
    case.status = Status.PUBLISHED
    db.session.commit()
    html = editor_client.post(f"/admin/cases/{case.id}/edit", data=case_form(world, case, title="Кейс A исправлен"),
                              follow_redirects=True).get_data(as_text=True)
    assert "Сайт обновится через несколько секунд" in html and runs.requested()


def test_history_speaks_the_forms_language_and_marks_changed_words(world, editor_client):
    case = world.rows[("cases", "a")]
    first = reload(case)
    editor_client.post(f"/admin/cases/{case.id}/edit", data=case_form(
        world, first, organisation_id=world.org_b.id, mentoring_form="teacher_teacher",
        body_md="Наставники школы проводят **еженедельные** встречи с молодыми педагогами и разбирают уроки вместе"))
    revision = db.session.scalars(sa.select(Revision).where(Revision.object_kind == "case",
                                                            Revision.object_id == case.id).order_by(Revision.id)).first()
    html = editor_client.get(f"/admin/history/cases/{case.id}/{revision.id}").get_data(as_text=True)
    for code in ("organisation_id", "mentoring_form", "body_md", "teacher_teacher", "pupil_pupil"):
        assert code not in html, code
    assert "Организация" in html and "Школа A" in html and "Школа B" in html
    assert "Форма наставничества" in html and "Ученик – ученик" in html and "Учитель – учитель" in html
    assert "Описание практики" in html and "<ins>Наставники" in html and "<del>**важно**</del>" in html
    assert "Автор версии: система" in html  # the world's rows were made without a login
    history = editor_client.get(f"/admin/cases/{case.id}/edit").get_data(as_text=True)
    assert "<td>editor (editor@example.org)</td>" in history  # the author by name


def test_a_conflict_shows_both_versions_in_russian_and_offers_the_saved_text(world, editor_client, admin_client):
    case = world.rows[("cases", "a")]
    stale = case_form(world, reload(case), title="Мой заголовок",
                      body_md="Текст, который набирал я долго и старательно, с подробностями о встречах пар")
    admin_client.post(f"/admin/cases/{case.id}/edit", data=case_form(
        world, reload(case), body_md="Текст, который сохранил другой редактор, с подробностями о встречах пар"))
    response = editor_client.post(f"/admin/cases/{case.id}/edit", data=stale)
    html = response.get_data(as_text=True)
    assert "Запись изменил другой пользователь" in html and "body_md</" not in html
    assert "Описание практики" in html and "Название" in html
    assert "<del>сохранил</del>" in html and "<ins>набирал</ins>" in html
    assert 'data-take-into="body_md"' in html and "Взять сохранённое" in html
    assert reload(case).body_md.startswith("Текст, который сохранил другой редактор")  # nothing overwritten
