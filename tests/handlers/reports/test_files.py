"""The chart is a real PNG and the spreadsheet opens with the right headers, rows and totals,
in the reader's language, with no person's name or phone number in either."""

from __future__ import annotations

import zipfile
from decimal import Decimal
from io import BytesIO

import pytest
from openpyxl import load_workbook
from PIL import Image

from handlers.reports.build import render_files
from handlers.reports.kinds import ReportKind
from handlers.reports.report import ReportRequest
from tests.factories import ZONE
from tests.handlers.reports.test_figures import gather
from tests.handlers.reports.world import MARCH, NGO_CONTACT, NGO_PHONE, create_world

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
async def world(app):
    return await create_world(app)


def rows_of(sheet) -> list[list[object]]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def assert_png(data: bytes) -> None:
    assert data.startswith(PNG_SIGNATURE)
    with Image.open(BytesIO(data)) as image:
        image.verify()
    with Image.open(BytesIO(data)) as image:
        width, height = image.size
        assert image.format == "PNG"
    assert 600 <= width <= 3000 and 300 <= height <= 6000, (width, height)


def assert_anonymous(xlsx: bytes, phones: list[str]) -> None:
    """No phone number (in any spelling) or contact name in any part of the workbook."""
    with zipfile.ZipFile(BytesIO(xlsx)) as archive:
        text = "".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())
    for phone in [*phones, NGO_PHONE]:
        assert phone not in text and phone.lstrip("+") not in text and phone[-9:] not in text
    assert NGO_CONTACT not in text


async def test_needs_workbook_and_chart(app, world) -> None:
    report = await gather(
        app, world.home_staff_id, ReportRequest(ReportKind.needs, MARCH, world.home_id)
    )
    files = render_files(report, ZONE)
    assert_png(files.png)
    book = load_workbook(BytesIO(files.xlsx))
    needs, by_date, by_group, about = book.worksheets
    assert by_group.title == "Supports by group"  # nobody answered the questions here
    assert rows_of(by_group)[-1][:2] == ["Total", 4]
    assert needs.title == "Needs by category and status"
    assert rows_of(needs) == [
        ["Category", "New", "Received", "In progress", "Resolved", "Rejected", "Total", "Supports"],
        ["Water supply", 2, 0, 0, 1, 0, 3, 3],
        ["Roads and lighting", 0, 0, 1, 0, 1, 2, 1],
        ["Health", 0, 1, 0, 0, 0, 1, 0],
        ["Total", 2, 1, 1, 1, 1, 6, 4],
    ]
    assert needs.freeze_panes == "A2"
    assert needs.column_dimensions["A"].width >= len("Roads and lighting")
    dates = rows_of(by_date)
    assert dates[0] == ["Period", "Needs reported"]
    assert dates[1] == ["2026-03-01", 1] and len(dates) == 1 + 31 + 1
    assert dates[-1] == ["Total", 6]
    assert rows_of(about)[:3] == [
        ["Report", "Needs by category and status"],
        ["Municipality", "Barpy ayil aimak"],
        ["Period", "01/03/2026 – 31/03/2026"],
    ]
    # the needs' descriptions hold a phone number: they are never in a report
    assert_anonymous(files.xlsx, world.phones)


async def test_tenders_workbook_keeps_money_as_numbers(app, world) -> None:
    report = await gather(
        app, world.admin_id, ReportRequest(ReportKind.tenders, MARCH, world.home_id)
    )
    files = render_files(report, ZONE)
    assert_png(files.png)
    sheet = load_workbook(BytesIO(files.xlsx)).worksheets[0]
    rows = rows_of(sheet)
    assert rows[0] == [
        "Sector",
        "Draft",
        "Open",
        "Awarded",
        "Cancelled",
        "Total",
        "Budget, som",
        "Awarded amount, som",
    ]
    assert rows[1:] == [
        ["Water supply", 0, 1, 1, 0, 2, 150000, 95000.5],
        ["Education", 1, 0, 0, 1, 2, 30000.25, 0],
        ["Total", 1, 1, 1, 1, 4, 180000.25, 95000.5],
    ]
    assert sheet["G2"].number_format == "#,##0.00"
    assert Decimal(str(sheet["G4"].value)) == Decimal("180000.25")
    assert_anonymous(files.xlsx, world.phones)


async def test_survey_workbook_is_anonymous(app, world) -> None:
    report = await gather(
        app, world.home_staff_id, ReportRequest(ReportKind.surveys, service_id=world.service_id)
    )
    files = render_files(report, ZONE)
    assert_png(files.png)
    book = load_workbook(BytesIO(files.xlsx))
    overview, questions, answers, texts, by_group, averages, _about = book.worksheets
    assert (by_group.title, averages.title) == ("Answers by group", "Average by group")
    assert rows_of(overview) == [
        ["Survey", "Invited", "Completed the survey", "Response rate, %"],
        ["Home care feedback", 5, 3, 60],
        ["Total", 5, 3, 60],
    ]
    assert rows_of(questions)[1] == [
        "Home care feedback",
        1,
        "How good was the care?",
        "rating from 1 to 5",
        4,
        3.75,
    ]
    assert rows_of(questions)[-1][4] == 12  # 4 + 3 + 3 + 2 answers
    choice = [r for r in rows_of(answers) if r[1] == 3]
    assert [(r[3], r[4]) for r in choice] == [("Morning", 1), ("Afternoon", 0), ("Evening", 2)]
    assert rows_of(texts)[1:] == [
        ["Home care feedback", 4, "Anything else?", "More visits please"],
        ["Home care feedback", 4, "Anything else?", "Thank you"],
    ]
    assert_anonymous(files.xlsx, world.phones)


async def test_files_speak_the_readers_language(app, world) -> None:
    report = await gather(
        app, world.home_staff_id, ReportRequest(ReportKind.needs, MARCH, world.home_id), "ru"
    )
    files = render_files(report, ZONE)
    assert_png(files.png)
    sheet = load_workbook(BytesIO(files.xlsx)).worksheets[0]
    header = rows_of(sheet)[0]
    assert header[:2] == ["Категория", "Новое"]
    assert rows_of(sheet)[1][0] == "Водоснабжение"
