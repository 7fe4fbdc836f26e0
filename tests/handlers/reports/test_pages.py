"""The reports page of the staff workspace, against the hand-counted world: the figures are
the bot's, the chart and the spreadsheet open, the needs CSV has the period's needs and no
phone numbers, another municipality is refused, bad dates are named next to their field."""

from __future__ import annotations

import csv
import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from handlers.reports.kinds import ReportKind
from handlers.reports.report import ReportRequest
from models import AuditEvent, Need, Person
from tests.handlers.reports.test_figures import gather
from tests.handlers.reports.world import MARCH, create_world
from tests.workspace import browser, create_member, sign_in, workspace_app

MARCH_QUERY = {"kind": "needs", "from": "01.03.2026", "to": "31.03.2026"}


@pytest.fixture
async def app(database):
    return await workspace_app(database, report_min_group=1)


@pytest.fixture
async def world(app):
    return await create_world(app)


async def person(app, person_id: int) -> Person:
    async with app.sessions() as session:
        found = await session.get(Person, person_id)
        assert found is not None
        return found


def cells(html: str) -> list[list[str]]:
    """The rows of the page's tables, as text."""
    return [
        [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row)]
        for row in re.findall(r"<tr>(.*?)</tr>", html, re.S)
    ]


async def test_the_page_shows_the_bots_figures_with_the_chart(app, world) -> None:
    bots = await gather(
        app, world.home_staff_id, ReportRequest(ReportKind.needs, MARCH, world.home_id)
    )
    async with browser(app) as client:
        await sign_in(client, app, await person(app, world.home_staff_id))
        home = (await client.get("/staff/", follow_redirects=True)).text
        assert 'href="/staff/reports/"' in home  # the nav link
        page = await client.get("/staff/reports/", params=MARCH_QUERY)
        assert page.status_code == 200, page.text
        assert bots.summary().replace("–", "&ndash;") in page.text or bots.summary() in page.text
        rows = cells(page.text)
        water = next(r for r in rows if r[0] == "Water supply")
        assert water[-2:] == ["3", "3"]  # needs, supports: as the bot counted
        total = next(r for r in rows if r[0] == "Total")
        assert total[-2:] == ["6", "4"]
        src = re.search(r'<img src="([^"]+)"', page.text)
        assert src, "no chart on the page"
        chart = await client.get(src.group(1).replace("&amp;", "&"))
        assert chart.status_code == 200 and chart.content.startswith(b"\x89PNG")
        tenders = await client.get("/staff/reports/", params={**MARCH_QUERY, "kind": "tenders"})
        assert tenders.status_code == 200 and "Tenders" in tenders.text


async def test_the_spreadsheet_opens_with_the_same_figures(app, world) -> None:
    async with browser(app) as client:
        await sign_in(client, app, await person(app, world.home_staff_id))
        got = await client.get("/staff/reports/report.xlsx", params=MARCH_QUERY)
        assert got.status_code == 200, got.text
        assert "kenesh-needs-2026-03-01_2026-03-31.xlsx" in got.headers["content-disposition"]
    book = load_workbook(io.BytesIO(got.content))
    lines = [list(r) for r in book.worksheets[0].iter_rows(values_only=True)]
    assert lines[-1][0] == "Total" and lines[-1][-2:] == [6, 4]


async def test_the_needs_csv_has_the_periods_needs_and_no_phone_numbers(app, world) -> None:
    async with app.sessions() as session:
        march = (
            await session.scalars(
                select(Need).where(Need.municipality_id == world.home_id).order_by(Need.id)
            )
        ).all()
    start, end = MARCH.bounds()
    expected = {
        n.reference for n in march if start <= n.created_at.replace(tzinfo=start.tzinfo) < end
    }
    assert len(expected) == 6
    async with browser(app) as client:
        await sign_in(client, app, await person(app, world.home_staff_id))
        got = await client.get("/staff/reports/needs.csv", params=MARCH_QUERY)
    assert got.status_code == 200, got.text
    assert got.content.startswith("\ufeff".encode())
    text = got.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert {r["reference"] for r in rows} == expected
    assert {r["municipality"] for r in rows} == {"Barpy ayil aimak"}
    assert all(r["category"] and r["status"] for r in rows)
    assert not any(phone in text for phone in world.phones)
    assert not re.search(r"\+996\d{6}", text)


