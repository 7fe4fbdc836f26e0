"""The figures by group (`handlers.reports.groups`) as report tables, headers in the reader's
language; a suppressed cell says "too few" and never holds its number."""

from __future__ import annotations

from typing import Any

from bot.i18n import Translator
from handlers.reports import labels
from handlers.reports.groups import COLUMNS, ByGroup, GroupTable, column_label
from handlers.reports.tables import Table


def cell(tr: Translator, value: int | float | None) -> Any:
    """A figure, or "too few" where it is suppressed."""
    return tr.t(labels.TOO_FEW_CELL) if value is None else value


def group_tables(tr: Translator, by_group: ByGroup) -> list[Table]:
    """The sheets of a report's figures by group (none where it has none)."""
    headers = [column_label(tr, column) for column in COLUMNS]
    tables = []
    if by_group.supports is not None and not by_group.supports.empty:
        tables.append(
            _counts(tr, tr.t(labels.SUPPORTS_BY_GROUP), labels.CATEGORY, by_group.supports, headers)
        )
    if by_group.municipalities is not None and not by_group.municipalities.empty:
        tables.append(
            _counts(
                tr,
                tr.t(labels.SUPPORTS_BY_MUNICIPALITY),
                labels.MUNICIPALITY,
                by_group.municipalities,
                headers,
            )
        )
    answers = by_group.answers
    if answers is not None and not answers.empty:
        tables.append(_counts(tr, tr.t(labels.ANSWERS_BY_GROUP), labels.QUESTION, answers, headers))
        tables.append(
            Table(
                tr.t(labels.AVERAGE_BY_GROUP),
                [tr.t(labels.QUESTION), *headers],
                [
                    [
                        f"{row.label} ({tr.t(row.measure)})",
                        *(
                            cell(tr, None) if count is None else mean
                            for count, mean in zip(row.counts, row.means, strict=True)
                        ),
                    ]
                    for row in answers.rows
                    if row.measure is not None
                ],
                formats={c: "0.00" for c in range(1, len(COLUMNS) + 1)},
            )
        )
    return tables


def _counts(tr: Translator, title: str, first: str, table: GroupTable, headers: list[str]) -> Table:
    rows = [[row.label, row.total, *(cell(tr, n) for n in row.counts)] for row in table.rows]
    totals = None
    if table.totals is not None:
        totals = [tr.t(labels.TOTAL), table.total, *(cell(tr, n) for n in table.totals)]
    return Table(title, [tr.t(first), tr.t(labels.TOTAL), *headers], rows, totals)
