"""Routes of SMS with Twilio and gateway phones both configured: replies by the route the person
used last, bulk by SMS_BULK_ROUTE, newcomers by their municipality's phone or the pool; each
phone paced within Android's allowance."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from collections.abc import AsyncIterator

import pytest
from httpx import ASGITransport, AsyncClient
from sqlalchemy import select

from bot.delivery import notify
from models import Address, ConsentStatus, OutboxMessage, Person, SendWindow
from tests.bot.channels.sms.android.conftest import (
    BARPY_PHONE,
    POOL_PHONE,
    broadcast_to_barpy,
    create_sms_residents,
    devices,
)
from tests.bot.channels.sms.conftest import inbound, start_sms_bot
from tests.conftest import clear
from tests.factories import municipality
from tests.fakes.android_gateway import FakeGateway
from tests.fakes.twilio_api import FakeTwilio


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
async def twilio() -> AsyncIterator[FakeTwilio]:
    server = FakeTwilio()
    await server.start()
    yield server
    await server.stop()


async def both(database, twilio, gateway, **settings):
    """Kenesh with Twilio and the two gateway phones; the phones' webhooks into its app."""
    await clear(database)
    bot = await start_sms_bot(
        database,
        twilio,
        smsgate_url=gateway.base_url,
        smsgate_username=gateway.username,
        smsgate_password=gateway.password,
        smsgate_signing_key=gateway.signing_key,
        smsgate_devices=settings.pop("smsgate_devices", devices(gateway)),
        **settings,
    )

    async def deliver(url: str, body: bytes, headers: dict[str, str]) -> int:
        async with AsyncClient(
            transport=ASGITransport(app=bot.http), base_url="https://kenesh.example"
        ) as client:
            return (await client.post("/sms/android", content=body, headers=headers)).status_code

    gateway.deliver = deliver
    return bot


async def settled(bot, gateway) -> None:
    async with asyncio.timeout(20):
        while True:
            await gateway.settle()
            async with bot.app.sessions() as session:
                waiting = await session.scalar(
                    select(OutboxMessage.id).where(OutboxMessage.status.in_(["queued", "sending"]))
                )
            if waiting is None:
                return
            bot.runtime.worker.wake()
            await asyncio.sleep(0.05)


async def notice(bot, phone: str, text: str) -> None:
    """A notice to the person of `phone` (as a status change of their need would be)."""
    async with bot.app.sessions() as session, session.begin():
        address = await session.scalar(select(Address).where(Address.value == phone))
        person = await session.get(Person, address.person_id)
        await notify.enqueue(session, person, text)
    bot.runtime.worker.wake()


async def test_replies_and_notices_leave_by_the_route_the_person_used_last(
    database, twilio, gateway
) -> None:
    bot = await both(database, twilio, gateway)
    try:
        phone = "+996555123456"
        response = await bot.post("/sms/twilio", inbound(phone, "Salam"))
        assert "<Message" in response.text  # answered in TwiML
        await notice(bot, phone, "Notice one")
        await settled(bot, gateway)
        assert [m.body for m in twilio.messages] == ["Notice one"] and not gateway.order

        await gateway.receive("dev-pool", phone, "2")  # now they text the pool phone
        await settled(bot, gateway)
        await notice(bot, phone, "Notice two")
        await settled(bot, gateway)
        assert [m.device_id for m in gateway.order] == ["dev-pool", "dev-pool"]
        assert gateway.order[-1].text == "Notice two" and len(twilio.messages) == 1
    finally:
        await bot.runtime.stop()


@pytest.mark.parametrize("bulk", ["last", "twilio", "android"])
async def test_bulk_leaves_by_the_configured_route(database, twilio, gateway, bulk: str) -> None:
    bot = await both(database, twilio, gateway, sms_bulk_route=bulk)
    try:
        wrote_to_phone = await create_sms_residents(bot.app, 3, route="android:barpy")
        never_wrote = [f"+99670011{i:04d}" for i in range(3)]
        await _residents(bot, never_wrote, route=None)
        wrote_to_twilio = [f"+99677722{i:04d}" for i in range(3)]
        await _residents(bot, wrote_to_twilio, route="twilio")
        await broadcast_to_barpy(bot.app)
        bot.runtime.worker.wake()
        await settled(bot, gateway)
        by_twilio = {m.to for m in twilio.messages}
        by_phone = {n: m.device_id for m in gateway.order for n in m.phone_numbers}
        if bulk == "twilio":
            assert by_twilio == {*wrote_to_phone, *never_wrote, *wrote_to_twilio}
        elif bulk == "android":
            assert by_twilio == set()
            assert set(by_phone) == {*wrote_to_phone, *never_wrote, *wrote_to_twilio}
        else:
            assert by_twilio == set(wrote_to_twilio)
            assert set(by_phone) == {*wrote_to_phone, *never_wrote}
        if bulk != "twilio":
            # those who never wrote get Barpy's own phone: their municipality's
            assert {by_phone[n] for n in never_wrote} == {"dev-barpy"}
    finally:
        await bot.runtime.stop()


async def _residents(bot, numbers: list[str], route: str | None) -> None:
    place = await municipality(bot.app, "JA-SUZAK-BARPY")
    async with bot.app.sessions() as session, session.begin():
        for number in numbers:
            person = Person(language="ru", municipality_id=place.id, consent=ConsentStatus.given)
            session.add(person)
            await session.flush()
            session.add(Address(person_id=person.id, channel="sms", value=number, route=route))


async def test_a_pool_spreads_newcomers_of_other_places_over_its_phones(
    database, twilio, gateway
) -> None:
    gateway.add_phone("dev-pool2", "+996700000333")
    second = {"name": "pool2", "id": "dev-pool2", "phone": "+996700000333", "rate": 6000}
    pool = [*json.loads(devices(gateway)), second]
    bot = await both(database, twilio, gateway, smsgate_devices=json.dumps(pool))
    try:
        numbers = await create_sms_residents(bot.app, 10, route=None, code="JA-SUZAK-KURMANBEK")
        for number in numbers:
            await notice(bot, number, "Hello")
        await settled(bot, gateway)
        spread = Counter(m.device_id for m in gateway.order)
        assert set(spread) == {"dev-pool", "dev-pool2"} and sum(spread.values()) == 10
        assert not twilio.messages
    finally:
        await bot.runtime.stop()


async def test_each_phone_is_paced_within_androids_allowance(database, twilio, gateway) -> None:
    # Android lets an app send 3 SMS a second here (the fake refuses more); Barpy's phone is
    # declared at 120 a minute, in a send window of its own
    gateway.phones["dev-barpy"].limit, gateway.phones["dev-barpy"].period = 3, 1.0
    declared = json.loads(devices(gateway))
    declared[0]["rate"] = 120
    bot = await both(database, twilio, gateway, smsgate_devices=json.dumps(declared))
    try:
        numbers = await create_sms_residents(bot.app, 8, route="android:barpy")
        await broadcast_to_barpy(bot.app)
        bot.runtime.worker.wake()
        await settled(bot, gateway)
        assert gateway.failures == []
        assert sorted(n for m in gateway.order for n in m.phone_numbers) == sorted(numbers)
        async with bot.app.sessions() as session:
            windows = set(await session.scalars(select(SendWindow.channel)))
        assert "android:barpy" in windows
    finally:
        await bot.runtime.stop()
