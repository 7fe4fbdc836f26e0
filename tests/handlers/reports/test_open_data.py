"""/data/: the open data page and its CSV and XLSX files, read as a journalist would (csv,
openpyxl): what they hold, what they never hold, the licence, and one build for many downloads."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from openpyxl import load_workbook
from sqlalchemy import event, update

from bot.app import App
from bot.http import create_http_app
from handlers.reports.groups import supports_by_municipality
from handlers.reports.open_data.by_group import GROUP_COLUMNS
from models import AgeBand, GroupAnswers, Need, NeedSupport
from tests.conftest import Database, clear, make_app
from tests.factories import create_need, create_resident
from tests.handlers.reports.world import NGO_CONTACT, NGO_PHONE, create_world

BASE = "http://kenesh.test"


async def _app(database: Database, **settings: object) -> App:
    await clear(database)
    return make_app(database, report_min_group=4, **settings)


@pytest.fixture
async def app(database: Database) -> App:
    return await _app(database)


@asynccontextmanager
async def visitor(app: App, language: str = "en") -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_http_app(app))
    headers = {"accept-language": language}
    async with httpx.AsyncClient(transport=transport, base_url=BASE, headers=headers) as client:
        yield client


def rows_of(response: httpx.Response) -> list[dict[str, str]]:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    text = response.content.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


async def test_the_page_lists_the_files_the_dictionary_the_licence_and_the_apis(app) -> None:
    await create_world(app)
    async with visitor(app) as client:
        page = await client.get("/data/")
    html = page.text
    assert page.status_code == 200
    assert (
        '<a href="https://creativecommons.org/licenses/by/4.0/" rel="license noopener">CC BY 4.0</a>'
        in html
    )
    for name in ("needs", "supports", "tenders", "survey_results"):
        assert f'href="/data/{name}.csv"' in html
    assert 'href="/data/kenesh-open-data.xlsx"' in html
    assert 'href="/ocds/releases.json"' in html and 'href="/open311/v2/requests.json"' in html
    assert "<code>municipality_comment</code>" in html and "<code>withheld</code>" in html
    assert '<meta property="og:title" content="Open data">' in html


async def test_needs_are_anonymised_and_moderated(app) -> None:
    world = await create_world(app)
    async with app.sessions() as session, session.begin():
        await session.execute(
            update(Need).values(place="Lenin st. 5, Aigul's house", latitude=40.9, longitude=72.9)
        )
        first = await session.get(Need, 1)
        first.hidden = True
        second = await session.get(Need, 2)
        second.redacted = "Water is needed"
    async with visitor(app) as client:
        needs = rows_of(await client.get("/data/needs.csv"))
        raw = (await client.get("/data/needs.csv")).text
    assert len(needs) == 9 and needs[0]["reference"] == "N-000001"
    assert needs[0]["text"] == "" and needs[0]["text_hidden"] == "yes"
    assert needs[1]["text"] == "Water is needed" and needs[1]["text_edited"] == "yes"
    assert needs[2]["text"] == "call me at ***"
    assert needs[0]["supports"] == "2" and needs[0]["municipality_code"] == "JA-SUZAK-BARPY"
    assert needs[0]["status"] == "new" and needs[0]["category_code"] == "water"
    for secret in ("Lenin", "Aigul", "40.9", "72.9", *world.phones):
        assert secret not in raw
    assert "reporter" not in raw.splitlines()[0]


async def test_supports_tenders_and_surveys_add_up(app) -> None:
    await create_world(app)
    async with visitor(app) as client:
        supports = rows_of(await client.get("/data/supports.csv"))
        tenders = rows_of(await client.get("/data/tenders.csv"))
        surveys = rows_of(await client.get("/data/survey_results.csv"))
        raw = (await client.get("/data/tenders.csv")).text
    assert sum(int(r["supports"]) for r in supports) == 14
    assert len({r["reference"] for r in supports}) == 6  # the needs with any support
    assert len(tenders) == 5  # the published ones; no draft
    awarded = next(r for r in tenders if r["award_amount"] == "95000.5")
    assert awarded["awarded_to"] == "Umut" and awarded["budget"] == "100000.0"
    assert awarded["deadline"] == "2026-06-01 18:00"
    assert NGO_CONTACT not in raw and NGO_PHONE not in raw
    rating = [r for r in surveys if r["kind"] == "rating"]
    assert {r["answer"]: r["count"] for r in rating} == {
        "1": "0",
        "2": "1",
        "3": "0",
        "4": "2",
        "5": "1",
    }
    assert rating[0]["average"] == "3.75" and rating[0]["withheld"] == "no"
    assert rating[0]["question_ru"] == "Как вы оцениваете уход?"
    # three answered each of these, fewer than REPORT_MIN_GROUP (4): only how many
    for kind in ("yes_no", "choice"):
        (row,) = [r for r in surveys if r["kind"] == kind]
        assert row["withheld"] == "yes" and row["answered"] == "3" and row["count"] == ""
    (written,) = [r for r in surveys if r["kind"] == "text"]
    assert written["answer"] == "" and "Thank you" not in str(surveys)


async def test_the_workbook_holds_every_data_set_and_the_licence(app) -> None:
    await create_world(app)
    async with visitor(app) as client:
        response = await client.get("/data/kenesh-open-data.xlsx")
    assert response.status_code == 200
    assert "attachment" in response.headers["content-disposition"]
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    assert book.sheetnames == [
        "needs",
        "supports",
        "tenders",
        "survey_results",
        "supports_by_group",
        "survey_results_by_group",
        "about",
    ]
    needs = list(book["needs"].iter_rows(values_only=True))
    assert needs[0][0] == "reference" and len(needs) == 10
    about = dict(book["about"].iter_rows(values_only=True))
    assert about["licence"] == "CC BY 4.0 https://creativecommons.org/licenses/by/4.0/"


async def test_figures_by_group_are_the_staff_reports_and_hide_small_groups(app) -> None:

    need = await create_need(app, None, description="A ramp at the clinic")
    async with app.sessions() as session, session.begin():
        for index in range(8):
            person = await create_resident(app, f"s{index}")
            band = AgeBand.from_60 if index < 6 else AgeBand.from_18
            session.add(GroupAnswers(person_id=person.id, age_band=band, agreed_at=need.created_at))
            session.add(NeedSupport(need_id=need.id, person_id=person.id))
    async with visitor(app) as client:
        (row,) = rows_of(await client.get("/data/supports_by_group.csv"))
        page = (await client.get("/data/")).text
    assert row["municipality_code"] == "JA-SUZAK-BARPY" and row["supports"] == "8"
    assert row["age_18_29"] == ""  # two people: fewer than REPORT_MIN_GROUP (4)
    async with app.sessions() as session:
        (staff,) = (await supports_by_municipality(session, None, "en", 4)).rows
    assert [row[c] for c in GROUP_COLUMNS] == ["" if n is None else str(n) for n in staff.counts]
    assert "<code>gender_woman</code>" in page


async def test_a_burst_of_downloads_reads_the_database_once(database) -> None:
    app = await _app(database, public_rate=10_000)  # many readers, not one client's limit
    await create_world(app)
    statements: list[str] = []

    def count(conn, cursor, statement, *args) -> None:
        statements.append(statement)

    engine = app.engine.sync_engine
    async with visitor(app) as client:
        assert (await client.get("/data/needs.csv")).status_code == 200
        event.listen(engine, "before_cursor_execute", count)
        try:
            for _ in range(20):
                for path in ("/data/needs.csv", "/data/kenesh-open-data.xlsx", "/data/"):
                    assert (await client.get(path)).status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", count)
    assert not [s for s in statements if "needs" in s or "survey" in s]


async def test_another_licence_and_an_unknown_file(database) -> None:
    app = await _app(database, open_data_licence="Municipal open licence v1")
    async with visitor(app) as client:
        page = await client.get("/data/")
        missing = await client.get("/data/persons.csv")
    assert "Municipal open licence v1" in page.text and 'rel="license' not in page.text
    assert missing.status_code == 404
