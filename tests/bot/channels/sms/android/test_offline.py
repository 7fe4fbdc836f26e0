"""A gateway phone that goes offline mid-broadcast: nothing lost, nothing twice, no attempt
spent while it is off; /metrics and the staff view show it; its messages wait or move."""

from __future__ import annotations

import asyncio
from collections import Counter

import httpx
from sqlalchemy import select

from bot.delivery.routes import offline_waiting, route_status
from models import OutboxMessage
from tests.bot.channels.sms.android.conftest import (
    PUBLIC,
    broadcast_to_barpy,
    create_sms_residents,
    start_gateway_bot,
)
from tests.conftest import clear

RECIPIENTS = 20


def phones(bot):
    """The gateway senders, made quick for a test: no backoff, a probe each claim."""
    senders = bot.runtime.channels["sms"].gateway.senders
    for sender in senders:
        sender.backoff = ()
        sender.probe_seconds = 0.0
    return {sender.device.name: sender for sender in senders}


async def until(condition, timeout: float = 20.0) -> None:
    async with asyncio.timeout(timeout):
        while not await condition():
            await asyncio.sleep(0.05)


async def rows(bot, broadcast_id: int) -> list[OutboxMessage]:
    async with bot.app.sessions() as session:
        found = await session.scalars(
            select(OutboxMessage).where(OutboxMessage.broadcast_id == broadcast_id)
        )
        return list(found)


async def metrics(bot) -> str:
    transport = httpx.ASGITransport(app=bot.http)
    async with httpx.AsyncClient(transport=transport, base_url=PUBLIC) as client:
        return (await client.get("/metrics")).text


async def test_a_phone_going_offline_mid_broadcast_loses_nothing_and_resumes(
    gateway_bot, gateway
) -> None:
    engine = gateway_bot.app.engine
    phones(gateway_bot)
    numbers = await create_sms_residents(gateway_bot.app, RECIPIENTS)
    gateway.offline_after(8, "dev-barpy")
    broadcast = await broadcast_to_barpy(gateway_bot.app)
    gateway_bot.runtime.worker.wake()

    async def offline() -> bool:
        status = await route_status(engine, "android:barpy")
        return status is not None and not status.online

    await until(offline)
    await asyncio.sleep(0.3)  # the worker keeps going meanwhile: it must claim nothing
    waiting = [
        row for row in await rows(gateway_bot, broadcast) if row.status in ("queued", "sending")
    ]
    assert len(waiting) == RECIPIENTS - 8
    assert all(row.attempts <= 2 for row in waiting)  # the offline time spent no attempts
    assert 'kenesh_route_online{channel="sms",route="android:barpy"} 0.0' in await metrics(
        gateway_bot
    )
    async with gateway_bot.app.sessions() as session:
        ((route, count),) = await offline_waiting(session, broadcast)
    assert (route.route, count) == ("android:barpy", RECIPIENTS - 8)

    await gateway.offline(False)

    async def all_delivered() -> bool:
        return all(row.status == "delivered" for row in await rows(gateway_bot, broadcast))

    await until(all_delivered)
    received = Counter(number for m in gateway.order for number in m.phone_numbers)
    assert received == Counter(numbers)  # each once
    assert {m.device_id for m in gateway.order} == {"dev-barpy"}
    assert 'kenesh_route_online{channel="sms",route="android:barpy"} 1.0' in await metrics(
        gateway_bot
    )


async def test_with_move_the_messages_of_an_offline_phone_go_by_another(database, gateway) -> None:
    await clear(database)
    bot = await start_gateway_bot(database, gateway, smsgate_offline="move")
    try:
        phones(bot)["barpy"].probe = _never  # it stays off
        numbers = await create_sms_residents(bot.app, RECIPIENTS)
        gateway.offline_after(5, "dev-barpy")
        broadcast = await broadcast_to_barpy(bot.app)
        bot.runtime.worker.wake()

        async def all_delivered() -> bool:
            return all(row.status == "delivered" for row in await rows(bot, broadcast))

        await until(all_delivered)
        received = Counter(number for m in gateway.order for number in m.phone_numbers)
        assert received == Counter(numbers)
        by_phone = Counter(m.device_id for m in gateway.order)
        assert by_phone["dev-barpy"] == 5 and by_phone["dev-pool"] == RECIPIENTS - 5
    finally:
        await bot.runtime.stop()


async def _never() -> bool:
    return False
