"""The whole way in a real browser: «Стать наставником» on the built site, the curator accepting the application
in the admin, the suggested match on a young teacher's page, the pairing in one click, and the mails that a local
SMTP server (aiosmtpd on 127.0.0.1) received on the way."""
from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from http_support import live_server as serving
from portal.extensions import db
from portal.models import Consent, ConsentKind, MentoringForm, Pairing, Person, PersonCategory
from portal.publish import publishing
from portal.serve import PublishedSite
from smtp_support import smtp_server, text_of  # noqa: F401
from test_public_site_in_browser import axe_violations, screenshot
from tests_support import PASSWORD

SCRIPT = '<img src=x onerror="document.title=\'xss\'">'


@pytest.fixture
def app(make_app, smtp_server):
    """As in production (CSRF on), mailing the local SMTP server; jobs run at once in the committing thread."""
    _collector, port = smtp_server
    app = make_app(WTF_CSRF_ENABLED=True, MAIL_HOST="127.0.0.1", MAIL_PORT=port, QUEUE_URL="memory://")
    with app.app_context():
        yield app


@pytest.fixture
def page(browser):
    """bypass_csp: axe-core is injected as a script; and a script that slipped through escaping would run, so the
    «inert» checks below do not lean on the Content-Security-Policy."""
    context = browser.new_context(locale="ru-RU", viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def served(app, world):
    mentee = Person(organisation=world.org_a, full_name="Молодой Педагог Иван", category=PersonCategory.TEACHER,
                    mentoring_form=MentoringForm.TEACHER_TEACHER, tags="математика, подготовка к ЕГЭ")
    mentee.roles = ["mentee"]
    mentee.consents = [Consent(kind=ConsentKind.PROCESSING, signed_on=date(2026, 9, 1))]
    db.session.add(mentee)
    db.session.commit()
    report = publishing.run_build(app)
    assert report.ok, report.details
    with serving(PublishedSite(app, app.config["BUILD_DIR"])) as (host, port):
        yield f"http://{host}:{port}", mentee


def test_from_become_a_mentor_to_a_pairing_with_the_mails(served, page, world, smtp_server):
    base, mentee = served
    collector, _port = smtp_server
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    # The built site: the footer's link, the static form, posted to the app.
    page.goto(f"{base}/")
    page.get_by_role("link", name="Стать наставником").click()
    page.wait_for_url("**/join/mentor/**")  # index.html on a static host
    assert axe_violations(page) == []
    screenshot(page, "join-mentor")
    page.get_by_label("Организация").select_option(label="Школа A")
    page.get_by_label("Кто вы").select_option(label="Педагог")
    page.get_by_label("Фамилия, имя, отчество").fill("Наставникова Елена Викторовна")
    page.get_by_label("Должность").fill("учитель математики " + SCRIPT)
    page.get_by_label("Электронная почта").fill("elena@example.org")
    page.get_by_label("Форма наставничества").select_option(label="Учитель – учитель")
    page.get_by_label("Компетенции").fill("математика, подготовка к ЕГЭ, олимпиады")
    page.get_by_label("Сколько наставляемых").fill("2")
    page.get_by_role("button", name="Отправить заявку").click()
    # Without the consent: a Russian message, what was typed kept.
    assert page.get_by_text("Без согласия на обработку персональных данных заявку принять нельзя.").first.is_visible()
    assert page.get_by_label("Фамилия, имя, отчество").input_value() == "Наставникова Елена Викторовна"
    assert axe_violations(page) == []
    page.get_by_label("Я согласен(на) на обработку персональных данных на условиях выше").check()
    page.get_by_role("button", name="Отправить заявку").click()
    page.get_by_role("heading", name="Заявка отправлена").wait_for()

    # The curator: «Заявки», the application, «Принять».
    page.goto(f"{base}/admin/login")
    page.get_by_label("Электронная почта").fill(world.curator_a.email)
    page.get_by_label("Пароль").fill(PASSWORD)
    page.get_by_label("Пароль").press("Enter")
    page.get_by_role("link", name="Заявки").first.click()
    page.get_by_role("link", name="Стать наставником").first.click()
    assert "учитель математики" in page.content() and page.title() != "xss"
    page.get_by_role("button", name="Принять: добавить в реестр").click()
    page.get_by_text("Заявка принята").first.wait_for()

    # The young teacher's page: the suggestion with its reasons, the pairing in one click.
    page.goto(f"{base}/admin/persons/{mentee.id}/edit")
    page.get_by_role("link", name="Подобрать наставника").click()
    first = page.locator("ol.matches li").first
    assert "Наставникова Елена Викторовна" in first.inner_text()
    assert "совпадают: математика, подготовка к ЕГЭ" in first.inner_text()
    assert "свободно 2 из 2 мест" in first.inner_text()
    first.get_by_role("button", name="Закрепить пару").click()
    page.get_by_text("Пара закреплена").first.wait_for()
    assert "/admin/pairings/" in page.url
    pairing = db.session.scalar(sa.select(Pairing).where(Pairing.mentees.any(Person.id == mentee.id)))
    assert pairing.mentor.full_name == "Наставникова Елена Викторовна"
    assert dialogs == [] and page.title() != "xss"

    # The mails the SMTP server received: the applicant's two, the curator's one.
    collector.wait_for(3)
    subjects = sorted(message["Subject"] for _to, message in collector.messages)
    assert subjects == ["Заявка «Стать наставником» получена", "Заявка «Стать наставником» принята",
                        "Новая заявка «Стать наставником»"]
    assert [m["Subject"] for m in collector.to("elena@example.org")] == [
        "Заявка «Стать наставником» получена", "Заявка «Стать наставником» принята"]
    assert "/admin/applications/" in text_of(collector.to(world.curator_a.email)[0])
