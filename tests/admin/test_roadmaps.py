"""Stages and activities are edited on the roadmap's page."""
from __future__ import annotations

import sqlalchemy as sa

from portal.extensions import db
from portal.models import Activity, ActivityStatus, Roadmap, Stage


def test_add_stage_and_activity_and_see_them_on_the_roadmap(world, curator_client):
    roadmap = world.rows[("roadmaps", "a")]
    response = curator_client.post(f"/admin/roadmaps/{roadmap.id}/stages/new", data={
        "number": "2", "title": "Формирование базы наставников", "goal": "Собрать данные",
        "result": "База сформирована", "position": "20",
    })
    assert response.status_code == 302
    stage = db.session.scalar(sa.select(Stage).where(Stage.title == "Формирование базы наставников"))
    assert stage.roadmap_id == roadmap.id

    response = curator_client.post(f"/admin/stages/{stage.id}/activities/new", data={
        "number": "2.1", "title": "Анкетирование потенциальных наставников", "deadline_text": "сентябрь 2025",
        "deadline_start": "2025-09-01", "deadline_end": "2025-09-30", "responsible": "Куратор",
        "expected_result": "Собраны анкеты", "status": "in_progress",
    })
    assert response.status_code == 302
    activity = db.session.scalar(sa.select(Activity).where(Activity.stage_id == stage.id))
    assert activity.status == ActivityStatus.IN_PROGRESS
    assert activity.deadline_end.isoformat() == "2025-09-30"
    assert activity.position == 10  # not given: after the stage's last activity

    html = curator_client.get(f"/admin/roadmaps/{roadmap.id}/edit").get_data(as_text=True)
    html = html[html.index('<div class="stage"'):]
    assert html.index("Этап A") < html.index("Формирование базы наставников")
    assert "Анкетирование потенциальных наставников" in html
    assert "сентябрь 2025" in html and "1 сентября 2025" in html
    page = curator_client.get(f"/admin/roadmaps/{roadmap.id}/edit").get_data(as_text=True)
    # The activity in progress ended on 30 September 2025: today it shows as overdue.
    assert "Выполнено 0 из 2 (0 %)" in page and "просрочено: 1" in page
    assert '<td class="status-overdue">Просрочено' in page


def test_new_stage_form_suggests_the_next_position(world, curator_client):
    roadmap = world.rows[("roadmaps", "a")]
    html = curator_client.get(f"/admin/roadmaps/{roadmap.id}/stages/new").get_data(as_text=True)
    assert 'name="position"' in html and 'value="20"' in html


def test_edit_and_delete_activity(world, curator_client):
    activity = world.rows[("activities", "a")]
    activity_id = activity.id
    response = curator_client.post(f"/admin/activities/{activity_id}/edit", data={
        "number": "1.1", "title": "Издание приказа", "status": "done",
    })
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Activity, activity_id).status == ActivityStatus.DONE

    assert curator_client.post(f"/admin/activities/{activity_id}/delete").status_code == 302
    assert db.session.scalar(sa.select(Activity.id).where(Activity.id == activity_id)) is None


def test_deleting_a_stage_deletes_its_activities(world, curator_client):
    stage = world.rows[("stages", "a")]
    stage_id, activity_id = stage.id, world.rows[("activities", "a")].id
    assert curator_client.post(f"/admin/stages/{stage_id}/delete").status_code == 302
    assert db.session.scalar(sa.select(Activity.id).where(Activity.id == activity_id)) is None


def test_stage_without_title_keeps_the_form(world, curator_client):
    roadmap = world.rows[("roadmaps", "a")]
    html = curator_client.post(f"/admin/roadmaps/{roadmap.id}/stages/new",
                               data={"title": "", "goal": "Задача этапа"}).get_data(as_text=True)
    assert "Заполните это поле." in html and "Задача этапа" in html
    db.session.expire_all()
    assert len(db.session.get(Roadmap, roadmap.id).stages) == 1
