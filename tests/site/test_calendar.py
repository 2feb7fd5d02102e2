"""The events calendar: which months get a page and where each event sits in a month's grid."""
from __future__ import annotations

from datetime import date, datetime

from portal.models import Event
from portal.site import calendar

TODAY = date(2026, 11, 23)


def event(start: datetime, end: datetime | None = None) -> Event:
    return Event(title="Фестиваль", starts_at=start, ends_at=end)


def test_months_run_from_the_first_event_to_the_last_including_this_one():
    events = [event(datetime(2026, 9, 30, 10)), event(datetime(2027, 2, 1, 10))]
    assert calendar.months(events, TODAY) == [(2026, 9), (2026, 10), (2026, 11), (2026, 12), (2027, 1), (2027, 2)]
    assert calendar.months([], TODAY) == [(2026, 11)]


def test_a_month_grid_starts_on_monday_and_places_events_on_their_days():
    spanning = event(datetime(2026, 11, 30, 10), datetime(2026, 12, 2, 18))
    single = event(datetime(2026, 12, 15, 9))
    weeks = calendar.month_weeks(2026, 12, [spanning, single], TODAY)
    assert weeks[0][0].date == date(2026, 11, 30) and not weeks[0][0].in_month  # Monday of the first week
    assert weeks[0][0].events == []  # days outside the month show nothing
    days = {d.date: d for week in weeks for d in week}
    assert days[date(2026, 12, 1)].events == [spanning] and days[date(2026, 12, 2)].events == [spanning]
    assert days[date(2026, 12, 15)].events == [single]
    assert calendar.by_month([spanning, single]) == {(2026, 11): [spanning], (2026, 12): [spanning, single]}


def test_by_month_keeps_the_given_order_and_lists_an_event_once_per_month():
    late = event(datetime(2026, 12, 20, 10), datetime(2026, 12, 22, 18))  # three days of one month
    early = event(datetime(2026, 12, 1, 10))
    long = event(datetime(2026, 11, 1, 10), datetime(2027, 1, 31, 18))  # too long to spread: its first day only
    assert calendar.by_month([late, early, long]) == {(2026, 12): [late, early], (2026, 11): [long]}


def test_a_long_exhibition_is_shown_on_its_first_day_only():
    long = event(datetime(2026, 12, 1, 10), datetime(2027, 1, 31, 18))
    weeks = calendar.month_weeks(2026, 12, [long], TODAY)
    assert [d.date.day for w in weeks for d in w if d.events] == [1]
