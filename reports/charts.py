"""Bar charts as inline SVG: no script, no library, no network. The table beside each
chart is the accessible version; the chart itself is one labelled image."""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from reports.services import Table

BAR_HEIGHT = 22
GAP = 10
LABEL_WIDTH = 190
BAR_WIDTH = 220
VALUE_WIDTH = 60


def bar_chart(table: Table, *, chart_id: str) -> SafeString:
    """Horizontal bars of the table's last column (its total). A hidden cell draws no
    bar and says "x" (hidden); with percentages the bar shows the share."""
    column = table.chart_column
    rows = table.rows
    values = []
    for row in rows:
        cell = row.cells[column]
        if table.with_percent:
            values.append(cell.percent)
        else:
            values.append(cell.count)
    largest = max((value for value in values if value), default=0)
    height = len(rows) * (BAR_HEIGHT + GAP) + GAP
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    parts = [
        f'<svg class="report-chart" id="{escape(chart_id)}" role="img" '
        f'aria-label="{escape(table.caption)}" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" preserveAspectRatio="xMinYMin meet" '
        f'xmlns="http://www.w3.org/2000/svg">'
    ]
    for index, (row, value) in enumerate(zip(rows, values, strict=True)):
        y = GAP + index * (BAR_HEIGHT + GAP)
        middle = y + BAR_HEIGHT / 2 + 5
        label = row.label if len(row.label) <= 30 else row.label[:28] + "…"
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{middle}" text-anchor="end" '
            f'class="report-chart__label">{escape(label)}</text>'
        )
        cell = row.cells[column]
        if value:
            bar = max(2, round(BAR_WIDTH * value / largest))
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y}" width="{bar}" height="{BAR_HEIGHT}" '
                f'class="report-chart__bar" />'
            )
        else:
            bar = 0
        shown = cell.percent_display if table.with_percent and not cell.hidden else str(cell)
        parts.append(
            f'<text x="{LABEL_WIDTH + bar + 6}" y="{middle}" '
            f'class="report-chart__value">{escape(shown)}</text>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))
