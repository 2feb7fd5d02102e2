"""A questionnaire's life: built in the admin, answered at its public link, closed, late answers refused."""
from __future__ import annotations

import re
from datetime import date, timedelta

import sqlalchemy as sa

from portal.extensions import db
from portal.models import Answer, Question, Questionnaire, QuestionnaireResponse
from portal.monitoring.questionnaires import TEMPLATES
from monitoring_support import make_questionnaire, some_ip


def responses(questionnaire_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(QuestionnaireResponse)
                             .where(QuestionnaireResponse.questionnaire_id == questionnaire_id))


def test_build_answer_close_and_refuse_late_answers(app, world, curator_client):
    today = date.today()
    response = curator_client.post("/admin/questionnaires/new", data={
        "organisation_id": world.org_a.id, "program_id": "", "title": "Итоговая анкета наставляемых",
        "audience": "mentees", "stage": "final", "opens_on": (today - timedelta(days=3)).isoformat(),
        "closes_on": (today + timedelta(days=7)).isoformat()})
    assert response.status_code == 302, response.get_data(as_text=True)
    questionnaire = db.session.scalar(sa.select(Questionnaire).where(Questionnaire.title.like("Итоговая%")))
    for text, kind, required, options in (("Насколько полезны встречи?", "scale10", "y", ""),
                                          ("Как часто встречались?", "single", "y", "Раз в неделю\nРаз в месяц"),
                                          ("Что изменить?", "text", "", "")):
        data = {"text": text, "kind": kind, "options": options} | ({"required": required} if required else {})
        added = curator_client.post(f"/admin/questionnaires/{questionnaire.id}/questions/new", data=data)
        assert added.status_code == 302, added.get_data(as_text=True)
    db.session.expire_all()
    questionnaire = db.session.get(Questionnaire, questionnaire.id)
    scale, single, free = questionnaire.questions
    assert [q.required for q in questionnaire.questions] == [True, True, False]

    public = app.test_client()
    link = f"/q/{questionnaire.token}"
    form = public.get(link, environ_base=some_ip())
    html = form.get_data(as_text=True)
    assert form.status_code == 200 and "Итоговая анкета наставляемых" in html
    assert f'<legend>1. Насколько полезны встречи?' in html and f'<label for="q{free.id}">' in html
    assert "<script" not in html and " onclick" not in html  # CSP without inline scripts

    # An error keeps what was typed and chosen.
    wrong = public.post(link, data={f"q{single.id}": "Раз в месяц", f"q{free.id}": "Больше встреч"},
                        environ_base=some_ip())
    html = wrong.get_data(as_text=True)
    assert wrong.status_code == 200 and "Ответьте на этот вопрос." in html and 'role="alert"' in html
    assert re.search(rf'value="Раз в месяц" checked', html) and ">Больше встреч</textarea>" in html
    assert f'aria-describedby="q{scale.id}-error"' in html
    assert responses(questionnaire.id) == 0

    sent = public.post(link, data={f"q{scale.id}": "8", f"q{single.id}": "Раз в неделю", f"q{free.id}": "Больше встреч"},
                       environ_base=some_ip())
    assert sent.status_code == 303 and sent.headers["Location"].endswith(f"{link}/thanks")
    assert "Ваши ответы записаны" in public.get(sent.headers["Location"]).get_data(as_text=True)
    assert responses(questionnaire.id) == 1
    stored = {(a.question_id, a.number, a.text) for a in db.session.scalars(sa.select(Answer))}
    assert stored == {(scale.id, 8, ""), (single.id, None, "Раз в неделю"), (free.id, None, "Больше встреч")}

    closed = curator_client.post(f"/admin/questionnaires/{questionnaire.id}/close", data={"action": "close"})
    assert closed.status_code == 302
    late = public.post(link, data={f"q{scale.id}": "3", f"q{single.id}": "Раз в месяц"}, environ_base=some_ip())
    assert late.status_code == 200 and "Анкета закрыта" in late.get_data(as_text=True)
    assert responses(questionnaire.id) == 1

    results = curator_client.get(f"/admin/questionnaires/{questionnaire.id}/results").get_data(as_text=True)
    assert "Ответов: <strong>1</strong>" in results and 'role="img"' in results
    assert "Больше встреч" in results  # free answers: in the admin only


def test_a_questionnaire_takes_answers_only_between_its_dates(app, world):
    today = date.today()
    early = make_questionnaire(world.org_a, title="Ещё не открыта")
    early.opens_on = today + timedelta(days=2)
    late = make_questionnaire(world.org_a, title="Уже закрыта")
    late.opens_on, late.closes_on = today - timedelta(days=30), today - timedelta(days=1)
    db.session.commit()
    client = app.test_client()
    for questionnaire, message in ((early, "Анкета ещё не открыта"), (late, "Приём ответов завершён")):
        scale = questionnaire.questions[0]
        for response in (client.get(f"/q/{questionnaire.token}"),
                         client.post(f"/q/{questionnaire.token}", data={f"q{scale.id}": "5"}, environ_base=some_ip())):
            assert response.status_code == 200 and message in response.get_data(as_text=True)
        assert responses(questionnaire.id) == 0


