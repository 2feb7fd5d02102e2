"""Who hears of what besides applicants: editors of items sent to review, authors of returns and publications,
curators of their week (one digest, nothing when nothing is due); each kind can be turned off."""
from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from portal.extensions import db
from portal.mail import digest
from portal.models import ActivityStatus, MailOptOut, Meeting, PlanGoal
from smtp_support import text_of


def test_review_tells_the_editors_and_then_the_author(mail_world, world, login_as):
    app, collector = mail_world
    case = world.rows[("cases", "a")]
    curator, editor = login_as("curator_a"), login_as("editor")
    curator.post(f"/admin/review/cases/{case.id}", data={"action": "submit"})
    to_editor = collector.to(world.editor.email)
    assert [m["Subject"] for m in to_editor] == ["На проверку: «Кейс A»"]
    assert f"/admin/cases/{case.id}/edit" in text_of(to_editor[0])
    assert collector.to(world.curator_a.email) == []
    editor.post(f"/admin/review/cases/{case.id}", data={"action": "return", "comment": "Добавьте итоги года."})
    returned = collector.to(world.curator_a.email)
    assert [m["Subject"] for m in returned] == ["Возвращено на доработку: «Кейс A»"]
    assert "Добавьте итоги года." in text_of(returned[0])
    curator.post(f"/admin/review/cases/{case.id}", data={"action": "submit"})
    editor.post(f"/admin/review/cases/{case.id}", data={"action": "publish"})
    assert collector.to(world.curator_a.email)[-1]["Subject"] == "Опубликовано: «Кейс A»"


def test_an_editor_who_turned_reviews_off_hears_nothing(mail_world, world, login_as):
    app, collector = mail_world
    db.session.add(MailOptOut(user_id=world.editor.id, kind="review_requested"))
    db.session.commit()
    login_as("curator_a").post(f"/admin/review/cases/{world.rows[('cases', 'a')].id}", data={"action": "submit"})
    assert collector.to(world.editor.email) == []


def test_the_weekly_digest_lists_what_is_due_by_number_only(mail_world, world):
    app, collector = mail_world
    pairing = world.rows[("pairings", "a")]
    for tag in ("a", "b"):
        world.rows[("pairings", tag)].starts_on = date.today() - timedelta(weeks=10)
    db.session.add(PlanGoal(pairing_id=pairing.id, position=1, title="Провести открытый урок",
                            deadline=date.today() - timedelta(days=3), done=False))
    activity = world.rows[("activities", "a")]
    activity.status, activity.deadline_end = ActivityStatus.PLANNED, date(2025, 11, 30)  # «ноябрь 2025»: past
    db.session.commit()
    assert digest.send_digests() == 2  # both curators have a quiet pairing
    db.session.commit()
    mail = collector.to(world.curator_a.email)
    assert len(mail) == 1 and mail[0]["Subject"].startswith("Сводка за неделю: ")
    body = text_of(mail[0])
    assert f"Пары без встреч больше 4 нед.: № {pairing.id}." in body
    assert f"Просрочены цели планов развития в парах: № {pairing.id}." in body
    assert "Дорожная карта A: 1.1 Мероприятие A" in body
    assert "Наставляемый A" not in body and "Наставник A" not in body  # pairs by number: a mentee may be a minor
    assert f"№ {world.rows[('pairings', 'b')].id}" not in body  # another organisation's


def test_no_digest_when_nothing_is_due_or_when_turned_off(mail_world, world):
    app, collector = mail_world
    for tag in ("a", "b"):
        pairing = world.rows[("pairings", tag)]
        db.session.add(Meeting(pairing_id=pairing.id, held_on=date.today()))
        world.rows[("activities", tag)].status = ActivityStatus.DONE
    db.session.commit()
    assert digest.send_digests() == 0
    for tag in ("a", "b"):
        world.rows[("pairings", tag)].starts_on = date.today() - timedelta(weeks=10)
    db.session.execute(sa.delete(Meeting))
    db.session.add(MailOptOut(user_id=world.curator_a.id, kind="digest"))
    db.session.commit()
    assert digest.send_digests() == 1  # curator B only
    db.session.commit()
    assert collector.to(world.curator_a.email) == []
