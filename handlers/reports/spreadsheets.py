"""Reports as XLSX workbooks, written in memory: one sheet of rows per table (headers in the
reader's language, numbers stored as numbers, a totals row, fitted column widths), and a sheet
saying what the report is."""

from __future__ import annotations

import re
from io import BytesIO
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from bot.i18n import Translator
from handlers.reports import labels
from handlers.reports.group_tables import group_tables
from handlers.reports.kinds import ReportKind
from handlers.reports.needs_report import NeedsReport
from handlers.reports.report import Report
from handlers.reports.surveys_report import SurveyReport
from handlers.reports.tables import Table
from handlers.reports.tenders_report import TendersReport
from handlers.surveys.results import TOO_FEW
from models import NeedStatus, QuestionKind, TenderStatus

MONEY = "#,##0.00"
PERCENT = "0.0"
MAX_WIDTH = 60
BOLD = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="E8EAF6")
NOT_IN_TITLES = re.compile(r"[\[\]:*?/\\]")


def write_workbook(report: Report, made_at: str) -> bytes:
    """The report as XLSX bytes; `made_at` is the local time it was made."""
    figures = report.figures
    tr = report.tr
    tables = report_tables(report)
    about = [
        (tr.t(labels.REPORT), report.title),
        (tr.t(labels.MUNICIPALITY), report.place),
    ]
    if isinstance(figures, SurveyReport):
        about.append((tr.t(labels.SERVICE), figures.service_title))
    else:
        about.append((tr.t(labels.PERIOD), figures.period.label(tr.language)))
    about.append((tr.t(labels.MADE_AT), made_at))
    book = Workbook()
    book.remove(book.active)
    used: set[str] = set()
    for table in tables:
        _write(book.create_sheet(_sheet_title(table.title, used)), table)
    _write(
        book.create_sheet(_sheet_title(tr.t(labels.ABOUT), used)),
        Table("", ["", ""], [list(r) for r in about]),
    )
    book.properties.title = report.title
    book.properties.creator = "Kenesh"
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def report_tables(report: Report) -> list[Table]:
    """The report's figures as tables (a sheet each), headers in the reader's language: what
    the workbook holds and the workspace's page shows."""
    figures, tr = report.figures, report.tr
    if isinstance(figures, NeedsReport):
        return _needs(tr, figures) + group_tables(tr, report.by_group)
    if isinstance(figures, TendersReport):
        return _tenders(tr, figures)
    return _surveys(tr, figures) + group_tables(tr, report.by_group)


def _sheet_title(title: str, used: set[str]) -> str:
    """A valid, unique sheet name: at most 31 characters, none of []:*?/\\."""
    base = NOT_IN_TITLES.sub(" ", title).strip()[:31] or "Sheet"
    name, n = base, 2
    while name.casefold() in used:
        name = f"{base[:28]} {n}"
        n += 1
    used.add(name.casefold())
    return name


def _write(sheet: Worksheet, table: Table) -> None:
    header = any(table.headers)
    lines = (
        ([table.headers] if header else []) + table.rows + ([table.totals] if table.totals else [])
    )
    for line in lines:
        sheet.append(line)
    for column, number_format in table.formats.items():
        for cells in sheet.iter_rows(min_row=2, min_col=column + 1, max_col=column + 1):
            cells[0].number_format = number_format
    if header:
        for cell in sheet[1]:
            cell.font, cell.fill = BOLD, HEADER_FILL
        sheet.freeze_panes = "A2"
    else:
        for row in sheet.iter_rows(max_col=1):
            row[0].font = BOLD
    if table.totals:
        for cell in sheet[sheet.max_row]:
            cell.font = BOLD
    for index in range(1, sheet.max_column + 1):
        width = max(
            (len(str(c.value)) for c in sheet[get_column_letter(index)] if c.value is not None),
            default=8,
        )
        sheet.column_dimensions[get_column_letter(index)].width = min(width + 2, MAX_WIDTH)