def test_the_link_cannot_be_guessed(app, world):
    first, second = make_questionnaire(world.org_a), make_questionnaire(world.org_b)
    assert len(first.token) >= 22 and first.token != second.token  # 128 random bits each
    client = app.test_client()
    for token in (first.token[:-1] + ("A" if first.token[-1] != "A" else "B"), str(first.id), "x" * 500):
        response = client.get(f"/q/{token}")
        assert response.status_code == 404 and "Анкета не найдена" in response.get_data(as_text=True)


def test_the_public_form_needs_its_csrf_token_and_keeps_the_answers(make_app, world):
    app = make_app(create_tables=False, WTF_CSRF_ENABLED=True)
    questionnaire = make_questionnaire(world.org_a)
    scale, single, _multiple, free = questionnaire.questions
    client = app.test_client()
    answers = {f"q{scale.id}": "9", f"q{single.id}": "Раз в месяц", f"q{free.id}": "Мой ответ"}
    refused = client.post(f"/q/{questionnaire.token}", data=answers, environ_base=some_ip())
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "форма устарела" in html and ">Мой ответ</textarea>" in html
    assert responses(questionnaire.id) == 0
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    accepted = client.post(f"/q/{questionnaire.token}", data=answers | {"csrf_token": token}, environ_base=some_ip())
    assert accepted.status_code == 303 and responses(questionnaire.id) == 1


def test_the_public_form_is_rate_limited(make_app, world):
    app = make_app(create_tables=False, QUESTIONNAIRE_RATE_LIMIT="2 per minute")
    questionnaire = make_questionnaire(world.org_a)
    scale, single = questionnaire.questions[:2]
    client, ip = app.test_client(), some_ip()
    codes = [client.post(f"/q/{questionnaire.token}", data={f"q{scale.id}": "7", f"q{single.id}": "Раз в неделю"},
                         environ_base=ip).status_code for _ in range(3)]
    assert codes == [303, 303, 429]
    assert responses(questionnaire.id) == 2


def test_a_questionnaire_from_the_satisfaction_template(world, curator_client):
    response = curator_client.post("/admin/questionnaires/templates", data={"template": "mentor_satisfaction",
                                                                          "organisation_id": world.org_a.id})
    assert response.status_code == 302
    questionnaire = db.session.scalar(sa.select(Questionnaire).where(Questionnaire.template == "mentor_satisfaction"))
    assert questionnaire.organisation_id == world.org_a.id and questionnaire.audience.value == "mentors"
    assert [q.text for q in questionnaire.questions] == [q.text for q in TEMPLATES["mentor_satisfaction"].questions]
    # A curator cannot create one for another school.
    other = curator_client.post("/admin/questionnaires/templates", data={"template": "mentee_satisfaction",
                                                                       "organisation_id": world.org_b.id})
    assert other.status_code == 200 and db.session.scalar(
        sa.select(sa.func.count()).select_from(Questionnaire)) == 1


def test_questions_are_locked_once_answers_exist(app, world, curator_client):
    questionnaire = make_questionnaire(world.org_a)
    scale, single = questionnaire.questions[:2]
    app.test_client().post(f"/q/{questionnaire.token}", data={f"q{scale.id}": "4", f"q{single.id}": "Раз в месяц"},
                           environ_base=some_ip())
    assert responses(questionnaire.id) == 1
    added = curator_client.post(f"/admin/questionnaires/{questionnaire.id}/questions/new",
                                data={"text": "Новый", "kind": "scale5"}, follow_redirects=True)
    assert "уже есть ответы" in added.get_data(as_text=True)
    changed = curator_client.post(f"/admin/questions/{single.id}/edit", data={
        "text": single.text, "kind": "single", "required": "y", "options": "Раз в неделю\nНикогда"})
    assert changed.status_code == 200 and "уже есть ответы" in changed.get_data(as_text=True)
    typo = curator_client.post(f"/admin/questions/{single.id}/edit", data={
        "text": "Как часто вы встречались?", "kind": "single", "required": "y", "options": single.options})
    assert typo.status_code == 302
    db.session.expire_all()
    assert len(db.session.get(Questionnaire, questionnaire.id).questions) == 4
    assert db.session.get(Question, single.id).text == "Как часто вы встречались?"


def test_a_curator_cannot_reach_another_schools_questionnaire(app, world, curator_client):
    other = make_questionnaire(world.org_b)
    for url in (f"/admin/questionnaires/{other.id}/edit", f"/admin/questionnaires/{other.id}/results",
                f"/admin/questionnaires/{other.id}/import", f"/admin/questions/{other.questions[0].id}/edit"):
        assert curator_client.get(url).status_code == 404
    assert curator_client.post(f"/admin/questionnaires/{other.id}/close").status_code == 404


def test_portal_serve_sends_the_public_link_to_the_admin_app(app, world, tmp_path):
    from werkzeug.test import Client

    from portal.serve import PublishedSite

    questionnaire = make_questionnaire(world.org_a, title="Анкета через portal serve")
    response = Client(PublishedSite(app, str(tmp_path / "not-built"))).get(f"/q/{questionnaire.token}")
    assert response.status_code == 200 and "Анкета через portal serve" in response.get_data(as_text=True)
