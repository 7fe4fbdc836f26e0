"""Monitoring reports for staff and admins: what the figures are (needs, surveys, tenders), a PNG
chart and an XLSX spreadsheet of them in the reader's language, and signed download links for
channels that carry no files.

needs.py, surveys.py, tenders.py  the queries: aggregated in the database, never row by row
scope.py                          who may see which municipality's figures (refusals audited)
periods.py                        report periods in local days, and buckets over them
labels.py                         translated titles, headers and category names
charts.py, spreadsheets.py        the files, built in memory
build.py                          one entry point: request → figures → summary and files
links.py                          signed, expiring download links (SMS)
"""

from __future__ import annotations

import enum


class ReportKind(enum.StrEnum):
    """The reports staff can ask for."""

    needs = "needs"  # needs by category and status over a period, with supports
    surveys = "surveys"  # survey results of one service, anonymous
    tenders = "tenders"  # tenders and their outcomes over a period, by sector
