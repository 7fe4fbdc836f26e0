"""A running Kenesh whose SMS go through Android gateway phones: the fake gateway on 127.0.0.1
(driven by the real `android-sms-gateway` client), its phones posting signed webhooks into the
whole ASGI stack."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from sqlalchemy import select

from bot.http import create_http_app
from bot.runtime import Runtime
from handlers.broadcasts.broadcasts import queue_broadcast
from models import Address, ConsentStatus, OutboxMessage, Person
from models.base import utcnow
from models.outbox import BULK
from tests.conftest import Database, clear, make_app
from tests.factories import create_home_broadcast, municipality
from tests.fakes.android_gateway import FakeGateway

PUBLIC = "https://kenesh.example"
BARPY_PHONE = "+996555000111"  # the ayil okmotu's office phone (MegaCom)
POOL_PHONE = "+996700000222"


class GatewayBot:
    """The Kenesh process under test, and the fake gateway its phones live on."""

    def __init__(self, runtime: Runtime, gateway: FakeGateway) -> None:
        self.runtime = runtime
        self.app = runtime.app
        self.gateway = gateway
        self.http = create_http_app(self.app, runtime.channels.values())
        gateway.deliver = self.deliver

    async def deliver(self, url: str, body: bytes, headers: dict[str, str]) -> int:
        """A phone's webhook request, into the ASGI app."""
        transport = httpx.ASGITransport(app=self.http)
        async with httpx.AsyncClient(transport=transport, base_url=PUBLIC) as client:
            response = await client.post(urlsplit(url).path, content=body, headers=headers)
        return response.status_code

    async def post(self, body: bytes, headers: dict[str, str]) -> httpx.Response:
        transport = httpx.ASGITransport(app=self.http)
        async with httpx.AsyncClient(transport=transport, base_url=PUBLIC) as client:
            return await client.post("/sms/android", content=body, headers=headers)

    async def drain(self, timeout: float = 10.0) -> None:
        """Until nothing is queued or sending and every phone has reported (bulk that quiet
        hours hold is left waiting)."""
        worker = self.runtime.worker
        async with asyncio.timeout(timeout):
            while True:
                await worker.run_once()
                await self.gateway.settle()
                quiet = worker.quiet is not None and worker.quiet.now()
                held = [OutboxMessage.priority < BULK] if quiet else []
                async with self.app.sessions() as session:
                    waiting = await session.scalar(
                        select(OutboxMessage.id)
                        .where(OutboxMessage.status.in_(["queued", "sending"]), *held)
                        .limit(1)
                    )
                if waiting is None:
                    return
                await asyncio.sleep(0.02)


class Texter:
    """A person with a basic phone, texting a gateway phone."""

    def __init__(self, bot: GatewayBot, phone: str, device: str = "dev-barpy") -> None:
        self.bot = bot
        self.phone = phone
        self.device = device
        self.seen = 0  # messages to this number already read

    def inbox(self) -> list[str]:
        """Every SMS the phones sent to this number, in order."""
        return [m.text for m in self.bot.gateway.order if self.phone in m.phone_numbers]

    @property
    def screen(self) -> str:
        """What arrived since the last message this person sent."""
        return "\n\n".join(self.inbox()[self.seen :])

    async def say(self, text: str) -> str:
        self.seen = len(self.inbox())
        statuses = await self.bot.gateway.receive(self.device, self.phone, text)
        assert statuses and all(status == 204 for status in statuses), statuses
        await self.bot.drain()
        return self.screen

    def key_of(self, label: str) -> str:
        for line in self.screen.splitlines():
            number, _, text = line.partition(" ")
            if number.isdigit() and text == label:
                return number
        raise AssertionError(f"{label!r} is not on screen:\n{self.screen}")

    async def choose(self, label: str, pages: int = 6) -> str:
        """Send the number shown for `label`, sending 0 for more until it shows."""
        for _ in range(pages):
            try:
                return await self.say(self.key_of(label))
            except AssertionError:
                if not any(line.startswith("0 ") for line in self.screen.splitlines()):
                    raise
                await self.say("0")
        raise AssertionError(f"{label!r} never showed:\n{self.screen}")


def devices(gateway: FakeGateway, **extra: Any) -> str:
    """SMSGATE_DEVICES for the fake's two phones: Barpy's own and a pool phone."""
    return json.dumps(
        [
            {
                "name": "barpy",
                "id": "dev-barpy",
                "phone": BARPY_PHONE,
                "rate": 6000,
                "municipalities": ["JA-SUZAK-BARPY"],
                **extra,
            },
            {"name": "pool", "id": "dev-pool", "phone": POOL_PHONE, "rate": 6000},
        ]
    )


async def start_gateway_bot(
    database: Database, gateway: FakeGateway, **settings: Any
) -> GatewayBot:
    values: dict[str, Any] = {
        "public_url": PUBLIC,
        "smsgate_url": gateway.base_url,
        "smsgate_username": gateway.username,
        "smsgate_password": gateway.password,
        "smsgate_signing_key": gateway.signing_key,
        "smsgate_devices": devices(gateway),
    }
    values.update(settings)
    app = make_app(database, **values)
    runtime = Runtime(app)
    runtime.worker.idle_seconds = 0.05
    bot = GatewayBot(runtime, gateway)
    await runtime.start()
    return bot


@pytest.fixture
async def gateway() -> AsyncIterator[FakeGateway]:
    server = FakeGateway(retry_delay=0.05)
    server.retries = 6
    server.add_phone("dev-barpy", BARPY_PHONE)
    server.add_phone("dev-pool", POOL_PHONE)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def gateway_bot(database: Database, gateway: FakeGateway) -> AsyncIterator[GatewayBot]:
    await clear(database)
    bot = await start_gateway_bot(database, gateway)
    yield bot
    await bot.runtime.stop()


@pytest.fixture
def texter(gateway_bot: GatewayBot):
    return lambda phone, device="dev-barpy": Texter(gateway_bot, phone, device)


async def create_sms_residents(
    app, count: int, route: str | None = "android:barpy", code: str = "JA-SUZAK-BARPY"
) -> list[str]:
    """Residents of `code` on SMS who last wrote through `route` (None: never wrote); numbers."""
    place = await municipality(app, code)
    numbers = [f"+99655510{i:04d}" for i in range(count)]
    async with app.sessions() as session, session.begin():
        for number in numbers:
            person = Person(
                language="ky",
                municipality_id=place.id,
                consent=ConsentStatus.given,
                consent_at=utcnow(),
            )
            session.add(person)
            await session.flush()
            session.add(Address(person_id=person.id, channel="sms", value=number, route=route))
    return numbers


async def broadcast_to_barpy(app, text: str = "Бейшемби күнү жыйын болот.") -> int:
    """A broadcast to Barpy's residents, queued now; its id."""
    place = await municipality(app, "JA-SUZAK-BARPY")
    async with app.sessions() as session, session.begin():
        broadcast = await create_home_broadcast(session, place.id, text)
        await queue_broadcast(session, broadcast)
    return broadcast.id
