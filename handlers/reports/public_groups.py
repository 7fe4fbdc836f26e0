"""The figures by group on a municipality's public page (`PUBLIC_URL/m/CODE`): who supported
its residents' needs in the last twelve months, and how each of its services was rated, by age band, gender and
disability — the staff reports' own figures (`handlers.reports.groups.public_figures`),
suppressed alike, so that both agree and no group smaller than REPORT_MIN_GROUP shows.

A section of the municipality page (`SECTION`, declared with the reports' other public
sections in `handlers.reports.public`), left out while nobody has
supported a need or answered a survey there; computed at most once per PUBLIC_CACHE_SECONDS a
municipality and language.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.formats import format_fixed, format_number
from bot.i18n import N_
from bot.web.public.pages import Section
from bot.web.public.visit import Visit
from handlers.account.groups import DIMENSIONS, NOT_ANSWERED
from handlers.reports import labels
from handlers.reports.groups import COLUMNS, GroupTable, column_label, public_figures
from models import Municipality

ORDER = 70  # after the municipality's needs, tenders and services
SUPPORTS_TITLE = N_("Supports of residents' needs")


@dataclass
class Breakdown:
    """One table of the section: what is counted (`title`), by one dimension's groups; each
    line (group, count or "too few", and for a question its average or share of yes)."""

    title: str
    dimension: str
    count_header: str
    measure: str | None
    lines: list[tuple[str, str, str]]


def _breakdowns(
    visit: Visit,
    title: str,
    counts: list[int | None],
    means: list[float | None] | None,
    measure: str | None,
    count_header: str,
) -> list[Breakdown]:
    """Per dimension, a table of its groups (in COLUMNS order); a dimension none of whose
    groups shows a figure (each too few, or none) is left out: it would say nothing."""
    too_few = visit.t(labels.TOO_FEW_CELL)
    found = {
        d: Breakdown(title, visit.t(n), count_header, measure, []) for d, n in DIMENSIONS.items()
    }
    telling: set[str] = set()
    for index, column in enumerate(COLUMNS):
        name = column_label(visit.tr, column) if column[1] else visit.t(NOT_ANSWERED)
        count = counts[index]
        if column[1] and count:
            telling.add(column[0])
        shown = too_few if count is None else format_number(count, visit.language)
        mean = means[index] if means and count is not None else None
        found[column[0]].lines.append(
            (name, shown, "—" if mean is None else format_fixed(mean, visit.language))
        )
    return [breakdown for d, breakdown in found.items() if d in telling]


def _tables(
    visit: Visit, supports: GroupTable, services: list[tuple[str, GroupTable]]
) -> list[Breakdown]:
    tables = []
    if supports.totals is not None:
        tables += _breakdowns(
            visit, visit.t(SUPPORTS_TITLE), supports.totals, None, None, visit.t(labels.SUPPORTS)
        )
    for service, table in services:
        for row in table.rows:
            if row.measure is None:  # a choice: its counts are in the staff report
                continue
            tables += _breakdowns(
                visit,
                f"{service} · {row.label}",
                row.counts,
                row.means,
                visit.t(row.measure),
                visit.t(labels.ANSWERS),
            )
    return tables


async def _load(visit: Visit, unit: Municipality) -> dict[str, Any] | None:
    min_group = visit.site.settings.report_min_group

    from handlers.reports.public import last_twelve_months  # public.py declares SECTION

    period = last_twelve_months(visit.site.settings.timezone)  # as the page's needs chart

    async def compute() -> tuple[GroupTable, list[tuple[str, GroupTable]]]:
        # the page's own session: a second one would wait forever for SQLite's single
        # connection, which the page holds; the figures are plain data, safe to share
        return await public_figures(visit.session, unit.id, visit.language, min_group, period)

    key = ("reports", "groups", unit.id, visit.language)
    supports, services = await visit.cached(key, compute)
    if supports.empty and not services:
        return None
    return {"breakdowns": _tables(visit, supports, services)}


SECTION = Section("municipality", ORDER, "reports/groups.html", _load)
