"""A report's table, as a sheet of the workbook and a table of the workspace's page."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Table:
    """One sheet: headers, rows, an optional totals row, and how to show some columns."""

    title: str
    headers: list[str]
    rows: list[list[Any]]
    totals: list[Any] | None = None
    formats: dict[int, str] = field(default_factory=dict)  # column (0-based) → number format
