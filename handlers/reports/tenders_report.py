"""Tenders and their outcomes over a period, by sector: how many in each status, their budgets,
and what was awarded.

A tender counts in the period it was published in (a draft: created in). Amounts are in som,
the only currency tenders are made in. One GROUP BY in the database gives every figure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.reports.periods import Period
from models import Category, Tender, TenderStatus

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def _money(value: object) -> Decimal:
    # SQLite sums NUMERIC as floating point: back to exact cents
    return Decimal(str(value or 0)).quantize(CENT)


@dataclass
class SectorTenders:
    """One sector's tenders: counts by status, the budgets, and the awarded amounts."""

    category_id: int
    name: str
    by_status: dict[TenderStatus, int] = field(default_factory=dict)
    budget: Decimal = ZERO  # every tender of the sector in the period, whatever its status
    awarded: Decimal = ZERO  # contract amounts of the awarded ones

    @property
    def total(self) -> int:
        """Tenders of this sector in the period."""
        return sum(self.by_status.values())


@dataclass
class TendersReport:
    """The tenders of one municipality (None: all) of `period`, by sector."""

    period: Period
    municipality_id: int | None
    sectors: list[SectorTenders]

    @property
    def total(self) -> int:
        return sum(s.total for s in self.sectors)

    @property
    def budget(self) -> Decimal:
        return sum((s.budget for s in self.sectors), ZERO)

    @property
    def awarded(self) -> Decimal:
        return sum((s.awarded for s in self.sectors), ZERO)

    def status_total(self, status: TenderStatus) -> int:
        """Tenders of the period now in `status`."""
        return sum(s.by_status.get(status, 0) for s in self.sectors)


async def tenders_report(
    session: AsyncSession, period: Period, municipality_id: int | None, language: str
) -> TendersReport:
    """The figures; sector names in `language`. The caller has checked the scope."""
    start, end = period.bounds()
    when = func.coalesce(Tender.published_at, Tender.created_at)
    where = [when >= start, when < end]
    if municipality_id is not None:
        where.append(Tender.municipality_id == municipality_id)
    result = await session.execute(
        select(
            Tender.category_id,
            Tender.status,
            func.count(Tender.id),
            func.sum(Tender.budget),
            func.sum(Tender.award_amount),
        )
        .where(*where)
        .group_by(Tender.category_id, Tender.status)
    )
    names = {c.id: c for c in (await session.scalars(select(Category))).all()}
    sectors: dict[int, SectorTenders] = {}
    for category_id, status, n, budget, awarded in result.all():
        category = names.get(category_id)
        sector = sectors.setdefault(
            category_id, SectorTenders(category_id, category.name(language) if category else "?")
        )
        status = TenderStatus(status)
        sector.by_status[status] = int(n)
        sector.budget += _money(budget)
        if status == TenderStatus.awarded:
            sector.awarded += _money(awarded)
    ordered = sorted(sectors.values(), key=lambda s: (-s.total, -s.budget, s.name.casefold()))
    return TendersReport(period, municipality_id, ordered)
