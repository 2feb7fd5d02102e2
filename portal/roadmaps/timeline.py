"""A roadmap's timeline: a Gantt-like SVG drawn on the server (no JavaScript), one bar per dated activity."""
from __future__ import annotations

from datetime import date, timedelta
from html import escape

from portal.filters import plural_form as plural
from portal.models import Activity, ActivityStatus, Roadmap, Stage
from portal.roadmaps.export import format_dates
from portal.roadmaps.progress import effective_status

MONTHS_SHORT = ("янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек")
# Bar colours, each at least 3:1 against the white background (WCAG 1.4.11); the tests check the ratios.
COLOURS = {
    ActivityStatus.PLANNED: "#2563eb",
    ActivityStatus.IN_PROGRESS: "#7e22ce",
    ActivityStatus.DONE: "#15803d",
    ActivityStatus.CANCELLED: "#6b7280",
    ActivityStatus.OVERDUE: "#b91c1c",
}
LEGEND = (ActivityStatus.PLANNED, ActivityStatus.IN_PROGRESS, ActivityStatus.DONE, ActivityStatus.OVERDUE,
          ActivityStatus.CANCELLED)
WIDTH = 960
CHART_LEFT, CHART_RIGHT = 330, WIDTH - 16  # activity labels left of CHART_LEFT
AXIS_HEIGHT, ROW_HEIGHT, BAR_HEIGHT, FOOTER_HEIGHT = 44, 24, 14, 56
MIN_BAR = 6  # a one-day bar, or a marker for an activity with one date only
LABEL_CHARS, STAGE_CHARS = 40, 120  # what fits at font-size 12
MIN_MONTH_LABEL = 28  # px between month labels
TEXT, GRID, YEAR_GRID, STAGE_BAND = "#1f2937", "#e5e7eb", "#9ca3af", "#f3f4f6"


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def truncate(text: str, limit: int) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _add_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _is_dated(activity: Activity) -> bool:
    return activity.deadline_start is not None or activity.deadline_end is not None


def _span(activity: Activity) -> tuple[date, date]:
    """First and last day (inclusive); an activity with one date spans that day."""
    start = activity.deadline_start or activity.deadline_end
    end = activity.deadline_end or activity.deadline_start
    return (start, end) if start <= end else (end, start)


class _Scale:
    """Days to x: whole months from the first dated month to the last, proportional to their length."""

    def __init__(self, first: date, last: date):
        self.start = first.replace(day=1)
        self.stop = _add_month(last)  # exclusive
        self.days = (self.stop - self.start).days

    def x(self, day: date) -> float:
        return CHART_LEFT + (day - self.start).days * (CHART_RIGHT - CHART_LEFT) / self.days

    def months(self) -> list[date]:
        months, month = [], self.start
        while month < self.stop:
            months.append(month)
            month = _add_month(month)
        return months


def _axis(scale: _Scale, bottom: float) -> list[str]:
    months = scale.months()
    month_width = (CHART_RIGHT - CHART_LEFT) / len(months)
    step = next((s for s in (1, 2, 3, 4, 6) if s * month_width >= MIN_MONTH_LABEL), 12)
    parts = ['<g class="axis">']
    for index, month in enumerate(months):
        if (month.month - 1) % step:
            continue
        x = scale.x(month)
        colour = YEAR_GRID if month.month == 1 and index else GRID
        parts.append(f'<line x1="{x:.1f}" y1="{AXIS_HEIGHT - 6}" x2="{x:.1f}" y2="{bottom:.1f}" stroke="{colour}"/>')
        centre = (x + scale.x(_add_month(month))) / 2 if step == 1 else x + 3
        anchor = "middle" if step == 1 else "start"
        parts.append(f'<text class="month" x="{centre:.1f}" y="16" text-anchor="{anchor}">'
                     f'{MONTHS_SHORT[month.month - 1]}</text>')
        if month.month == 1 or index == 0:
            parts.append(f'<text class="year" x="{centre:.1f}" y="32" text-anchor="{anchor}">{month.year}</text>')
    if step > 1 and (months[0].month - 1) % step:  # the first month is not labelled: give its year anyway
        parts.append(f'<text class="year" x="{CHART_LEFT + 3}" y="32">{months[0].year}</text>')
    parts.append("</g>")
    return parts


def _stage_row(stage: Stage, y: float) -> list[str]:
    return [f'<g class="stage"><rect x="0" y="{y:.1f}" width="{WIDTH}" height="{ROW_HEIGHT}" fill="{STAGE_BAND}"/>',
            f'<text x="8" y="{y + 16:.1f}" font-weight="bold">{_e(truncate(str(stage), STAGE_CHARS))}</text></g>']


