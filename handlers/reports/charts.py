"""Reports as PNG charts, drawn headless in memory; the needs chart by `needs_chart` (Pillow),
the tenders and surveys charts here.

matplotlib's object API only (no pyplot): no global figure registry and no GUI backend, so a
chart can be drawn in any thread of a server. DejaVu Sans, shipped with matplotlib, has every
Kyrgyz, Russian and Uzbek letter.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from io import BytesIO

from matplotlib import rc_context
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.ticker import FuncFormatter, MaxNLocator

from bot.i18n import Translator
from handlers.reports import labels
from handlers.reports.needs_chart import draw_needs
from handlers.reports.needs_report import NeedsReport
from handlers.reports.report import Report
from handlers.reports.surveys_report import QuestionResult, SurveyReport, answered
from handlers.reports.tenders_report import TendersReport
from models import QuestionKind, TenderStatus

STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
WIDTH = 10.0  # inches, at DPI: 1200 pixels wide
DPI = 120
MARGIN = 0.1  # inches of white around what is drawn
# zlib level of the PNG: 1 compresses flat-coloured charts within a tenth of level 6, in a
# fraction of its time
COMPRESSION = 1
MAX_PANELS = 16  # survey questions drawn; the spreadsheet has them all
TENDER_COLORS = {
    TenderStatus.draft: "#bdbdbd",
    TenderStatus.active: "#42a5f5",
    TenderStatus.awarded: "#43a047",
    TenderStatus.cancelled: "#e53935",
}
BAR = "#5c6bc0"


def draw_chart(report: Report) -> bytes:
    """The report's chart as PNG bytes."""
    figures = report.figures
    if isinstance(figures, NeedsReport):  # drawn with Pillow: the same picture, 20× sooner
        return draw_needs(report, figures)
    with rc_context(STYLE):
        if isinstance(figures, TendersReport):
            figure = _tenders(report, figures)
        else:
            figure = _surveys(report, figures)
        buffer = BytesIO()
        figure.savefig(buffer, format="png", dpi=DPI, pil_kwargs={"compress_level": COMPRESSION})
    return buffer.getvalue()


def _figure(height: float) -> Figure:
    """A figure WIDTH × `height` inches, laid out inside a MARGIN. Laid out once, where
    `bbox_inches="tight"` would lay out and draw it a second time to measure what it holds
    (a tenth of the drawing time)."""
    inset = (MARGIN / WIDTH, MARGIN / height, 1 - 2 * MARGIN / WIDTH, 1 - 2 * MARGIN / height)
    return Figure(figsize=(WIDTH, height), layout=ConstrainedLayoutEngine(rect=inset))


def _wrap(text: str, width: int = 28) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


def _heading(figure: Figure, report: Report, more: str = "") -> None:
    lines = [report.title, labels.capital(report.subtitle), *([more] if more else [])]
    figure.suptitle("\n".join(lines), fontsize=13, fontweight="bold")


def _no_data(axes: Axes, tr: Translator) -> None:
    axes.axis("off")
    axes.text(0.5, 0.5, tr.t(labels.NO_DATA), ha="center", va="center", fontsize=12)


def _stacked(
    axes: Axes,
    names: Sequence[str],
    series: Sequence[tuple[str, str, Sequence[int]]],
) -> None:
    """Horizontal bars, one per name, stacked by (label, color, counts); first name on top."""
    rows = range(len(names))
    left = [0] * len(names)
    for label, color, counts in series:
        if any(counts):
            axes.barh(rows, counts, left=left, color=color, label=label)
        left = [a + b for a, b in zip(left, counts, strict=True)]
    axes.set_yticks(list(rows), [_wrap(n) for n in names])
    axes.invert_yaxis()
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.legend(loc="lower right", fontsize=9, frameon=False)


def _som(value: float, _position: object = None) -> str:
    return f"{value:,.0f}".replace(",", " ")


