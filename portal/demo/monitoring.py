"""The monitoring part of the demo data set (content/demo/monitoring.yaml): questionnaires with answers,
pairing journals and the year's best mentors. Idempotent like the rest of portal/demo/."""
from __future__ import annotations

from collections import Counter
from datetime import datetime, time
from typing import Any

import sqlalchemy as sa

from portal.extensions import db
from portal.models import Meeting, MentorAward, Pairing, PlanGoal, Questionnaire

from portal.demo.lookup import organisation as _organisation
from portal.demo.lookup import person as _person
from portal.monitoring.questionnaires import from_template, make_response


def load_monitoring(data: dict[str, Any]) -> Counter:
    created: Counter = Counter()
    for item in data.get("questionnaires", []):
        organisation = _organisation(item["organisation"])
        if db.session.scalar(sa.select(Questionnaire.id).where(Questionnaire.title == item["title"],
                                                              Questionnaire.organisation_id == organisation.id)):
            continue
        questionnaire = from_template(item["template"], organisation.id)
        questionnaire.title = item["title"]
        questionnaire.stage = item.get("stage", questionnaire.stage)
        questionnaire.opens_on, questionnaire.closes_on = item.get("opens_on"), item.get("closes_on")
        questionnaire.publish_results = item.get("publish_results", False)
        db.session.add(questionnaire)
        db.session.flush()
        for index, answers in enumerate(item.get("responses", [])):
            values = {question.id: value for question, value in zip(questionnaire.questions, answers)
                      if value not in (None, "", [])}
            submitted = datetime.combine(questionnaire.opens_on, time(10)) if questionnaire.opens_on else None
            db.session.add(make_response(questionnaire, values, submitted.replace(minute=index) if submitted
                                         else datetime.now()))
        created["анкеты"] += 1
    for item in data.get("journals", []):
        pairing = db.session.scalar(sa.select(Pairing).where(Pairing.order_number == item["order_number"],
                                                             Pairing.mentor_id == _person(item["mentor"]).id))
        if pairing is None:
            raise ValueError(f"В демо-данных указана неизвестная пара «{item['order_number']}»")
        for meeting in item.get("meetings", []):
            if not db.session.scalar(sa.select(Meeting.id).where(Meeting.pairing_id == pairing.id,
                                                                 Meeting.held_on == meeting["held_on"])):
                db.session.add(Meeting(pairing_id=pairing.id, **meeting))
                created["встречи пар"] += 1
        for position, goal in enumerate(item.get("goals", []), start=1):
            if not db.session.scalar(sa.select(PlanGoal.id).where(PlanGoal.pairing_id == pairing.id,
                                                                  PlanGoal.title == goal["title"])):
                db.session.add(PlanGoal(pairing_id=pairing.id, position=position * 10, **goal))
                created["цели планов развития"] += 1
    for item in data.get("awards", []):
        person = _person(item["person"])
        if not db.session.scalar(sa.select(MentorAward.id).where(MentorAward.person_id == person.id,
                                                                 MentorAward.year == item["year"])):
            db.session.add(MentorAward(person_id=person.id, year=item["year"],
                                       title=item.get("title", "Лучший наставник года")))
            created["лучшие наставники"] += 1
    return created
