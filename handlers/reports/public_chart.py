"""A municipality's needs as a small inline SVG for its public page: one bar per category
(its name above it, so a phone shows it whole), stacked by status, and a bar per month of the needs reported. Drawn as plain shapes with
presentation attributes (the CSP allows no inline style) and kept to a few kilobytes, where the
staff report's PNG is a print-size picture."""

from __future__ import annotations

from markupsafe import Markup, escape

from bot.i18n import Translator
from handlers.reports import labels
from handlers.reports.kinds import ReportKind
from handlers.reports.needs_report import NeedsReport
from models import NeedStatus

WIDTH = 360  # drawn at about its own size on a phone, so its letters stay readable
ROW = 36  # px per category: its name, then its bar
TIMELINE = 110  # px for the months' bars
NAME = 54  # characters of a category name above its bar (the table has it whole)


def _bar(x: float, y: float, w: float, h: float, color: str, title: str) -> str:
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="{color}">'
        f"<title>{escape(title)}</title></rect>"
    )


def _text(x: float, y: float, text: str, anchor: str = "start", size: int = 12) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
        f'fill="#1d2430">{escape(text)}</text>'
    )


def _month(label: str) -> str:
    """A bucket's label as a short month, "05.26" for 2026-05 (days and years as they are)."""
    return f"{label[5:]}.{label[2:4]}" if len(label) == 7 else label


def needs_svg(figures: NeedsReport, tr: Translator) -> Markup:
    """The chart, with a <title> for screen readers and a tooltip on every bar."""
    rows = figures.categories
    widest = max((r.total for r in rows), default=0) or 1
    scale = (WIDTH - 30) / widest
    legend_y = 14
    parts = []
    x = 0.0
    for status in NeedStatus:
        name = labels.need_status(tr, status)
        width = 24 + 7 * len(name)
        if x + width > WIDTH:  # the legend goes on in a second line
            x, legend_y = 0.0, legend_y + 18
        parts.append(_bar(x, legend_y - 10, 10, 10, labels.NEED_COLORS[status], name))
        parts.append(_text(x + 14, legend_y, name, size=11))
        x += width
    top = legend_y + 12
    for index, row in enumerate(rows):
        y = top + index * ROW
        name = row.name if len(row.name) <= NAME else row.name[: NAME - 1] + "…"
        parts.append(_text(0, y + 12, name))
        left = 0.0
        for status in NeedStatus:
            n = row.by_status.get(status, 0)
            if n:
                title = f"{row.name}: {labels.need_status(tr, status)} — {n}"
                parts.append(_bar(left, y + 16, n * scale, 14, labels.NEED_COLORS[status], title))
                left += n * scale
        parts.append(_text(left + 4, y + 28, str(row.total), size=11))
    months_top = top + len(rows) * ROW + 30
    parts.append(_text(0, months_top - 10, tr.t(labels.NEEDS_OVER_TIME), size=13))
    timeline = figures.timeline
    tallest = max((n for _, n in timeline), default=0) or 1
    step = WIDTH / max(len(timeline), 1)
    for index, (label, n) in enumerate(timeline):
        h = n / tallest * (TIMELINE - 30)
        x = index * step
        base = months_top + TIMELINE - 20
        if n:
            parts.append(_bar(x + 3, base - h, step - 6, h, "#5c6bc0", f"{label}: {n}"))
        if len(timeline) <= 12 or index % 2 == 0:
            parts.append(_text(x + step / 2, base + 14, _month(label), "middle", 9))
    height = months_top + TIMELINE
    title = escape(tr.t(labels.TITLES[ReportKind.needs]))
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height:.0f}" '
        f'role="img" aria-label="{title}"><title>{title}</title>{"".join(parts)}</svg>'
    )
