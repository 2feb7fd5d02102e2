"""The dashboard asks the database a fixed number of questions, however many rows its lists show: a list that
loaded each row's people or organisation on its own (or asked for the user's organisations per row) would make a
coordinator's home page slower with every pairing of the region (issue #22: the admin under a region's editors)."""
from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from portal import search
from portal.extensions import db
from portal.models import (Case, MentoringForm, Organisation, OrganisationKind, Pairing, Person, PersonCategory,
                           PlanGoal, Status)
from portal.clock import local_now

pytestmark = pytest.mark.both_databases


def _statements(client) -> tuple[int, str]:
    seen = []

    request_thread = threading.get_ident()

    def count(_conn, _cursor, statement, *_args):
        if threading.get_ident() == request_thread:  # not the search index's writer thread
            seen.append(" ".join(statement.split())[:150])

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        response = client.get("/admin/")
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)
    assert response.status_code == 200
    return seen, response.get_data(as_text=True)


def _add_rows(world, number: int) -> None:
    """`number` more of everything the dashboard lists: every other row's mentee from an organisation of its own
    (a network pairing, whose other side a curator sees by organisation, not by name)."""
    long_ago = date.today() - timedelta(days=400)
    for n in range(number):
        org = world.org_a
        if n % 2 == 0:
            org = Organisation(name=f"Колледж {number}-{n} полностью", short_name=f"Колледж {number}-{n}",
                               kind=OrganisationKind.COLLEGE)
        mentor = Person(organisation=world.org_a, full_name=f"Наставник {number}-{n}", category=PersonCategory.TEACHER,
                        joined_on=long_ago)
        mentor.roles = ["mentor"]
        mentee = Person(organisation=org, full_name=f"Ученик {number}-{n}", category=PersonCategory.STUDENT,
                        joined_on=long_ago)
        mentee.roles = ["mentee"]
        waiting = Person(organisation=org, full_name=f"Без пары {number}-{n}", category=PersonCategory.STUDENT,
                         joined_on=long_ago)
        waiting.roles = ["mentee"]
        pairing = Pairing(organisation=world.org_a, mentor=mentor, mentees=[mentee], starts_on=long_ago,
                          mentoring_form=MentoringForm.STUDENT_PUPIL)
        db.session.add_all([mentor, mentee, waiting, pairing,
                            PlanGoal(pairing=pairing, title=f"Цель {n}", deadline=long_ago),
                            Case(organisation=world.org_a, title=f"На проверке {number}-{n}", status=Status.REVIEW,
                                 mentoring_form=MentoringForm.STUDENT_PUPIL),
                            Case(organisation=world.org_a, title=f"Запланирован {number}-{n}",
                                 status=Status.PUBLISHED, publish_at=local_now() + timedelta(days=n + 1),
                                 mentoring_form=MentoringForm.STUDENT_PUPIL)])
    db.session.commit()
    search.flush()
    db.session.remove()  # the request starts with an empty session, as in production


@pytest.mark.parametrize("who", ["editor", "curator_a"])
def test_the_dashboard_asks_as_many_questions_for_many_rows_as_for_few(world, login_as, who):
    client = login_as(who)
    _add_rows(world, 2)
    few_list, html = _statements(client)
    few = len(few_list)
    assert "Без пары 2-1" in html and "Наставник 2-1" in html and "На проверке 2-1" in html
    assert "Запланирован 2-1" in html and "Цель 1" in html
    _add_rows(world, 12)
    many_list, html = _statements(client)
    many = len(many_list)
    assert "Без пары 12-11" in html and "Наставник 12-11" in html and "Запланирован 12-11" in html
    assert many == few, (few_list, many_list)
    if who == "curator_a":  # the other side's people are named by their organisation, not by name
        assert "Без пары 12-10" not in html and "Ученик 12-10" not in html and "Наставляемый из Колледж 12-10" in html
