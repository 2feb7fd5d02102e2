"""The events calendar by month: which months have a page and what each day of a month holds."""
from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

from portal.models import Event

# An event that lasts longer is shown on its first day only: a month-long exhibition would fill the grid.
LONGEST_SPREAD_DAYS = 14


@dataclass
class Day:
    date: date
    in_month: bool
    today: bool
    events: list[Event] = field(default_factory=list)


def event_days(event: Event) -> list[date]:
    first = event.starts_at.date()
    last = event.ends_at.date() if event.ends_at else first
    if last < first or (last - first).days > LONGEST_SPREAD_DAYS:
        return [first]
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def months(events: list[Event], today: date) -> list[tuple[int, int]]:
    """Every month from the first event's (or this one) to the last event's (or this one), in order."""
    days = [day for event in events for day in (event_days(event)[0], event_days(event)[-1])] + [today]
    first, last = min(days), max(days)
    result = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        result.append((year, month))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return result


def month_weeks(year: int, month: int, events: list[Event], today: date) -> list[list[Day]]:
    """The month as weeks from Monday, with the events of each day."""
    weeks = [[Day(d, d.month == month, d == today) for d in week]
             for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)]
    by_date = {day.date: day for week in weeks for day in week}
    for event in events:
        for each in event_days(event):
            if each in by_date and by_date[each].in_month:
                by_date[each].events.append(event)
    return weeks


def by_month(events: list[Event]) -> dict[tuple[int, int], list[Event]]:
    """Each month's events (those on one of its days), in the order given. Worked out for every month at once:
    a region's calendar has dozens of month pages over a thousand events, and filtering the whole list for each
    page was quadratic."""
    months: dict[tuple[int, int], list[Event]] = {}
    for event in events:
        for key in dict.fromkeys((day.year, day.month) for day in event_days(event)):
            months.setdefault(key, []).append(event)
    return months
