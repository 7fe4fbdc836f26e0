"""The reports staff can ask for."""

from __future__ import annotations

import enum


class ReportKind(enum.StrEnum):
    """The reports staff can ask for."""

    needs = "needs"  # needs by category and status over a period, with supports
    surveys = "surveys"  # survey results of one service, anonymous
    tenders = "tenders"  # tenders and their outcomes over a period, by sector
