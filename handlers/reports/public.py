"""The monitoring figures on the public pages, from the staff reports' own queries: the
country's at a glance on the start page (every need, support and tender since the start), and
on a municipality's page its needs of the last twelve months by category and status, as a small
SVG chart and a table. Both are kept a while (`Visit.cached`): a shared link opened by thousands
computes them once per PUBLIC_CACHE_SECONDS, not once per reader."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, union
from sqlalchemy.ext.asyncio import AsyncSession

from bot.formats import format_number
from bot.web.public.pages import PublicPages, Section
from bot.web.public.visit import Visit
from handlers.reports import labels
from handlers.reports.needs_report import NeedsReport, needs_report
from handlers.reports.periods import Period, today_in
from handlers.reports.public_chart import needs_svg
from handlers.reports.public_groups import SECTION as GROUPS_SECTION
from handlers.reports.tenders_report import tenders_report
from handlers.tenders.alerts import money
from models import Municipality, Need, NeedStatus, Tender, TenderStatus

TEMPLATES = Path(__file__).resolve().parent / "templates" / "public"
SINCE = date(2020, 1, 1)  # before the first need anyone could report in Kenesh


@dataclass(frozen=True)
class CountryFigures:
    """The country at a glance: needs, their supports and how many were resolved; tenders
    published and awarded; municipalities where residents reported or staff published."""

    needs: int
    supports: int
    resolved: int
    tenders: int
    awarded: int
    awarded_amount: Decimal
    active_municipalities: int


def whole_history(zone: str) -> Period:
    """Every day since Kenesh could be used, up to today."""
    return Period(SINCE, today_in(zone), zone)


async def active_municipalities(session: AsyncSession) -> int:
    """Municipalities with at least one need reported or one tender published."""
    places = union(
        select(Need.municipality_id),
        select(Tender.municipality_id).where(Tender.published_at.is_not(None)),
    ).subquery()
    return int(await session.scalar(select(func.count()).select_from(places)) or 0)


async def country_figures(session: AsyncSession, zone: str) -> CountryFigures:
    """The figures the staff reports give for all municipalities over the whole history."""
    period = whole_history(zone)
    needs = await needs_report(session, period, None, "en")
    tenders = await tenders_report(session, period, None, "en")
    return CountryFigures(
        needs=needs.total,
        supports=needs.supports,
        resolved=needs.status_total(NeedStatus.resolved),
        tenders=tenders.total - tenders.status_total(TenderStatus.draft),
        awarded=tenders.status_total(TenderStatus.awarded),
        awarded_amount=tenders.awarded,
        active_municipalities=await active_municipalities(session),
    )


def last_twelve_months(zone: str) -> Period:
    """From the first day of the month eleven months ago to today: twelve monthly bars."""
    today = today_in(zone)
    month = today.year * 12 + today.month - 1 - 11
    return Period(date(month // 12, month % 12 + 1, 1), today, zone)


async def _country(visit: Visit, _subject: None) -> dict[str, Any]:
    zone = visit.site.settings.timezone
    figures: CountryFigures = await visit.cached(
        ("reports", "country"), lambda: country_figures(visit.session, zone)
    )
    lang = visit.language
    return {
        "figures": figures,
        "number": lambda n: format_number(n, lang),
        "amount": money(figures.awarded_amount, visit.tr),
    }


async def _needs_chart(visit: Visit, unit: Municipality) -> dict[str, Any] | None:
    zone = visit.site.settings.timezone
    lang = visit.language
    report: NeedsReport = await visit.cached(
        ("reports", "needs", unit.id, lang),
        lambda: needs_report(visit.session, last_twelve_months(zone), unit.id, lang),
    )
    if not report.total:
        return None
    return {
        "report": report,
        "chart": needs_svg(report, visit.tr),
        "statuses": [(s, labels.need_status(visit.tr, s)) for s in NeedStatus],
        "period": report.period.label(lang),
    }


PUBLIC = PublicPages(
    "reports",
    templates=TEMPLATES,
    sections=(
        Section("country", 10, "reports/country.html", _country),
        Section("municipality", 20, "reports/needs_chart.html", _needs_chart),
        GROUPS_SECTION,
    ),
)
