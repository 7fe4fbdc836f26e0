"""A municipality's public page as each domain composes it — priorities (needs), the chart
(reports), tenders, services and their surveys, announcements — and the country's figures on
the start page, which are the staff reports' figures for the same data."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx

from bot.http import create_http_app
from handlers.reports.build import gather_report
from handlers.reports.kinds import ReportKind
from handlers.reports.public import whole_history
from handlers.reports.report import ReportRequest
from models import NeedStatus, Person, Role, TenderStatus
from tests.conftest import clear, make_app
from tests.factories import HOME, create_need
from tests.public_seed import seed_municipality

BASE = "http://kenesh.test"


def client_of(app, language: str = "en") -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=create_http_app(app))
    return httpx.AsyncClient(
        transport=transport, base_url=BASE, headers={"accept-language": language}
    )


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


async def test_the_priorities_are_the_open_needs_most_supported_first_as_moderated(app) -> None:
    seeded = await seed_municipality(app)
    async with client_of(app) as client:
        page = (await client.get(f"/m/{HOME}")).text
    shown = text_of(page)
    top = shown.index("The well in the upper quarter is dry")
    assert top < shown.index("Street lamps are out")
    assert "6 people support it" in shown and "open for 12 days" in shown
    assert "in progress" in shown
    assert "The municipality: A water truck comes on Mondays" in shown
    assert "A resident asks for a street light" in shown  # the redacted text, not the original
    assert seeded.hidden.reference not in page
    assert "The bridge was repaired" not in shown.split("Needs by category")[0]  # resolved
    assert "call *** for the key" in shown  # a number typed in a need is masked


async def test_the_chart_and_table_show_the_needs_by_category_and_status(app) -> None:
    await seed_municipality(app)
    async with client_of(app, "ru") as client:
        page = (await client.get(f"/m/{HOME}")).text
    chart = page.split('<figure class="chart panel">', 1)[1].split("</figure>", 1)[0]
    assert chart.startswith("<svg") and "<script" not in chart and "style=" not in chart
    assert "Водоснабжение" in page  # category names in the reader's language
    rows = re.findall(r"<tr><td>([^<]+)</td>((?:<td class=\"n\">\d+</td>)+)</tr>", page)
    counts = {name: [int(n) for n in re.findall(r"\d+", cells)] for name, cells in rows}
    # new, received, in progress, resolved, rejected, supports
    assert counts["Водоснабжение"] == [1, 0, 1, 0, 0, 6]
    assert counts["Дороги и освещение"] == [2, 0, 0, 1, 0, 1]


async def test_open_and_past_tenders_say_how_to_apply_and_who_won_with_their_ocds(app) -> None:
    await seed_municipality(app)
    async with client_of(app) as client:
        page = (await client.get(f"/m/{HOME}")).text
        shown = text_of(page)
        ocds = re.findall(r'href="(/ocds/releases\.json\?ocid=[^"]+)"', page)
        releases = [await client.get(link.replace("&amp;", "&")) for link in ocds]
    opened = shown.split("Open for applications", 1)[1].split("Past tenders", 1)[0]
    assert "Hot meals for the elderly" in opened and "Budget: 150,000 som" in opened
    assert "How to apply: Bring the application to the ayil okmotu, room 5." in opened
    past = shown.split("Past tenders and their outcome", 1)[1]
    assert "Home care for the elderly" in past
    assert "Winner chosen Umut Public Foundation, for 140,000 som" in past
    assert "A draft nobody may see yet" not in shown
    assert len(ocds) == 2
    for link, answer in zip(ocds, releases, strict=True):
        ocid = link.split("ocid=", 1)[1]
        assert answer.status_code == 200
        assert {r["ocid"] for r in answer.json()["releases"]} == {ocid}


async def test_services_show_what_people_said_only_for_groups_large_enough(database) -> None:
    await clear(database)
    app = make_app(database, report_min_group=5)
    await seed_municipality(app)
    async with client_of(app) as client:
        shown = text_of((await client.get(f"/m/{HOME}")).text)
    services = shown.split("Services delivered and what people said", 1)[1]
    assert "Home care visits" in services and "Delivered by Umut Public Foundation" in services
    assert "6 of 6 invited people answered" in services
    assert "average 4.5 of 5" in services and "4: 3 · 5: 3" in services
    assert "6 written answers" in services and "Good" not in services  # never the texts

    await clear(database)
    strict = make_app(database, report_min_group=7)
    await seed_municipality(strict)
    async with client_of(strict) as client:
        shown = text_of((await client.get(f"/m/{HOME}")).text)
    assert "6 answers: too few answers to show without identifying people" in shown
    assert "average" not in shown


async def test_announcements_show_their_text_in_the_reader_s_language(app) -> None:
    await seed_municipality(app)
    async with client_of(app, "ru") as client:
        shown = text_of((await client.get(f"/m/{HOME}")).text)
    assert "Объявления" in shown and "Воды не будет" in shown


async def test_the_country_s_figures_are_the_staff_reports_figures(app) -> None:
    await seed_municipality(app)
    await create_need(app, None, code="TL-MANAS-POKROVKA", age=timedelta(days=40))
    async with app.sessions() as session, session.begin():
        admin = Person(language="en", role=Role.admin)
        session.add(admin)
        await session.flush()
        period = whole_history(app.settings.timezone)
        needs = await gather_report(session, admin, ReportRequest(ReportKind.needs, period), "en")
        tenders = await gather_report(
            session, admin, ReportRequest(ReportKind.tenders, period), "en"
        )
    async with client_of(app) as client:
        shown = text_of((await client.get("/")).text)
    figures = dict(
        (label.strip(), int(n.replace(",", "")))
        for n, label in re.findall(r"([\d,]+) ([a-z][a-z ,]+?)(?= \d| Kenesh:)", shown)
    )
    assert figures["needs reported"] == needs.figures.total == 6
    assert figures["supports from neighbours"] == needs.figures.supports == 7
    assert figures["needs resolved"] == needs.figures.status_total(NeedStatus.resolved) == 1
    published = tenders.figures.total - tenders.figures.status_total(TenderStatus.draft)
    assert figures["tenders published"] == published == 2
    assert "1 tenders awarded, for 140,000 som" in shown
    assert figures["municipalities where residents or staff took part"] == 2


async def test_the_country_s_figures_are_computed_once_a_while_not_per_reader(database) -> None:
    await clear(database)
    cached = make_app(database, public_cache_seconds=600)
    await create_need(cached, None)
    http = create_http_app(cached)
    transport = httpx.ASGITransport(app=http)
    headers = {"accept-language": "en"}
    async with httpx.AsyncClient(transport=transport, base_url=BASE, headers=headers) as client:
        first = text_of((await client.get("/")).text)
        await create_need(cached, None)
        again = text_of((await client.get("/")).text)
    assert "1 needs reported" in first and "1 needs reported" in again
    fresh = make_app(database, public_cache_seconds=0)
    async with client_of(fresh) as client:
        assert "2 needs reported" in text_of((await client.get("/")).text)


async def test_a_municipality_page_with_its_assets_stays_under_100_kb(app) -> None:
    await seed_municipality(app)
    async with client_of(app) as client:
        page = await client.get(f"/m/{HOME}")
        assets = re.findall(r'(?:href|src)="(/assets/[^"]+)"', page.text)
        sizes = [len((await client.get(a.replace("&amp;", "&"))).content) for a in assets]
    assert assets and "<script" not in page.text
    assert len(page.content) + sum(sizes) < 100_000


async def test_a_municipality_page_is_composed_once_a_while_not_per_reader(database) -> None:
    await clear(database)
    cached = make_app(database, public_cache_seconds=600)
    await create_need(cached, None, description="The first need")
    async with client_of(cached) as client:
        first = (await client.get(f"/m/{HOME}")).text
        await create_need(cached, None, description="A need reported since")
        again = (await client.get(f"/m/{HOME}")).text
    assert "The first need" in first and "A need reported since" not in again
    fresh = make_app(database, public_cache_seconds=0)
    async with client_of(fresh) as client:
        assert "A need reported since" in (await client.get(f"/m/{HOME}")).text
