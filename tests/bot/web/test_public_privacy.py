"""No personal data on any public page: a crawl of everything a visitor can reach about a seeded
municipality — the start page, its region and district, its page, every page those link to on
this site (its needs' pages and their photos), and the open data with its CSV and XLSX files
(read as text, the workbook with openpyxl) — finds none of the names, phone numbers or chat ids
of the people who made the data, nor a hidden need's text, a redacted need's original, a need's
place or a written survey answer.

To cover a new public page or file, make it reachable by a link from these, or add its path to
`START`."""

from __future__ import annotations

import io
import re
from collections import deque
from collections.abc import AsyncIterator
from urllib.parse import urljoin, urlsplit

import httpx
import pytest
from openpyxl import load_workbook
from sqlalchemy import update

from bot.http import create_http_app
from models import Need
from tests.conftest import clear, make_app
from tests.factories import HOME
from tests.fakes.telegram_api import FakeTelegram
from tests.photos import jpeg_with_exif
from tests.public_seed import PERSONAL, RESIDENT_NAMES, seed_municipality

BASE = "http://kenesh.test"
START = ("/", "/?in=JA", "/?in=JA-SUZAK", f"/m/{HOME}", "/?q=Barpy", "/data/")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# the channels on, so need pages carry every support link (none of them is about a person)
CHANNELS = {
    "telegram_bot_token": "123456:TEST-token",
    "telegram_bot_username": "KeneshBot",
    "whatsapp_token": "wa-token",
    "whatsapp_phone_number_id": "1234",
    "whatsapp_number": "+996700000099",
    "twilio_account_sid": "AC123",
    "twilio_auth_token": "secret",
    "twilio_from": "+996700000001",
}


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    """The Bot API the need photos are fetched from."""
    server = FakeTelegram()
    await server.start()
    yield server
    await server.stop()


def _as_text(response: httpx.Response) -> str:
    """What a reader finds in a response: a workbook's every cell, an image's every byte."""
    kind = response.headers.get("content-type", "")
    if kind.startswith(XLSX):
        book = load_workbook(io.BytesIO(response.content), read_only=True)
        cells = (v for sheet in book for row in sheet.iter_rows(values_only=True) for v in row)
        return "\n".join(str(v) for v in cells if v is not None)
    if kind.startswith("image/"):
        return response.content.decode("latin-1")
    return response.text


ELSEWHERE = re.compile(r"^/(m/|\?in=)")  # another municipality's pages: not this one's data


def _links(html: str, here: str) -> list[str]:
    found = []
    for href in re.findall(r'(?:href|src)="([^"]+)"', html):
        url = urlsplit(urljoin(BASE + here, href.replace("&amp;", "&")))
        if url.netloc == urlsplit(BASE).netloc:
            found.append(url.path + (f"?{url.query}" if url.query else ""))
    return found


def _own(path: str) -> bool:
    """Whether a crawled path belongs to the seeded municipality (or to no municipality)."""
    if not ELSEWHERE.match(path):
        return True
    return path in START or path.startswith(f"/m/{HOME}")


async def crawl(client: httpx.AsyncClient, languages=("en", "ru")) -> dict[str, str]:
    """Every public page and file reachable from START, in each of `languages`."""
    seen: dict[str, str] = {}
    for language in languages:
        queue = deque(START)
        visited: set[str] = set()
        while queue:
            path = queue.popleft()
            if path in visited or not _own(path):
                continue
            visited.add(path)
            response = await client.get(path, headers={"accept-language": language})
            assert response.status_code in (200, 301, 404), (path, response.status_code)
            if response.status_code == 301:
                queue.append(response.headers["location"])
                continue
            body = _as_text(response)
            seen[f"{language} {path}"] = body
            if "html" in response.headers.get("content-type", ""):
                queue.extend(link for link in _links(body, path) if "lang=" not in link)
    return seen


async def test_no_public_page_shows_anything_about_a_person(database, fake) -> None:
    await clear(database)
    app = make_app(
        database,
        report_min_group=5,
        public_rate=100_000,
        telegram_api_url=fake.base_url,
        **CHANNELS,
    )
    seeded = await seed_municipality(app)
    # photos whose metadata names the resident's phone: the top need's is marked public, the
    # hidden need's too (its page is 404, so is its photo)
    fake.files["photos/seed-photo.jpg"] = jpeg_with_exif(make=RESIDENT_NAMES[0])
    async with app.sessions() as session, session.begin():
        await session.execute(
            update(Need)
            .where(Need.id.in_([seeded.top_need.id, seeded.hidden.id]))
            .values(photo_ref="seed-photo", photo_public=True)
        )
    transport = httpx.ASGITransport(app=create_http_app(app))
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as client:
        pages = await crawl(client)
    municipality_page = pages[f"en /m/{HOME}"]
    # the crawl saw the data (so finding nothing means something)
    assert "The well in the upper quarter is dry" in municipality_page
    assert "A resident asks for a street light" in municipality_page
    assert "Umut Public Foundation" in municipality_page
    assert "Water will be off on Friday" in municipality_page
    assert f"/n/{seeded.top_need.reference}" in municipality_page
    assert len(pages) >= 2 * len(START)
    # the need pages, their photos and the open data files were read too
    top = f"/n/{seeded.top_need.reference}"
    assert "A water truck comes on Mondays" in pages[f"en {top}"]
    assert pages[f"en {top}/photo.jpg"].startswith("\xff\xd8")  # the JPEG itself
    assert "A resident asks for a street light" in pages[f"en /n/{seeded.redacted.reference}"]
    assert "The well in the upper quarter is dry" in pages["en /data/needs.csv"]
    assert "The well in the upper quarter is dry" in pages["en /data/kenesh-open-data.xlsx"]
    assert "Umut Public Foundation" in pages["en /data/tenders.csv"]
    assert "en /data/survey_results.csv" in pages and "en /data/supports.csv" in pages
    assert "en /data/supports_by_group.csv" in pages
    assert "en /data/survey_results_by_group.csv" in pages
    assert "en /open311/v2/requests.json" in pages and "en /ocds/releases.json" in pages
    for name in ("needs", "supports", "tenders", "survey_results"):
        header = pages[f"en /data/{name}.csv"].lstrip("\ufeff").splitlines()[0]
        for column in ("reporter", "person", "phone", "address", "place", "latitude"):
            assert column not in header, (name, column)

    leaks = [(where, text) for where, body in pages.items() for text in PERSONAL if text in body]
    assert leaks == []
    # a hidden need is not listed at all, and neither its page nor its photo is there
    assert seeded.hidden.reference not in municipality_page
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as client:
        for path in (f"/n/{seeded.hidden.reference}", f"/n/{seeded.hidden.reference}/photo.jpg"):
            assert (await client.get(path)).status_code == 404
