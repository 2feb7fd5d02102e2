"""The public application form (/join/<kind>/ on the site, posting to /apply/<kind>): what is stored, and bad input
— missing consent, a 10 MB body, a script in every field, a flood from one address, a foreign page, a bot."""
from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from application_support import ORIGIN, mentee_form, mentor_form
from portal.extensions import db
from portal.models import Application, MailMessage, Person
from portal.publish import publishing

SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_the_site_page_has_the_form_posting_to_the_app(client, world):
    page = client.get("/join/mentor/").get_data(as_text=True)
    assert 'action="/apply/mentor"' in page and "Стать наставником" in page
    assert world.org_a.short_name in page and 'name="consent_version"' in page
    assert 'name="website"' in page  # the honeypot
    assert "Найти наставника" in client.get("/join/mentee/").get_data(as_text=True)


def test_a_valid_application_is_stored_whole_with_its_consent(client, world):
    response = client.post("/apply/mentor", data=mentor_form(world.org_a.id), headers=ORIGIN)
    assert response.status_code == 303 and response.location.endswith("/apply/thanks")
    application = db.session.scalar(sa.select(Application))
    assert application.full_name == "Иванова Мария Петровна" and application.capacity == 3
    assert application.tags == "математика, подготовка к ЕГЭ"
    assert application.consent_address == "127.0.0.1" and application.consent_version
    assert application.publication_consent is True
    assert count(Person) == 4  # the world's four: an application is no person until accepted
    assert "Заявка отправлена" in client.get("/apply/thanks").get_data(as_text=True)


def test_missing_consent_gets_a_russian_message_and_stores_nothing(client, world):
    response = client.post("/apply/mentor", data=mentor_form(world.org_a.id, consent=None), headers=ORIGIN)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Без согласия на обработку персональных данных заявку принять нельзя." in page
    assert "Иванова Мария Петровна" in page  # what was typed stays
    assert count(Application) == 0 and count(MailMessage) == 0


def test_a_minor_needs_the_parent_and_the_parents_consent(client, world):
    response = client.post("/apply/mentee", data=mentee_form(world.org_a.id, parent_consent=None,
                                                              representative_name=""), headers=ORIGIN)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Без согласия родителя" in page and "Укажите ФИО родителя" in page
    assert count(Application) == 0


def test_a_10_mb_body_is_refused_in_russian(client, world):
    form = mentor_form(world.org_a.id, about="я" * (10 * 1024 * 1024))
    response = client.post("/apply/mentor", data=form, headers=ORIGIN)
    assert response.status_code == 413
    assert "Заявка слишком большая" in response.get_data(as_text=True)
    assert count(Application) == 0


def test_a_post_from_another_site_is_refused(client, world):
    response = client.post("/apply/mentor", data=mentor_form(world.org_a.id),
                           headers={"Origin": "http://evil.example"})
    assert response.status_code == 400 and "не со страницы портала" in response.get_data(as_text=True)
    response = client.post("/apply/mentor", data=mentor_form(world.org_a.id))  # neither Origin nor Referer
    assert response.status_code == 400
    assert count(Application) == 0


def test_the_honeypot_stores_nothing_and_says_nothing(client, world):
    form = mentor_form(world.org_a.id, website="http://spam.example")
    response = client.post("/apply/mentor", data=form, headers=ORIGIN)
    assert response.status_code == 303
    assert count(Application) == 0 and count(MailMessage) == 0


def test_unknown_choices_are_refused(client, world):
    form = mentor_form(world.org_a.id, organisation="999999", category="pupil", mentoring_form="x", capacity="99")
    page = client.post("/apply/mentor", data=form, headers=ORIGIN).get_data(as_text=True)
    for message in ("Выберите организацию из списка.", "Выберите, кто вы, из списка.",
                    "Выберите форму наставничества.", "Число от 1 до 10."):
        assert message in page
    assert count(Application) == 0


def test_a_script_in_every_field_stays_text_everywhere(app, client, world, login_as):
    form = mentor_form(world.org_a.id, **{name: SCRIPT for name in
                                          ("full_name", "position", "tags", "about", "availability", "phone")})
    form["email"] = 'x"<script>@example.org'
    page = client.post("/apply/mentor", data=form, headers=ORIGIN).get_data(as_text=True)
    assert "<script>alert" not in page  # the error page shows what was typed, escaped
    form["email"], form["phone"] = "script@example.org", "+7 900 000-00-00"
    assert client.post("/apply/mentor", data=form, headers=ORIGIN).status_code == 303
    application = db.session.scalar(sa.select(Application))
    assert application.full_name == SCRIPT  # stored as typed: it is text, escaped wherever it is shown
    admin = login_as("curator_a")
    for url in ("/admin/applications/", f"/admin/applications/{application.id}"):
        html = admin.get(url).get_data(as_text=True)
        assert "<script>alert" not in html and "onerror=alert" not in html.replace("onerror=alert(1)&gt;", "")
        assert "&lt;script&gt;" in html
    mails = db.session.scalars(sa.select(MailMessage)).all()
    assert mails and all("<script>" not in m.body_html for m in mails)
    admin.post(f"/admin/applications/{application.id}/decide", data={"action": "accept"})
    person = db.session.get(Person, db.session.scalar(sa.select(Application.person_id)))
    html = admin.get(f"/admin/persons/{person.id}/edit").get_data(as_text=True)
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert "<script>alert" not in admin.get("/admin/mail/").get_data(as_text=True)
    mentee = next(p for p in db.session.scalars(sa.select(Person)) if p.organisation_id == world.org_a.id
                  and "mentee" in p.roles)
    mentee.mentoring_form = person.mentoring_form  # so that the new mentor is suggested to them
    db.session.commit()
    html = admin.get(f"/admin/persons/{mentee.id}/matches").get_data(as_text=True)
    assert "&lt;script&gt;alert" in html and "<script>alert" not in html  # the suggestion names the mentor
    # Accepted with a consent to publication: the name reaches the site's mentors page, as text.
    report = publishing.run_build(app)
    assert report.ok, report.details
    mentors = (Path(app.config["BUILD_DIR"]) / "mentors" / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert" in mentors and "<script>alert" not in mentors and "<img src=x" not in mentors


def test_a_flood_from_one_address_is_stopped_with_a_russian_message(make_app, world):
    app = make_app(RATELIMIT_ENABLED=True, APPLICATION_RATE_LIMIT="5 per minute")
    client = app.test_client()
    statuses = []
    for number in range(100):
        form = mentor_form(world.org_a.id, email=f"m{number}@example.org", full_name=f"Наставник {number}")
        response = client.post("/apply/mentor", data=form, headers=ORIGIN)
        statuses.append(response.status_code)
        if response.status_code == 429:
            assert "Слишком много заявок" in response.get_data(as_text=True)
    assert statuses.count(303) == 5 and statuses.count(429) == 95
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Application)) == 5


def test_the_public_forms_are_neither_cached_nor_indexed(client, world):
    from portal.monitoring.questionnaires import from_template
    from portal.extensions import db

    questionnaire = from_template("mentee_satisfaction", world.org_a.id)
    db.session.add(questionnaire)
    db.session.commit()
    for url in ("/apply/mentor", f"/q/{questionnaire.token}"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "no-store" and "noindex" in response.headers["X-Robots-Tag"]
