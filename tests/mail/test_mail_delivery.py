"""Mail goes through the job queue to a real SMTP server on loopback (aiosmtpd): what arrives, what it says and
does not say, and what a failure leaves in the admin."""
from __future__ import annotations

import sqlalchemy as sa

from application_support import ORIGIN, mentee_form, mentor_form
from portal.extensions import db
from portal.models import Application, MailMessage, MailOptOut, MailStatus
from smtp_support import free_port, html_of, text_of


def messages() -> list[MailMessage]:
    return list(db.session.scalars(sa.select(MailMessage).order_by(MailMessage.id)))


def test_an_application_mails_the_applicant_and_the_curators(mail_world, world):
    app, collector = mail_world
    response = app.test_client().post("/apply/mentor", data=mentor_form(world.org_a.id), headers=ORIGIN)
    assert response.status_code == 303
    applicant = collector.to("ivanova@example.org")
    assert len(applicant) == 1
    assert applicant[0]["Subject"] == "Заявка «Стать наставником» получена"
    assert "Портал наставничества" in applicant[0]["From"]
    body = text_of(applicant[0])
    assert "Почему вы получили это письмо: вы подали заявку на сайте" in body and "http://" in body
    assert "<p>" in html_of(applicant[0])
    curator = collector.to(world.curator_a.email)
    assert len(curator) == 1 and curator[0]["Subject"] == "Новая заявка «Стать наставником»"
    assert "/admin/applications/" in text_of(curator[0]) and "вы куратор организации" in text_of(curator[0])
    assert collector.to(world.curator_b.email) == []  # another organisation's curator hears nothing
    assert {m.status for m in messages()} == {MailStatus.SENT}


def test_no_minors_data_in_any_mail(mail_world, world, login_as):
    app, collector = mail_world
    client = app.test_client()
    client.post("/apply/mentee", data=mentee_form(world.org_a.id), headers=ORIGIN)
    application = db.session.scalar(sa.select(Application))
    curator = login_as("curator_a")
    curator.post(f"/admin/applications/{application.id}/decide", data={"action": "accept"})
    assert len(collector.messages) == 3  # received, new application, accepted
    for _recipient, message in collector.messages:
        for part in (text_of(message), html_of(message), message["Subject"]):
            assert "Петров" not in part and "Коля" not in part and "7 «Б»" not in part


def test_decline_and_more_info_mail_the_reason(mail_world, world, login_as):
    app, collector = mail_world
    client = app.test_client()
    client.post("/apply/mentor", data=mentor_form(world.org_a.id), headers=ORIGIN)
    client.post("/apply/mentor", data=mentor_form(world.org_a.id, email="second@example.org"), headers=ORIGIN)
    first, second = db.session.scalars(sa.select(Application).order_by(Application.id)).all()
    curator = login_as("curator_a")
    page = curator.post(f"/admin/applications/{first.id}/decide", data={"action": "decline", "comment": ""},
                        follow_redirects=True).get_data(as_text=True)
    assert "Укажите причину отказа" in page
    curator.post(f"/admin/applications/{first.id}/decide", data={"action": "decline", "comment": "Набор закрыт."})
    curator.post(f"/admin/applications/{second.id}/decide", data={"action": "more", "comment": "Укажите стаж."})
    declined = collector.to("ivanova@example.org")[-1]
    assert declined["Subject"] == "Заявка «Стать наставником» отклонена" and "Набор закрыт." in text_of(declined)
    more = collector.to("second@example.org")[-1]
    assert "нужны дополнительные сведения" in more["Subject"] and "Укажите стаж." in text_of(more)
    assert "/join/mentor/" in text_of(more)


def test_a_refused_address_is_failed_at_once_and_shown_in_the_admin(mail_world, world, login_as):
    app, collector = mail_world
    collector.refuse.add("nobody@example.org")
    app.test_client().post("/apply/mentor", data=mentor_form(world.org_a.id, email="nobody@example.org"),
                           headers=ORIGIN)
    failed = [m for m in messages() if m.recipient == "nobody@example.org"]
    assert len(failed) == 1 and failed[0].status == MailStatus.FAILED and failed[0].attempts == 1
    assert "550" in failed[0].error
    page = login_as("curator_a").get("/admin/mail/?failed=1").get_data(as_text=True)
    assert "nobody@example.org" in page and "Не отправлено" in page and "550" in page


def test_a_server_that_is_down_leaves_the_mail_to_retry(app, world):
    app.config["MAIL_PORT"] = free_port()  # nothing listens there
    app.test_client().post("/apply/mentor", data=mentor_form(world.org_a.id), headers=ORIGIN)
    rows = messages()
    assert rows and all(m.status == MailStatus.RETRYING and m.attempts == 1 for m in rows)
    assert all("Connection" in m.error or "Errno" in m.error for m in rows)


def test_without_a_mail_server_nothing_is_sent_and_the_admin_says_why(app, world, login_as):
    app.config["MAIL_HOST"] = ""
    app.test_client().post("/apply/mentor", data=mentor_form(world.org_a.id), headers=ORIGIN)
    assert {m.status for m in messages()} == {MailStatus.FAILED}
    assert "PORTAL_MAIL_HOST" in login_as("admin").get("/admin/mail/").get_data(as_text=True)


def test_a_curator_who_turned_new_applications_off_gets_none(mail_world, world, login_as):
    app, collector = mail_world
    curator = login_as("curator_a")
    page = curator.get("/admin/notifications").get_data(as_text=True)
    assert "Новая заявка в моей организации" in page
    curator.post("/admin/notifications", data={"digest": "on"})  # new_application left unticked
    assert db.session.scalar(sa.select(MailOptOut.kind).where(MailOptOut.user_id == world.curator_a.id)) \
        == "new_application"
    app.test_client().post("/apply/mentor", data=mentor_form(world.org_a.id), headers=ORIGIN)
    assert collector.to(world.curator_a.email) == []
    assert len(collector.to("ivanova@example.org")) == 1  # the applicant's answer cannot be turned off
