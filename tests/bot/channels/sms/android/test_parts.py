"""A message split into single SMS for Beeline: its outbox row is delivered only when the whole
message is, and failed, with the part named, as soon as any part fails, whatever order the
phone's reports come in."""

from __future__ import annotations

from sqlalchemy import select

from bot.channels.sms.android.sender import part_of
from models import OutboxMessage
from tests.bot.channels.sms.android.conftest import Texter

BEELINE_PHONE = "+996770123456"


async def split_reply(bot, gateway) -> tuple[list[str], int]:
    """The ids of the parts of the first reply to a Beeline number (which the phone sent but has
    not reported on yet), and its outbox row."""
    gateway.reports = False
    person = Texter(bot, BEELINE_PHONE)
    await person.say("Salam")  # the choice of language, in five languages: several SMS
    parts = [m.id for m in gateway.order if BEELINE_PHONE in m.phone_numbers]
    assert len(parts) >= 2 and [part_of(i) for i in parts] == [
        (n, len(parts)) for n in range(1, len(parts) + 1)
    ]
    async with bot.app.sessions() as session:
        row = await session.scalar(select(OutboxMessage))
    assert parts[0].startswith(row.provider_id + ".") and row.status == "sent"
    return parts, row.id


async def report(bot, gateway, event: str, part: str, **extra: str) -> None:
    phone = gateway.phones["dev-barpy"]
    payload = {"messageId": part, "recipient": BEELINE_PHONE, **extra}
    assert (await bot.post(*gateway.signed(phone, event, payload))).status_code == 204


async def row_of(bot, row_id: int) -> OutboxMessage:
    async with bot.app.sessions() as session:
        return await session.get(OutboxMessage, row_id)


async def test_a_split_message_is_delivered_only_when_its_last_part_is(gateway_bot, gateway):
    parts, row_id = await split_reply(gateway_bot, gateway)
    for part in parts[:-1]:
        await report(gateway_bot, gateway, "sms:sent", part)
        await report(gateway_bot, gateway, "sms:delivered", part)
        assert (await row_of(gateway_bot, row_id)).status == "sent"  # not all of it is there
    await report(gateway_bot, gateway, "sms:delivered", parts[-1])
    row = await row_of(gateway_bot, row_id)
    assert (row.status, row.provider_status) == ("delivered", "delivered")
    await report(gateway_bot, gateway, "sms:sent", parts[-1])  # late: changes nothing
    assert (await row_of(gateway_bot, row_id)).status == "delivered"


async def test_one_failed_part_fails_the_message_in_any_order(gateway_bot, gateway):
    parts, row_id = await split_reply(gateway_bot, gateway)
    # the second part fails first; the others, the last included, arrive afterwards
    await report(gateway_bot, gateway, "sms:failed", parts[1], reason="RESULT_ERROR_NO_SERVICE")
    for part in [parts[0], *parts[2:]]:
        await report(gateway_bot, gateway, "sms:delivered", part)
    row = await row_of(gateway_bot, row_id)
    assert row.status == "failed"
    assert row.error == f"android: part 2/{len(parts)}: RESULT_ERROR_NO_SERVICE"
    assert row.provider_status == "failed"
