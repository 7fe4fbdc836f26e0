"""One entry point for every report: a request → the figures (scope checked) → a one-line
summary, and, when the channel can carry them, a PNG chart and an XLSX spreadsheet.

Gathering reads the database; rendering the files is plain CPU work on the gathered figures
(no database), so a caller can run it in a thread.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import N_, Translator, translator
from bot.reports import ReportKind, labels
from bot.reports.needs import NeedsReport, needs_report
from bot.reports.periods import Period
from bot.reports.scope import municipality_scope, service_in_scope
from bot.reports.surveys import SurveyReport, answered, survey_report
from bot.reports.tenders import TendersReport, tenders_report
from handlers.tenders.alerts import money
from models import Municipality, NeedStatus, Person, QuestionKind, TenderStatus
from models.base import utcnow

Figures = NeedsReport | SurveyReport | TendersReport


@dataclass(frozen=True)
class ReportRequest:
    """What was asked: the report, its period (needs, tenders), the municipality (None: all,
    admins only) and the service (surveys)."""

    kind: ReportKind
    period: Period | None = None
    municipality_id: int | None = None
    service_id: int | None = None


@dataclass
class Report:
    """Gathered figures in one reader's language, with what the files and the summary need."""

    request: ReportRequest
    language: str
    figures: Figures
    place: str  # the municipality's name, or "All municipalities"
    made_at: datetime

    @property
    def tr(self) -> Translator:
        return translator(self.language)

    @property
    def title(self) -> str:
        """The report's title in the reader's language."""
        return self.tr.t(labels.TITLES[self.request.kind])

    @property
    def subtitle(self) -> str:
        """“Barpy, 2026-05-01 – 2026-05-31” or, for surveys, the service and its municipality."""
        figures = self.figures
        if isinstance(figures, SurveyReport):
            return f"{figures.service_title} · {self.place}"
        return f"{self.place}, {figures.period.label()}"

    @property
    def empty(self) -> bool:
        """Nothing to draw: no needs, no tenders, or no survey sent."""
        figures = self.figures
        if isinstance(figures, SurveyReport):
            return not figures.surveys
        return figures.total == 0

    @property
    def stem(self) -> str:
        """The files' name without extension, ASCII: kenesh-needs-2026-05-01_2026-05-31."""
        figures = self.figures
        if isinstance(figures, SurveyReport):
            return f"kenesh-survey-{figures.service_id}"
        return f"kenesh-{self.request.kind.value}-{figures.period.first}_{figures.period.last}"

    def summary(self) -> str:
        """The one line sent with the files (or alone, on SMS)."""
        figures = self.figures
        if isinstance(figures, NeedsReport):
            return _needs_summary(self, figures)
        if isinstance(figures, TendersReport):
            return _tenders_summary(self, figures)
        return _survey_summary(self, figures)


async def gather_report(
    session: AsyncSession, person: Person, request: ReportRequest, language: str
) -> Report:
    """The figures `person` asked for, in `language`; PermissionDenied (audited) when the
    municipality or the service is not theirs to see."""
    if request.kind == ReportKind.surveys:
        service = await service_in_scope(session, person, request.service_id or 0)
        figures: Figures = await survey_report(session, service, language)
        unit_id: int | None = service.municipality_id
    else:
        if request.period is None:
            raise ValueError(f"a {request.kind} report needs a period")
        unit_id = await municipality_scope(session, person, request.municipality_id, request.kind)
        query = needs_report if request.kind == ReportKind.needs else tenders_report
        figures = await query(session, request.period, unit_id, language)
    unit = await session.get(Municipality, unit_id) if unit_id is not None else None
    tr = translator(language)
    place = unit.name(language) if unit else tr.t(labels.ALL_MUNICIPALITIES)
    return Report(request, language, figures, place, utcnow())


@dataclass(frozen=True)
class ReportFiles:
    """The report as files, built in memory."""

    png: bytes
    xlsx: bytes


def render_files(report: Report, zone: str = "Asia/Bishkek") -> ReportFiles:
    """The chart and the spreadsheet (CPU only; safe to run in a thread)."""
    # imported here: matplotlib takes a while to load, and only report makers need it
    from bot.reports.charts import draw_chart
    from bot.reports.spreadsheets import write_workbook

    made = report.made_at.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")
    return ReportFiles(png=draw_chart(report), xlsx=write_workbook(report, made))


def _needs_summary(report: Report, figures: NeedsReport) -> str:
    tr = report.tr
    if not figures.total:
        return tr.t(
            N_("{place}, {period}: no needs were reported."),
            place=labels.capital(report.place),
            period=figures.period.label(),
        )
    return tr.t(
        N_("{place}, {period}: {needs}, {supports}. Resolved: {resolved}. Most often: {category}."),
        place=labels.capital(report.place),
        period=figures.period.label(),
        needs=tr.tn("{n} need reported", "{n} needs reported", figures.total),
        supports=labels.supports_count(tr, figures.supports),
        resolved=figures.status_total(NeedStatus.resolved),
        category=figures.categories[0].name,
    )


def _tenders_summary(report: Report, figures: TendersReport) -> str:
    tr = report.tr
    if not figures.total:
        return tr.t(
            N_("{place}, {period}: no tenders."),
            place=labels.capital(report.place),
            period=figures.period.label(),
        )
    return tr.t(
        N_(
            "{place}, {period}: {tenders} with a budget of {budget}. Awarded: {awarded}, for {amount}."
        ),
        place=labels.capital(report.place),
        period=figures.period.label(),
        tenders=tr.tn("{n} tender", "{n} tenders", figures.total),
        budget=money(figures.budget, tr),
        awarded=figures.status_total(TenderStatus.awarded),
        amount=money(figures.awarded, tr),
    )


def _survey_summary(report: Report, figures: SurveyReport) -> str:
    tr = report.tr
    if not figures.surveys:
        return tr.t(N_("{service}: no survey has been sent yet."), service=figures.service_title)
    rate = f"{figures.completed / figures.invited * 100:.0f}" if figures.invited else "—"
    text = tr.t(
        N_("{service}: {answered}, response rate {rate}%."),
        service=figures.service_title,
        answered=answered(tr, figures.completed, figures.invited),
        rate=rate,
    )
    ratings = [
        q for s in figures.surveys for q in s.questions if q.kind == QuestionKind.rating and q.mean
    ]
    counted = sum(n for q in ratings for _, n in q.options)
    if counted:
        total = sum(int(label) * n for q in ratings for label, n in q.options)
        text += " " + tr.t(N_("Average rating: {mean} of 5."), mean=f"{total / counted:.1f}")
    return text
