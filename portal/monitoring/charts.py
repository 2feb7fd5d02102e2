"""Bar charts of questionnaire results as SVG drawn on the server (no JavaScript), readable without sight.

Each chart is role="img" with a <title> and a <desc> listing every value, and the values are written beside the
bars as text, so a screen reader, a printout and a colour-blind reader all get the numbers. The admin shows
them; the public site may call `distribution_svg` too (plain markup, nothing of Flask).
"""
from __future__ import annotations

from html import escape

WIDTH = 640
LABEL_WIDTH = 250  # option labels left of the bars
VALUE_WIDTH = 90  # «12 (40 %)» right of the longest bar
ROW, BAR, TOP = 26, 16, 8
LABEL_CHARS = 36
BAR_COLOUR = "#1f5fbf"  # 6.1:1 against white (WCAG 1.4.11 asks 3:1)
TEXT = "#1d2330"
MEAN_COLOUR = TEXT  # the mean is a figure, not an alarm (it was red whatever its value): text colour, bold


def _e(value: object) -> str:
    return escape(str(value), quote=True)


def _short(text: str, limit: int = LABEL_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def percent(count: int, total: int) -> int:
    return round(100 * count / total) if total else 0


def distribution_svg(key: str, title: str, distribution: list[tuple[str, int]], total: int,
                     mean: float | None = None, scale_max: int | None = None) -> str:
    """A horizontal bar per value or option; `total` is the number of responses the shares are of.

    `key` makes the ids of title and desc unique on a page with several charts.
    """
    if not distribution:
        return ""
    top = max((count for _label, count in distribution), default=0) or 1
    span = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    height = TOP * 2 + ROW * len(distribution) + (ROW if mean is not None else 0)
    title_id, desc_id = f"chart-{_e(key)}-title", f"chart-{_e(key)}-desc"
    values = "; ".join(f"{label} — {count} ({percent(count, total)} %)" for label, count in distribution)
    summary = f"Ответили: {total}. " + (f"Среднее: {decimal(mean)} из {scale_max}. " if mean is not None else "")
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="result-chart" role="img" width="100%" '
             f'viewBox="0 0 {WIDTH} {height}" aria-labelledby="{title_id}" aria-describedby="{desc_id}" '
             f'font-family="system-ui, -apple-system, \'Segoe UI\', Arial, sans-serif" font-size="13" fill="{TEXT}">',
             f'<title id="{title_id}">{_e(title)}</title>',
             f'<desc id="{desc_id}">{_e(summary + values)}</desc>']
    y = TOP
    for label, count in distribution:
        width = span * count / top
        parts.append(f'<g class="row"><text x="{LABEL_WIDTH - 8}" y="{y + 17}" text-anchor="end">'
                     f'{_e(_short(label))}<title>{_e(label)}</title></text>'
                     f'<rect x="{LABEL_WIDTH}" y="{y + (ROW - BAR) / 2:.0f}" width="{width:.1f}" height="{BAR}" '
                     f'fill="{BAR_COLOUR}" rx="2"/>'
                     f'<text class="value" x="{LABEL_WIDTH + width + 6:.1f}" y="{y + 17}">'
                     f'{count} ({percent(count, total)} %)</text></g>')
        y += ROW
    if mean is not None and scale_max:
        parts.append(f'<text class="mean" x="{LABEL_WIDTH}" y="{y + 17}" fill="{MEAN_COLOUR}" font-weight="bold">'
                     f'Среднее: {decimal(mean)} из {scale_max}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def decimal(value: float) -> str:
    """3.5 → «3,5»: the Russian decimal comma."""
    return f"{value:.1f}".replace(".", ",")
