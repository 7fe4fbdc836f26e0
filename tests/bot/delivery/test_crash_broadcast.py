"""The issue's acceptance run: a 5,000-recipient broadcast over Telegram and SMS, against fake
servers that enforce the configured rates, with `kenesh serve` SIGKILLed in the middle and
started again. Every recipient gets the message; the only repeats are messages that were on
their way at the kill (sent, outcome not yet written); the author gets one report."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
from collections import Counter

from sqlalchemy import select

from handlers.broadcasts.broadcasts import create_broadcast, queue_broadcast
from models import (
    Address,
    Audience,
    Broadcast,
    BroadcastStatus,
    OutboxMessage,
    OutboxStatus,
    Person,
    Role,
)
from models.db import create_engine, create_sessionmaker
from tests.bot.delivery.crowd import add_residents
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.twilio_api import FakeTwilio
from tests.processes import KENESH, free_port, kenesh

PEOPLE = 5_000
FIRST_CHAT = 7_000_000
AUTHOR_CHAT = 6_999_999
RATE = 250  # per channel: the run takes about 10 seconds of sending
TEXTS = {
    "ky": "Коомдук угуу 5-декабрда саат 10до.",
    "ru": "Общественные слушания 5 декабря в 10:00.",
}


async def prepare(url: str) -> None:
    """5,000 residents (every other one on SMS), a staff author on Telegram, the broadcast queued."""
    engine = create_engine(url)
    async with create_sessionmaker(engine)() as session, session.begin():
        home = await add_residents(session, PEOPLE, FIRST_CHAT, sms_every=2)
        author = Person(language="ru", role=Role.staff, staff_municipality_id=home, consent="given")
        session.add(author)
        await session.flush()
        session.add(Address(person_id=author.id, channel="telegram", value=str(AUTHOR_CHAT)))
        broadcast = await create_broadcast(
            session, author, municipality_id=home, audience=Audience.residents, texts=TEXTS
        )
        assert await queue_broadcast(session, broadcast) == PEOPLE
    await engine.dispose()


async def sending_now(url: str) -> set[str]:
    """Addresses of the messages a dead process left `sending`."""
    engine = create_engine(url)
    async with create_sessionmaker(engine)() as session:
        values = await session.scalars(
            select(Address.value)
            .join(OutboxMessage, OutboxMessage.address_id == Address.id)
            .where(OutboxMessage.status == OutboxStatus.sending)
        )
        result = set(values.all())
    await engine.dispose()
    return result


async def final_state(url: str) -> tuple[Counter, BroadcastStatus]:
    engine = create_engine(url)
    async with create_sessionmaker(engine)() as session:
        states = Counter(
            str(status)
            for status in (
                await session.scalars(
                    select(OutboxMessage.status).where(OutboxMessage.broadcast_id.is_not(None))
                )
            ).all()
        )
        status = await session.scalar(select(Broadcast.status))
    await engine.dispose()
    return states, status


def serve(env: dict[str, str], telegram: FakeTelegram, twilio: FakeTwilio) -> subprocess.Popen:
    settings = {
        "TELEGRAM_BOT_TOKEN": "123456:TEST-token",
        "TELEGRAM_API_URL": telegram.base_url,
        "TELEGRAM_POLLING_TIMEOUT": "1",
        "TELEGRAM_RATE": str(RATE),
        "TELEGRAM_PAID_BROADCAST": "true",
        "TWILIO_ACCOUNT_SID": twilio.account_sid,
        "TWILIO_AUTH_TOKEN": twilio.auth_token,
        "TWILIO_FROM": "+996700000001",
        "TWILIO_API_URL": twilio.base_url,
        "PUBLIC_URL": "http://127.0.0.1:9",
        "SECRET_KEY": "crash-test-secret-key-of-32-characters",
        "TELEGRAM_WEBHOOK_SECRET": "crash-test-secret",  # a public URL means webhook mode
        "SMS_RATE": str(RATE),
        # a killed process's messages go back after its lease; it must outlast one send
        "OUTBOX_STALE_SECONDS": "12",
        "SEND_TIMEOUT_SECONDS": "2",
        "SCHEDULE_TICK_SECONDS": "0.5",
        "HTTP_PORT": str(free_port()),
    }
    return subprocess.Popen([*KENESH, "serve"], env={**env, **settings}, stdout=subprocess.DEVNULL)


def deliveries(telegram: FakeTelegram, twilio: FakeTwilio) -> Counter:
    """Successful sends per recipient, the author's report left out."""
    chats = Counter(
        str(call.params["chat_id"])
        for call in telegram.calls_to("sendMessage")
        if call.ok and call.params["chat_id"] != AUTHOR_CHAT
    )
    return chats + Counter(message.to for message in twilio.messages if message.ok)


async def test_5000_recipients_sigkill_restart_each_delivered_once_and_author_told(
    cli_env,
) -> None:
    assert kenesh(cli_env, "db", "upgrade").returncode == 0
    assert kenesh(cli_env, "seed").returncode == 0
    url = cli_env["DATABASE_URL"]
    await prepare(url)
    telegram = FakeTelegram(max_poll_wait=0.2, rate=30, paid_rate=RATE, per_chat=1)
    twilio = FakeTwilio(rate=RATE)
    await telegram.start()
    await twilio.start()
    try:
        process = serve(cli_env, telegram, twilio)
        while sum(deliveries(telegram, twilio).values()) < 0.4 * PEOPLE:
            assert process.poll() is None, "the server died by itself"
            await asyncio.sleep(0.02)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        await asyncio.sleep(0.2)  # requests already on the wire reach the fakes
        in_flight = await sending_now(url)
        at_kill = deliveries(telegram, twilio)
        assert len(at_kill) < PEOPLE, "the kill came too late to test anything"

        process = serve(cli_env, telegram, twilio)
        try:
            for _ in range(3000):
                if len(deliveries(telegram, twilio)) == PEOPLE and telegram.sent_to(AUTHOR_CHAT):
                    break
                assert process.poll() is None, "the restarted server died"
                await asyncio.sleep(0.05)
            await asyncio.sleep(1.0)  # a second report would come by now
        finally:
            process.terminate()
            process.wait(timeout=30)
    finally:
        await telegram.stop()
        await twilio.stop()

    counts = deliveries(telegram, twilio)
    assert len(counts) == PEOPLE, f"lost: {PEOPLE - len(counts)}"
    repeated = {recipient for recipient, n in counts.items() if n > 1}
    # a repeat is only ever a message that had gone out but was still `sending` at the kill
    assert repeated <= (in_flight & set(at_kill)), repeated - (in_flight & set(at_kill))
    assert all(counts[recipient] == 2 for recipient in repeated)
    assert sum(call.params.get("allow_paid_broadcast") is True for call in telegram.calls) > 0

    states, status = await final_state(url)
    assert states == Counter({"sent": PEOPLE}) and status == BroadcastStatus.done
    [report] = telegram.sent_to(AUTHOR_CHAT)  # exactly one, in the author's Russian
    text = report.params["text"]
    assert "завершена" in text and text.count("отправлено: 2500") == 2, text  # SMS and Telegram