def _tenders(report: Report, figures: TendersReport) -> Figure:
    tr = report.tr
    rows = max(len(figures.sectors), 1)
    figure = _figure(2.5 + 0.9 * rows)
    counts, amounts = figure.subplots(2, 1)
    _heading(figure, report)
    if not figures.sectors:
        _no_data(counts, tr)
        amounts.axis("off")
        return figure
    names = [s.name for s in figures.sectors]
    _stacked(
        counts,
        names,
        [
            (
                labels.tender_status(tr, s),
                TENDER_COLORS[s],
                [x.by_status.get(s, 0) for x in figures.sectors],
            )
            for s in TenderStatus
        ],
    )
    counts.set_title(tr.t(labels.TENDERS_BY_SECTOR), fontsize=11)
    counts.set_xlabel(tr.t(labels.NUMBER_OF_TENDERS))
    positions = range(len(names))
    height = 0.4
    amounts.barh(
        [p - height / 2 for p in positions],
        [float(s.budget) for s in figures.sectors],
        height,
        color="#90a4ae",
        label=tr.t(labels.BUDGET_BAR),
    )
    amounts.barh(
        [p + height / 2 for p in positions],
        [float(s.awarded) for s in figures.sectors],
        height,
        color=TENDER_COLORS[TenderStatus.awarded],
        label=tr.t(labels.AWARDED_BAR),
    )
    amounts.set_yticks(list(positions), [_wrap(n) for n in names])
    amounts.invert_yaxis()
    amounts.xaxis.set_major_formatter(FuncFormatter(_som))
    amounts.set_title(tr.t(labels.MONEY_BY_SECTOR), fontsize=11)
    amounts.legend(loc="lower right", fontsize=9, frameon=False)
    return figure


def _surveys(report: Report, figures: SurveyReport) -> Figure:
    tr = report.tr
    several = len(figures.surveys) > 1
    panels = [
        (f"{survey.title} · " if several else "", question)
        for survey in figures.surveys
        for question in survey.questions
    ][:MAX_PANELS]
    # a written-answers panel holds one line: it needs less room than a bar chart
    ratios = [0.5 if q.kind == QuestionKind.text or q.withheld else 1.0 for _, q in panels] or [1.0]
    figure = _figure(1.8 + 2.4 * sum(ratios))
    _heading(figure, report, answered(tr, figures.completed, figures.invited))
    if not panels:
        _no_data(figure.subplots(), tr)
        return figure
    axes_list = figure.subplots(len(panels), 1, squeeze=False, height_ratios=ratios)[:, 0]
    for axes, (prefix, question) in zip(axes_list, panels, strict=True):
        _question(axes, tr, prefix, question)
    return figure


def _question(axes: Axes, tr: Translator, prefix: str, question: QuestionResult) -> None:
    title = _wrap(f"{prefix}{question.position}. {question.text}", 90)
    if question.withheld:  # too few answered: how many, never what
        axes.axis("off")
        axes.set_title(title, fontsize=10, loc="left")
        axes.text(0.02, 0.5, labels.withheld(tr, question.answers), va="center", fontsize=11)
        return
    if question.kind == QuestionKind.text:
        axes.axis("off")
        axes.set_title(title, fontsize=10, loc="left")
        axes.text(
            0.02, 0.5, labels.text_answers_count(tr, question.answers), va="center", fontsize=11
        )
        return
    if question.mean is not None:
        title += f"\n({labels.mean_rating(tr, question.mean)})"
    axes.set_title(title, fontsize=10, loc="left")
    names = [_wrap(label, 40) for label, _ in question.options]
    values = [n for _, n in question.options]
    positions = list(range(len(values)))
    if question.kind == QuestionKind.choice:
        axes.bar_label(axes.barh(positions, values, color=BAR), padding=3, fontsize=9)
        axes.set_yticks(positions, names)
        axes.invert_yaxis()
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    else:
        axes.bar_label(axes.bar(positions, values, color=BAR, width=0.6), padding=2, fontsize=9)
        axes.set_xticks(positions, names)
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_ylabel(tr.t(labels.NUMBER_OF_ANSWERS), fontsize=8)
