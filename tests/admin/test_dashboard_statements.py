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
    # The user, the counts, each list in one statement, the pairings' labels in one for both lists of pairings,
    # the next publication, applications and mails (and a curator's organisations): 12 and 13 before the lists
    # were read as plain rows.
    assert few <= (11 if who == "curator_a" else 10), few_list
    if who == "curator_a":  # the other side's people are named by their organisation, not by name
        assert "Без пары 12-10" not in html and "Ученик 12-10" not in html and "Наставляемый из Колледж 12-10" in html


def _sections(html: str) -> dict[str, str]:
    heads = ["Ждут проверки", "Запланированы к публикации", "Не сформировали пару", "Давно не встречались",
             "Просрочены цели"]
    parts = {}
    for head, following in zip(heads, heads[1:] + [None]):
        part = html.split(head, 1)[1]
        parts[head] = part.split(following, 1)[0] if following else part
    return parts


def test_each_curator_sees_only_their_organisations_rows_though_the_statements_are_shared(world, login_as):
    """The dashboard's statements are built once and run for every user with the user's organisations as a bind
    parameter (permissions.scope_by_parameter): curator A, curator B, then A again each see their own rows in
    every list, and the editor sees both."""
    clients = {who: login_as(who) for who in ("curator_a", "curator_b", "editor")}
    long_ago = date.today() - timedelta(days=400)
    for tag, org in (("A", world.org_a), ("B", world.org_b)):
        mentor = Person(organisation=org, full_name=f"Тихий Наставник {tag}", category=PersonCategory.TEACHER)
        mentor.roles = ["mentor"]
        mentee = Person(organisation=org, full_name=f"Тихий Ученик {tag}", category=PersonCategory.STUDENT)
        mentee.roles = ["mentee"]
        waiting = Person(organisation=org, full_name=f"Ждёт Пары {tag}", category=PersonCategory.STUDENT,
                         joined_on=long_ago)
        waiting.roles = ["mentee"]
        pairing = Pairing(organisation=org, mentor=mentor, mentees=[mentee], starts_on=long_ago,
                          mentoring_form=MentoringForm.STUDENT_PUPIL)
        db.session.add_all([mentor, mentee, waiting, pairing,
                            PlanGoal(pairing=pairing, title=f"Просроченная {tag}", deadline=long_ago),
                            Case(organisation=org, title=f"Проверить {tag}", status=Status.REVIEW,
                                 mentoring_form=MentoringForm.STUDENT_PUPIL),
                            Case(organisation=org, title=f"Выйдет {tag}", status=Status.PUBLISHED,
                                 publish_at=local_now() + timedelta(days=2),
                                 mentoring_form=MentoringForm.STUDENT_PUPIL)])
    db.session.commit()
    search.flush()
    db.session.remove()
    expected = {"Ждут проверки": "Проверить {}", "Запланированы к публикации": "Выйдет {}",
                "Не сформировали пару": "Ждёт Пары {}", "Давно не встречались": "Тихий Наставник {} → Тихий Ученик {}",
                "Просрочены цели": "Просроченная {}"}
    for who, mine, other in (("curator_a", "A", "B"), ("curator_b", "B", "A"), ("curator_a", "A", "B")):
        sections = _sections(_statements(clients[who])[1])
        for head, text in expected.items():
            assert text.format(mine, mine) in sections[head], (who, head)
            assert text.format(other, other) not in sections[head], (who, head)
            assert f"Тихий Ученик {other}" not in sections[head] and f"Ждёт Пары {other}" not in sections[head]
    sections = _sections(_statements(clients["editor"])[1])
    for head, text in expected.items():
        assert text.format("A", "A") in sections[head] and text.format("B", "B") in sections[head], head


def test_overdue_goals_are_read_from_the_index_of_open_goals(app, world):
    """Without ix_plan_goal_open the database read every active pairing and its goals to find the 50 overdue ones
    (11 ms on SQLite for a region's 35 000 goals; 0.1 ms with it)."""
    from portal.monitoring import journals

    if db.engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's planner weighs the table's size: a test's few rows are read whole")
    statement = journals._overdue_statement(False).compile(db.engine)
    values = statement.construct_params({"today": date.today()})
    with db.engine.connect() as connection:
        plan = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}",
                                          tuple(values[name] for name in statement.positiontup)).all()
    steps = [row[-1] for row in plan]
    # the goals walked in the list's order (no sort of them all), their pairings looked up one by one
    assert "SEARCH plan_goal USING INDEX ix_plan_goal_open (deadline<?)" in steps, steps
    assert not any("TEMP B-TREE" in step for step in steps), steps
