"""Open311 fixtures: the real HTTP app under uvicorn on 127.0.0.1, an API key, the georeport
client pointed at it, and residents whose phone numbers and names must never come out."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta

import pytest
import uvicorn
from georeport import GeoReport

from bot.app import App
from bot.http import create_http_app
from handlers.needs.open311.keys import create_api_key
from models import Address, Need, NeedStatus, Organization, Person
from tests.factories import ELSEWHERE, HOME, create_need, create_resident
from tests.processes import free_port

# Everything personal the fixture stores; none of it may appear in any Open311 answer.
PHONES = ["+996555123456", "+996700112233", "+996777000111"]
TELEGRAM_CHAT = "987654321"
NAMES = ["Aigerim Toktogulova", "Айгерим Токтогулова"]


@dataclass
class Served:
    """The Open311 base URL of a running server."""

    url: str

    def client(self, output_format: str = "json", jurisdiction: str | None = None) -> GeoReport:
        """The third-party georeport client, as an outside app would configure it."""
        return GeoReport(self.url, jurisdiction=jurisdiction, output_format=output_format)


@pytest.fixture
async def served(app: App) -> AsyncIterator[Served]:
    """A uvicorn server on a free port of 127.0.0.1, in this event loop, until the test ends."""
    port = free_port()
    config = uvicorn.Config(
        create_http_app(app), host="127.0.0.1", port=port, log_level="warning", lifespan="off"
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    deadline = time.monotonic() + 10
    while not server.started:
        assert not task.done() and time.monotonic() < deadline, "uvicorn did not start"
        await asyncio.sleep(0.01)
    yield Served(f"http://127.0.0.1:{port}/open311/v2")
    server.should_exit = True
    await task


@pytest.fixture
async def api_key(app: App) -> str:
    """A fresh API key of the app "city-portal"."""
    async with app.sessions() as session, session.begin():
        _, key = await create_api_key(session, "city-portal")
    return key


@dataclass
class Reported:
    """The needs the `reported` fixture made, by what they test."""

    water: Need  # open, with a place, coordinates and a Telegram photo
    roads: Need  # resolved, with a staff comment that quotes a phone number
    mms: Need  # open, elsewhere, with an MMS photo link and a phone in its text
    old: Need  # 120 days old: outside the default window


async def _resident(app: App, address: str, phone: str, code: str = HOME) -> Person:
    person = await create_resident(app, address, code=code)
    async with app.sessions() as session, session.begin():
        session.add(Address(person_id=person.id, channel="sms", value=phone))
    return person


@pytest.fixture
async def reported(app: App) -> Reported:
    """Residents reachable by phone and Telegram, an NGO with a contact person, and their needs."""
    first = await _resident(app, "aigerim", PHONES[0])
    second = await _resident(app, "bakyt", PHONES[1], code=ELSEWHERE)
    async with app.sessions() as session, session.begin():
        session.add(Address(person_id=first.id, channel="telegram", value=TELEGRAM_CHAT))
        session.add(
            Organization(
                name="Umut NGO",
                inn="01234567890123",
                contact_name=NAMES[0],
                contact_phone=PHONES[2],
            )
        )
    water = await create_need(app, first, description="The well is dry", category_code="water")
    roads = await create_need(app, first, description="No street lights")
    mms = await create_need(
        app, second, code=ELSEWHERE, description="Call me: 0555 123 456 or 700 112 233"
    )
    old = await create_need(app, second, code=ELSEWHERE, age=timedelta(days=120))
    async with app.sessions() as session, session.begin():
        stored = await session.get(Need, water.id)
        stored.place, stored.latitude, stored.longitude = "Lenin st. 5", 41.08, 72.99
        stored.photo_ref = "AgACAgIAAxkBAAIBZ2Telegram-file-id"
        stored = await session.get(Need, roads.id)
        stored.status = NeedStatus.resolved
        stored.staff_comment = "Fixed. Questions: +996 555 12 34 56"
        stored = await session.get(Need, mms.id)
        stored.photo_ref = "https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1"
    return Reported(water, roads, mms, old)
