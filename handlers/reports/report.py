"""A report as gathered: what was asked, the figures in one reader's language, and what its
title, subtitle, file names and one-line summary say."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.formats import format_fixed, format_number
from bot.i18n import N_, Translator, translator
from handlers.reports import labels
from handlers.reports.groups import ByGroup
from handlers.reports.kinds import ReportKind
from handlers.reports.needs_report import NeedsReport
from handlers.reports.periods import Period
from handlers.reports.surveys_report import SurveyReport, answered
from handlers.reports.tenders_report import TendersReport
from handlers.tenders.alerts import money
from models import NeedStatus, QuestionKind, TenderStatus

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
    by_group: ByGroup = field(default_factory=ByGroup)  # suppressed (REPORT_MIN_GROUP)

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
        return f"{self.place}, {figures.period.label(self.tr.language)}"

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


def _needs_summary(report: Report, figures: NeedsReport) -> str:
    tr = report.tr
    if not figures.total:
        return tr.t(
            N_("{place}, {period}: no needs were reported."),
            place=labels.capital(report.place),
            period=figures.period.label(tr.language),
        )
    return tr.t(
        N_("{place}, {period}: {needs}, {supports}. Resolved: {resolved}. Most often: {category}."),
        place=labels.capital(report.place),
        period=figures.period.label(tr.language),
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
            period=figures.period.label(tr.language),
        )
    return tr.t(
        N_(
            "{place}, {period}: {tenders} with a budget of {budget}. Awarded: {awarded}, for {amount}."
        ),
        place=labels.capital(report.place),
        period=figures.period.label(tr.language),
        tenders=tr.tn("{n} tender", "{n} tenders", figures.total),
        budget=money(figures.budget, tr),
        awarded=figures.status_total(TenderStatus.awarded),
        amount=money(figures.awarded, tr),
    )


def _survey_summary(report: Report, figures: SurveyReport) -> str:
    tr = report.tr
    if not figures.surveys:
        return tr.t(N_("{service}: no survey has been sent yet."), service=figures.service_title)
    rate = (
        format_number(round(figures.completed / figures.invited * 100), tr.language)
        if figures.invited
        else "—"
    )
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
        text += " " + tr.t(
            N_("Average rating: {mean} of 5."), mean=format_fixed(total / counted, tr.language)
        )
    return text
