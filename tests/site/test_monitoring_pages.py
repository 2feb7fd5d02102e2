"""The site's monitoring pages: indicators with cluster pages and a CSV, questionnaire results only from
enough responses and without free text, best mentors with only what their consent allows."""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from portal.extensions import db
from portal.models import Consent, ConsentKind, MentorAward, OrganisationCluster
from portal.monitoring.questionnaires import make_response
from portal.publish import publishing

from monitoring.monitoring_support import make_questionnaire


def answer(questionnaire, scale, single, text=None):
    scale_q, single_q, _multiple, text_q = questionnaire.questions
    values = {scale_q.id: scale, single_q.id: single} | ({text_q.id: text} if text else {})
    db.session.add(make_response(questionnaire, values, datetime(2026, 5, 15, 10, 0)))


def test_results_page_shows_aggregates_of_enough_responses_and_never_free_text(app, world, client):
    shown = make_questionnaire(world.org_a, title="Удовлетворённость наставляемых", publish_results=True)
    few = make_questionnaire(world.org_b, title="Анкета с тремя ответами", publish_results=True)
    for n in range(5):
        answer(shown, 6 + n % 3, "Раз в неделю", text=f"Секретный отзыв {n}")
    for n in range(3):
        answer(few, 9, "Раз в месяц")
    db.session.commit()
    html = client.get("/results/").get_data(as_text=True)
    assert "Удовлетворённость наставляемых" in html and "5 ответов" in html
    assert 'role="img"' in html and "Раз в неделю — 5 (100 %)" in html
    assert "Анкета с тремя ответами" not in html and "Секретный отзыв" not in html and "Что изменить?" not in html


def test_best_mentors_page_names_only_consented_mentors_with_allowed_fields(app, world, client):
    mentor = world.rows[("persons", "a")]
    mentor.position, mentor.email = "учитель физики", "secret@example.org"
    mentor.consents.append(Consent(kind=ConsentKind.PUBLICATION, signed_on=date(2025, 9, 1),
                                   allowed_fields="full_name,organisation"))
    no_consent = world.rows[("persons", "b")]
    db.session.add_all([MentorAward(person=mentor, year=2026), MentorAward(person=no_consent, year=2026),
                        MentorAward(person=mentor, year=2025)])
    db.session.commit()
    html = client.get("/best-mentors/").get_data(as_text=True)
    assert "Лучшие наставники 2026 года" in html and "Наставник A" in html
    assert "Наставник B" not in html and "учитель физики" not in html and "secret@" not in html
    assert 'href="/best-mentors/2025/"' in html
    assert client.get("/best-mentors/2019/").status_code == 404


def test_indicators_page_filters_by_cluster_and_the_build_writes_its_csv(app, world, client):
    world.org_a.cluster = OrganisationCluster.LOW
    world.org_a.pupils_count = 400
    db.session.commit()
    everything = client.get("/indicators/").get_data(as_text=True)
    assert "Школа A" in everything and "Школа B" in everything and 'href="/indicators/cluster/low/"' in everything
    low = client.get("/indicators/cluster/low/").get_data(as_text=True)
    assert "Школа A" in low and "Школа B</a>" not in low
    assert client.get("/indicators/cluster/high/").status_code == 200  # a cluster nobody has yet: empty list
    assert client.get("/indicators/cluster/nonsense/").status_code == 404
    report = publishing.run_build(app)
    assert report.ok, report.details
    site = Path(app.config["BUILD_DIR"])
    assert (site / "indicators/cluster/low/index.html").is_file()
    assert not (site / "indicators/cluster/high").exists()  # only clusters that occur get a page
    assert "Школа A" in (site / "indicators/indicators.csv").read_text(encoding="utf-8-sig")
