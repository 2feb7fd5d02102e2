"""Bar charts of the public figures as SVG drawn on the server: readable without JavaScript, printable,
and described for screen readers (role="img" with a title and a text summary of every value)."""
from __future__ import annotations

from html import escape
from typing import NamedTuple

from markupsafe import Markup

from portal.roadmaps.timeline import truncate

WIDTH = 720
LABEL_WIDTH, VALUE_WIDTH = 340, 60
ROW_HEIGHT, BAR_HEIGHT, PADDING = 30, 18, 8
LABEL_CHARS = 38  # what fits LABEL_WIDTH at font-size 14
# 7:1 against white for text, over 3:1 for the bars (WCAG 1.4.11 non-text contrast).
TEXT, BAR, GRID = "#1d2330", "#1a56b0", "#d5dae3"


def _e(value: object) -> str:
    return escape(str(value), quote=True)


class Chart(NamedTuple):
    title: str  # shown as the figure's caption
    svg: Markup  # empty when there is nothing to draw


def bar_chart(title: str, rows: list[tuple[str, int]], chart_id: str) -> Chart:
    """Horizontal bars, one per (label, value) row, longest bar = largest value."""
    rows = [(label, value) for label, value in rows if value]
    if not rows:
        return Chart(title, Markup(""))
    top = max(value for _, value in rows)
    scale = (WIDTH - LABEL_WIDTH - VALUE_WIDTH) / top
    height = PADDING * 2 + ROW_HEIGHT * len(rows)
    summary = "; ".join(f"{label}: {value}" for label, value in rows)
    parts = [
        f'<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" '
        f'font-family="system-ui, sans-serif" font-size="14">',
        f'<title id="{chart_id}-title">{_e(title)}</title>',
        f'<desc id="{chart_id}-desc">{_e(summary)}</desc>',
        f'<line x1="{LABEL_WIDTH}" y1="{PADDING}" x2="{LABEL_WIDTH}" y2="{height - PADDING}" stroke="{GRID}"/>',
    ]
    for index, (label, value) in enumerate(rows):
        y = PADDING + index * ROW_HEIGHT
        middle = y + ROW_HEIGHT / 2
        bar = max(2.0, value * scale)
        parts.append(f'<text x="{LABEL_WIDTH - 8}" y="{middle:.1f}" dy="0.35em" text-anchor="end" fill="{TEXT}">'
                     f'{_e(truncate(label, LABEL_CHARS))}</text>')
        parts.append(f'<rect x="{LABEL_WIDTH}" y="{middle - BAR_HEIGHT / 2:.1f}" width="{bar:.1f}" '
                     f'height="{BAR_HEIGHT}" fill="{BAR}"/>')
        parts.append(f'<text x="{LABEL_WIDTH + bar + 6:.1f}" y="{middle:.1f}" dy="0.35em" fill="{TEXT}" '
                     f'font-weight="600">{value}</text>')
    parts.append("</svg>")
    return Chart(title, Markup("".join(parts)))