def _activity_row(activity: Activity, status: ActivityStatus, scale: _Scale, y: float) -> list[str]:
    start, end = _span(activity)
    left, right = scale.x(start), scale.x(end + timedelta(days=1))
    if activity.deadline_start is None:  # only the end is known: a marker ending there
        left = right - MIN_BAR
    elif right - left < MIN_BAR:
        right = left + MIN_BAR
    tooltip = " — ".join(part for part in (str(activity), format_dates(activity.deadline_start,
                                                                        activity.deadline_end), status.label) if part)
    return [f'<g class="activity" data-status="{status.value}">',
            f'<text x="8" y="{y + 16:.1f}">{_e(truncate(str(activity), LABEL_CHARS))}</text>',
            f'<rect class="bar" data-status="{status.value}" x="{left:.1f}" y="{y + (ROW_HEIGHT - BAR_HEIGHT) / 2:.1f}"'
            f' width="{right - left:.1f}" height="{BAR_HEIGHT}" rx="2" fill="{COLOURS[status]}">'
            f'<title>{_e(tooltip)}</title></rect></g>']


def _legend(y: float) -> list[str]:
    parts = ['<g class="legend">']
    for index, status in enumerate(LEGEND):
        x = 8 + index * 150
        parts.append(f'<rect x="{x}" y="{y:.1f}" width="14" height="14" rx="2" fill="{COLOURS[status]}"/>'
                     f'<text x="{x + 20}" y="{y + 12:.1f}">{_e(status.label)}</text>')
    parts.append("</g>")
    return parts


def timeline_svg(roadmap: Roadmap, today: date) -> str:
    """The SVG markup, or "" when no activity of the roadmap has a date."""
    groups = [(stage, [a for a in stage.activities if _is_dated(a)]) for stage in roadmap.stages]
    groups = [(stage, dated) for stage, dated in groups if dated]
    if not groups:
        return ""
    dated = [activity for _stage, activities in groups for activity in activities]
    statuses = {id(a): effective_status(a, today) for a in dated}
    spans = [_span(a) for a in dated]
    scale = _Scale(min(first for first, _last in spans), max(last for _first, last in spans))
    rows_bottom = AXIS_HEIGHT + ROW_HEIGHT * (len(groups) + len(dated))
    height = rows_bottom + FOOTER_HEIGHT

    key = _e(roadmap.id if roadmap.id is not None else (roadmap.slug or "new"))
    title_id, desc_id = f"roadmap-timeline-{key}-title", f"roadmap-timeline-{key}-desc"
    count = len(dated)
    done = sum(s == ActivityStatus.DONE for s in statuses.values())
    overdue = sum(s == ActivityStatus.OVERDUE for s in statuses.values())
    desc = (f"Дорожная карта: {count} {plural(count, 'мероприятие', 'мероприятия', 'мероприятий')} с датами, "
            f"из них выполнено {done}, просрочено {overdue}")
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="roadmap-timeline" role="img" '
             f'viewBox="0 0 {WIDTH} {height}" width="100%" aria-labelledby="{title_id}" aria-describedby="{desc_id}" '
             f'font-family="system-ui, -apple-system, \'Segoe UI\', Arial, sans-serif" font-size="12" fill="{TEXT}">',
             f'<title id="{title_id}">{_e(f"График дорожной карты «{roadmap.title}»")}</title>',
             f'<desc id="{desc_id}">{_e(desc)}</desc>',
             f'<rect width="{WIDTH}" height="{height}" fill="#ffffff"/>']
    parts += _axis(scale, rows_bottom)
    y = float(AXIS_HEIGHT)
    for stage, activities in groups:
        parts += _stage_row(stage, y)
        y += ROW_HEIGHT
        for activity in activities:
            parts += _activity_row(activity, statuses[id(activity)], scale, y)
            y += ROW_HEIGHT
    if scale.start <= today < scale.stop:
        x = scale.x(today)
        label_x = min(max(x, CHART_LEFT + 30), WIDTH - 30)  # keep the label inside the picture
        parts.append(f'<g class="today"><line x1="{x:.1f}" y1="{AXIS_HEIGHT - 6}" x2="{x:.1f}" y2="{rows_bottom}" '
                     f'stroke="#111827" stroke-width="2" stroke-dasharray="4 3"/>'
                     f'<text x="{label_x:.1f}" y="{rows_bottom + 14}" text-anchor="middle">сегодня</text></g>')
    parts += _legend(rows_bottom + 28)
    parts.append("</svg>")
    return "\n".join(parts)
