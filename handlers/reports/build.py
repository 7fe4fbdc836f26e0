"""One entry point for every report: a request → the figures (scope checked) → a one-line
summary, and, when the channel can carry them, a PNG chart and an XLSX spreadsheet.

Gathering reads the database; rendering the files is plain CPU work on the gathered figures
(no database), so a caller can run it in a thread.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.formats import format_time
from bot.i18n import translator
from handlers.reports import labels
from handlers.reports.groups import (
    ByGroup,
    supports_by_group,
    supports_everywhere,
    survey_answers_by_group,
)
from handlers.reports.kinds import ReportKind
from handlers.reports.needs_report import NeedsReport, needs_report
from handlers.reports.report import Figures, Report, ReportRequest
from handlers.reports.scope import municipality_scope, service_in_scope
from handlers.reports.surveys_report import survey_report
from handlers.reports.tenders_report import tenders_report
from handlers.surveys.results import MIN_GROUP
from models import Municipality, Person
from models.base import utcnow


async def gather_report(
    session: AsyncSession,
    person: Person,
    request: ReportRequest,
    language: str,
    min_group: int = MIN_GROUP,
) -> Report:
    """The figures `person` asked for, in `language`; PermissionDenied (audited) when the
    municipality or the service is not theirs to see. Survey questions fewer than
    `min_group` answered (REPORT_MIN_GROUP) are withheld, and so is every cell of the figures by
    group of fewer people (with its complements)."""
    by_group = ByGroup()
    if request.kind == ReportKind.surveys:
        service = await service_in_scope(session, person, request.service_id or 0)
        figures: Figures = await survey_report(session, service, language, min_group)
        unit_id: int | None = service.municipality_id
        by_group.answers = await survey_answers_by_group(session, service.id, language, min_group)
    else:
        if request.period is None:
            raise ValueError(f"a {request.kind} report needs a period")
        unit_id = await municipality_scope(session, person, request.municipality_id, request.kind)
        query = needs_report if request.kind == ReportKind.needs else tenders_report
        figures = await query(session, request.period, unit_id, language)
        if isinstance(figures, NeedsReport):
            # each category's supports are counted already: one scan of the needs fewer
            counted = {row.category_id: row.supports for row in figures.categories}
            if unit_id is None:  # both tables from one count of the answered supports
                by_group.supports, by_group.municipalities = await supports_everywhere(
                    session, request.period, language, min_group, counted
                )
            else:
                by_group.supports = await supports_by_group(
                    session, request.period, unit_id, language, min_group, counted
                )
    unit = await session.get(Municipality, unit_id) if unit_id is not None else None
    tr = translator(language)
    place = unit.name(language) if unit else tr.t(labels.ALL_MUNICIPALITIES)
    return Report(request, language, figures, place, utcnow(), by_group)


@dataclass(frozen=True)
class ReportFiles:
    """The report as files, built in memory."""

    png: bytes
    xlsx: bytes


def render_files(report: Report, zone: str) -> ReportFiles:
    """The chart and the spreadsheet, times in `zone` (CPU only; safe to run in a thread)."""
    return ReportFiles(png=render_chart(report), xlsx=render_workbook(report, zone))


def render_chart(report: Report) -> bytes:
    """The chart alone (PNG), for a link that asks for it only (CPU; safe in a thread)."""
    # imported here: matplotlib takes a while to load, and only report makers need it
    from handlers.reports.charts import draw_chart

    return draw_chart(report)


def render_workbook(report: Report, zone: str) -> bytes:
    """The spreadsheet alone (XLSX), times in `zone` (CPU; safe in a thread)."""
    from handlers.reports.spreadsheets import write_workbook

    return write_workbook(report, format_time(report.made_at, zone, report.tr.language))
