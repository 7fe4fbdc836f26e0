"""Quiet hours, end to end through a gateway phone: a broadcast at 22:00 waits until 09:00 and
then goes in order, while a resident who writes at 22:00 is answered at once; an urgent
broadcast goes at 22:00."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from handlers.broadcasts.broadcasts import create_broadcast, queue_broadcast
from models import Audience, AuditEvent, OutboxMessage
from tests.bot.channels.sms.android.conftest import (
    broadcast_to_barpy,
    create_sms_residents,
    start_gateway_bot,
)
from tests.conftest import clear
from tests.factories import municipality

AT_22 = datetime(2026, 12, 1, 16, 0, tzinfo=UTC)  # 22:00 in Bishkek (UTC+6)
AT_09 = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)  # 09:00 the next morning


@pytest.fixture
async def gateway_bot(database, gateway):
    """A gateway bot with the default quiet hours, 20:00-09:00 in Bishkek."""
    await clear(database)
    bot = await start_gateway_bot(database, gateway, quiet_hours="20:00-09:00")
    yield bot
    await bot.runtime.stop()


async def until(condition, timeout: float = 20.0) -> None:
    async with asyncio.timeout(timeout):
        while not await condition():
            await asyncio.sleep(0.05)


async def broadcast_rows(bot) -> list[OutboxMessage]:
    async with bot.app.sessions() as session:
        rows = await session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.broadcast_id.is_not(None))
            .order_by(OutboxMessage.id)
        )
        return list(rows)


async def test_a_broadcast_at_22_waits_until_09_and_a_reply_goes_through(
    gateway_bot, gateway
) -> None:
    worker = gateway_bot.runtime.worker
    clock = {"now": AT_22}
    worker.quiet.clock = lambda: clock["now"]
    numbers = await create_sms_residents(gateway_bot.app, 5)
    await broadcast_to_barpy(gateway_bot.app)
    worker.wake()
    await asyncio.sleep(0.5)  # the worker runs meanwhile: it must hold the broadcast
    assert [row.status for row in await broadcast_rows(gateway_bot)] == ["queued"] * 5

    await gateway.receive("dev-barpy", "+996555999000", "Salam")  # someone writes at 22:00

    async def answered() -> bool:
        return any("+996555999000" in m.phone_numbers for m in gateway.order)

    await until(answered)
    assert not any(n in m.phone_numbers for m in gateway.order for n in numbers)

    clock["now"] = AT_09
    worker.wake()

    async def all_went() -> bool:
        return all(row.status == "delivered" for row in await broadcast_rows(gateway_bot))

    await until(all_went)
    sent = [n for m in gateway.order for n in m.phone_numbers if n in numbers]
    assert sent == numbers  # in the order they were queued


async def test_an_urgent_broadcast_goes_in_quiet_hours_and_is_audited(gateway_bot, gateway) -> None:
    gateway_bot.runtime.worker.quiet.clock = lambda: AT_22
    numbers = await create_sms_residents(gateway_bot.app, 3)
    place = await municipality(gateway_bot.app, "JA-SUZAK-BARPY")
    async with gateway_bot.app.sessions() as session, session.begin():
        broadcast = await create_broadcast(
            session,
            None,
            municipality_id=place.id,
            audience=Audience.residents,
            texts={"ky": "Суу келбейт: эртең 8:00дө чейин."},
            urgent=True,
        )
        await queue_broadcast(session, broadcast)
    gateway_bot.runtime.worker.wake()

    async def all_went() -> bool:
        return all(row.status == "delivered" for row in await broadcast_rows(gateway_bot))

    await until(all_went)
    assert sorted(n for m in gateway.order for n in m.phone_numbers) == sorted(numbers)
    async with gateway_bot.app.sessions() as session:
        actions = list(await session.scalars(select(AuditEvent.action)))
    assert "broadcast_urgent" in actions
