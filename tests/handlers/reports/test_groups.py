"""Figures by group with REPORT_MIN_GROUP 5: the figure of a small group never shows — not in
the figures, the workspace's page, its spreadsheet, nor in what the public pages read — and
neither does the cell that would give it back by subtraction."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from openpyxl import load_workbook

from handlers.account.privacy import delete_personal_data
from handlers.reports.build import gather_report
from handlers.reports.groups import COLUMNS, public_figures
from handlers.reports.kinds import ReportKind
from handlers.reports.report import ReportRequest
from models import Person
from tests.handlers.reports.group_world import create_group_world
from tests.handlers.reports.world import MARCH
from tests.workspace import browser, sign_in, workspace_app

MIN = 5
MARCH_NEEDS = {"kind": "needs", "from": "01.03.2026", "to": "31.03.2026"}
# where each group's figure sits in a row of COLUMNS
AGE_18, AGE_60, AGE_NONE = (
    COLUMNS.index(c) for c in [("age", "18_29"), ("age", "60_plus"), ("age", None)]
)
WOMAN, MAN = COLUMNS.index(("gender", "woman")), COLUMNS.index(("gender", "man"))
LIVES_WITH = COLUMNS.index(("disability", "self"))


@pytest.fixture
async def app(database):
    return await workspace_app(database, report_min_group=MIN)


@pytest.fixture
async def world(app):
    return await create_group_world(app)


async def gather(app, person_id: int, request: ReportRequest):
    async with app.sessions() as session, session.begin():
        person = await session.get(Person, person_id)
        return await gather_report(session, person, request, "en", min_group=MIN)


async def test_supports_by_group_hide_the_small_group_and_its_complement(app, world) -> None:
    report = await gather(
        app, world.staff_id, ReportRequest(ReportKind.needs, MARCH, world.home_id)
    )
    table = report.by_group.supports
    (row,) = table.rows
    assert (row.label, row.total) == ("Support for the elderly", 13)
    assert row.counts[AGE_60] == 6 and row.counts[WOMAN] == 6 and row.counts[LIVES_WITH] == 6
    assert row.counts[AGE_18] is None and row.counts[MAN] is None  # 2 people
    assert row.counts[AGE_NONE] is None  # 13 − 6 would give the 2 back
    assert table.totals[AGE_18] is None and table.totals[AGE_60] == 6
    assert report.by_group.municipalities is None  # one municipality: nothing to compare


async def test_admins_see_supports_by_municipality_and_group(app, world) -> None:
    report = await gather(app, world.admin_id, ReportRequest(ReportKind.needs, MARCH, None))
    table = report.by_group.municipalities
    rows = {row.label: row for row in table.rows}
    assert set(rows) == {"Barpy ayil aimak", "Pokrovka ayil aimak"}
    assert rows["Pokrovka ayil aimak"].counts[AGE_60] == 6
    assert rows["Barpy ayil aimak"].counts[AGE_18] is None
    assert table.totals[AGE_60] == 12 and table.totals[AGE_18] is None


async def test_survey_answers_by_group_rate_the_service_for_the_elderly(app, world) -> None:
    request = ReportRequest(ReportKind.surveys, service_id=world.service_id)
    report = await gather(app, world.staff_id, request)
    rating, helped = report.by_group.answers.rows
    assert rating.label == "Care · 1. How good was the care?"
    assert rating.counts[AGE_60] == 6 and rating.means[AGE_60] == 4.67  # rated well by them
    assert rating.counts[AGE_18] is None and rating.means[AGE_18] is None
    assert rating.means[AGE_NONE] is None
    assert helped.means[AGE_60] == 100.0


async def test_the_public_pages_read_the_same_suppressed_figures(app, world) -> None:
    async with app.sessions() as session:
        supports, answers = await public_figures(session, world.home_id, "en", MIN)
    assert supports.rows[0].counts[AGE_18] is None and supports.rows[0].counts[AGE_60] == 6
    ((title, table),) = answers
    assert title == "Home care" and table.rows[0].means[AGE_60] == 4.67


async def test_a_deleted_person_leaves_their_group(app, world) -> None:
    async with app.sessions() as session, session.begin():
        await delete_personal_data(session, await session.get(Person, world.person_ids[0]))
    report = await gather(
        app, world.staff_id, ReportRequest(ReportKind.needs, MARCH, world.home_id)
    )
    (row,) = report.by_group.supports.rows
    # their support still counts, among those who did not answer (6 now, so it shows); the 5
    # older women left hide beside the 2 young men
    assert row.total == 13 and row.counts[AGE_NONE] == 6
    assert row.counts[COLUMNS.index(("gender", None))] == 6
    assert row.counts[AGE_60] is None and row.counts[AGE_18] is None


def page_row(html: str, caption: str, label: str) -> list[str]:
    """The cells of the row starting with `label` in the table captioned `caption`."""
    table = html.split(f"<caption>{caption}</caption>", 1)[1].split("</table>", 1)[0]
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S):
        cells = [
            re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row)
        ]
        if cells and cells[0] == label:
            return cells
    raise AssertionError(f"no row {label!r} in {caption!r}")


async def test_the_page_and_its_spreadsheet_never_show_the_small_group(app, world) -> None:
    async with app.sessions() as session:
        staff = await session.get(Person, world.staff_id)
    async with browser(app) as client:
        await sign_in(client, app, staff)
        page = await client.get("/staff/reports/", params=MARCH_NEEDS)
        assert page.status_code == 200
        row = page_row(page.text, "Supports by group", "Support for the elderly")
        # label, total, then COLUMNS
        assert row[1] == "13" and row[2 + AGE_60] == "6"
        assert row[2 + AGE_18] == "too few" and row[2 + AGE_NONE] == "too few"
        assert "2" not in row and "5" not in row
        assert "18–29" in page.text and "Age: not answered" in page.text

        book = await client.get("/staff/reports/report.xlsx", params=MARCH_NEEDS)
        sheet = load_workbook(BytesIO(book.content))["Supports by group"]
        rows = list(sheet.iter_rows(values_only=True))
        elderly = next(r for r in rows if r[0] == "Support for the elderly")
        assert elderly[2 + AGE_60] == 6 and elderly[2 + AGE_18] == "too few"
        assert 2 not in elderly and 5 not in elderly

        survey = {"kind": "surveys", "service": str(world.service_id)}
        page = await client.get("/staff/reports/", params=survey)
        label = "Care · 1. How good was the care? (average rating, 1 to 5)"
        averages = page_row(page.text, "Average by group", label)
        assert averages[1 + AGE_60] == "4.7"  # the page shows one decimal
        assert averages[1 + AGE_18] == "too few"
        assert not {"1.5", "1.50", "3.0", "3.00"} & set(averages)