async def test_admins_see_all_municipalities_or_one(app, world) -> None:
    async with browser(app) as client:
        await sign_in(client, app, await person(app, world.admin_id))
        page = await client.get("/staff/reports/", params=MARCH_QUERY)
        assert page.status_code == 200
        assert next(r for r in cells(page.text) if r[0] == "Total")[-2:] == ["7", "6"]
        got = await client.get("/staff/reports/needs.csv", params=MARCH_QUERY)
        assert len(list(csv.DictReader(io.StringIO(got.content.decode("utf-8-sig"))))) == 7
        one = {**MARCH_QUERY, "municipality": str(world.elsewhere_id)}
        got = await client.get("/staff/reports/needs.csv", params=one)
        assert len(list(csv.DictReader(io.StringIO(got.content.decode("utf-8-sig"))))) == 1


async def test_staff_asking_for_another_municipality_are_refused_and_recorded(app, world) -> None:
    other = {**MARCH_QUERY, "municipality": str(world.elsewhere_id)}
    async with browser(app) as client:
        await sign_in(client, app, await person(app, world.home_staff_id))
        for path in ("", "chart.png", "report.xlsx", "needs.csv"):
            got = await client.get(f"/staff/reports/{path}", params=other)
            assert got.status_code == 403, path
            assert "Barpy" not in got.text and "+996" not in got.text
    async with app.sessions() as session:
        refusals = (
            await session.scalars(
                select(AuditEvent).where(
                    AuditEvent.person_id == world.home_staff_id, AuditEvent.outcome == "refused"
                )
            )
        ).all()
    assert len(refusals) == 4
    assert {r.action for r in refusals} == {"report:needs"}
    assert all(f"municipality={world.elsewhere_id}" in (r.detail or "") for r in refusals)
    assert {(r.detail or "").split("page=")[-1] for r in refusals} == {
        f"/staff/reports/{path}" for path in ("", "chart.png", "report.xlsx", "needs.csv")
    }


async def test_bad_dates_are_named_next_to_their_field_in_the_readers_language(app) -> None:
    clerk = await create_member(app, "clerk", language="ru")
    async with browser(app, language="ru") as client:
        await sign_in(client, app, clerk)
        bad = await client.get("/staff/reports/", params={"kind": "needs", "from": "32.13.2026"})
        assert bad.status_code == 422
        assert re.search(r'id="from-error">Напишите дату в виде 15.01.2027.<', bad.text)
        assert 'value="32.13.2026"' in bad.text  # nothing typed is lost
        backwards = {"kind": "needs", "from": "10.03.2026", "to": "01.03.2026"}
        got = await client.get("/staff/reports/", params=backwards)
        assert got.status_code == 422 and 'id="to-error"' in got.text
        future = {"kind": "needs", "from": "01.03.2026", "to": "01.03.2999"}
        got = await client.get("/staff/reports/", params=future)
        assert got.status_code == 422 and 'id="to-error"' in got.text
        kind = await client.get("/staff/reports/", params={"kind": "gossip"})
        assert kind.status_code == 422 and 'id="kind-error"' in kind.text
        for path in ("chart.png", "report.xlsx", "needs.csv"):
            got = await client.get(f"/staff/reports/{path}", params=backwards)
            assert got.status_code == 422, path


async def test_survey_results_of_a_service_in_scope_only(app, world) -> None:
    bots = await gather(
        app, world.home_staff_id, ReportRequest(ReportKind.surveys, service_id=world.service_id)
    )
    async with browser(app) as client:
        await sign_in(client, app, await person(app, world.home_staff_id))
        form = (await client.get("/staff/reports/")).text
        assert "Home care" in form and "Meals on wheels" not in form  # their services only
        ours = {"kind": "surveys", "service": str(world.service_id)}
        page = await client.get("/staff/reports/", params=ours)
        assert page.status_code == 200, page.text
        assert bots.summary() in page.text.replace("&#39;", "'")
        assert ["Home care feedback", "5", "3", "60.0"] in cells(page.text)  # the bot's counts
        book = await client.get("/staff/reports/report.xlsx", params=ours)
        assert load_workbook(io.BytesIO(book.content)).worksheets
        theirs = {"kind": "surveys", "service": str(world.elsewhere_service_id)}
        assert (await client.get("/staff/reports/", params=theirs)).status_code == 403
        missing = await client.get("/staff/reports/", params={"kind": "surveys"})
        assert missing.status_code == 422 and 'id="service-error"' in missing.text