def _needs(tr: Translator, figures: NeedsReport) -> list[Table]:
    statuses = list(NeedStatus)
    rows = [
        [row.name, *(row.by_status.get(s, 0) for s in statuses), row.total, row.supports]
        for row in figures.categories
    ]
    totals = [
        tr.t(labels.TOTAL),
        *(figures.status_total(s) for s in statuses),
        figures.total,
        figures.supports,
    ]
    headers = [
        tr.t(labels.CATEGORY),
        *(labels.need_status(tr, s) for s in statuses),
        tr.t(labels.TOTAL),
        tr.t(labels.SUPPORTS),
    ]
    by_date = Table(
        tr.t(labels.BY_DATE),
        [tr.t(labels.PERIOD), tr.t(labels.NEEDS_REPORTED)],
        [[label, n] for label, n in figures.timeline],
        [tr.t(labels.TOTAL), figures.total],
    )
    return [Table(tr.t(labels.TITLES[ReportKind.needs]), headers, rows, totals), by_date]


def _tenders(tr: Translator, figures: TendersReport) -> list[Table]:
    statuses = list(TenderStatus)
    headers = [
        tr.t(labels.SECTOR),
        *(labels.tender_status(tr, s) for s in statuses),
        tr.t(labels.TOTAL),
        tr.t(labels.BUDGET),
        tr.t(labels.AWARDED_AMOUNT),
    ]
    rows = [
        [s.name, *(s.by_status.get(x, 0) for x in statuses), s.total, s.budget, s.awarded]
        for s in figures.sectors
    ]
    totals = [
        tr.t(labels.TOTAL),
        *(figures.status_total(x) for x in statuses),
        figures.total,
        figures.budget,
        figures.awarded,
    ]
    money = {len(statuses) + 2: MONEY, len(statuses) + 3: MONEY}
    return [Table(tr.t(labels.TENDERS), headers, rows, totals, money)]


def _surveys(tr: Translator, figures: SurveyReport) -> list[Table]:
    overview = Table(
        tr.t(labels.SURVEY),
        [
            tr.t(labels.SURVEY),
            tr.t(labels.INVITED),
            tr.t(labels.COMPLETED),
            tr.t(labels.RESPONSE_RATE),
        ],
        [
            [s.title, s.invited, s.completed, _percent(s.completed, s.invited)]
            for s in figures.surveys
        ],
        [
            tr.t(labels.TOTAL),
            figures.invited,
            figures.completed,
            _percent(figures.completed, figures.invited),
        ],
        {3: PERCENT},
    )
    answers: list[list[Any]] = []
    questions: list[list[Any]] = []
    texts: list[list[Any]] = []
    for survey in figures.surveys:
        for q in survey.questions:
            questions.append(
                [
                    survey.title,
                    q.position,
                    q.text,
                    labels.question_kind(tr, q.kind),
                    q.answers,
                    tr.t(TOO_FEW)
                    if q.withheld
                    else round(q.mean, 2)
                    if q.mean is not None
                    else None,
                ]
            )
            counted = sum(n for _, n in q.options)
            for label, n in q.options:
                answers.append([survey.title, q.position, q.text, label, n, _percent(n, counted)])
            if q.kind == QuestionKind.text:
                texts.extend([survey.title, q.position, q.text, text] for text in q.texts)
    return [
        overview,
        Table(
            tr.t(labels.QUESTION),
            [
                tr.t(labels.SURVEY),
                "№",
                tr.t(labels.QUESTION),
                tr.t(labels.QUESTION_KIND),
                tr.t(labels.ANSWERS),
                tr.t(labels.MEAN),
            ],
            questions,
            [tr.t(labels.TOTAL), None, None, None, figures.answers, None],
            {5: "0.00"},
        ),
        Table(
            tr.t(labels.ANSWERS),
            [
                tr.t(labels.SURVEY),
                "№",
                tr.t(labels.QUESTION),
                tr.t(labels.ANSWER),
                tr.t(labels.COUNT),
                tr.t(labels.SHARE),
            ],
            answers,
            formats={5: PERCENT},
        ),
        Table(
            tr.t(labels.TEXT_ANSWERS),
            [tr.t(labels.SURVEY), "№", tr.t(labels.QUESTION), tr.t(labels.ANSWER)],
            texts,
        ),
    ]


def _percent(part: int, whole: int) -> float | None:
    return round(part / whole * 100, 1) if whole else None
