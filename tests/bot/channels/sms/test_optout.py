"""STOP, START and HELP in every language; 21610; opted-out numbers get nothing from any sender."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.channels.sms.segments import to_gsm
from bot.channels.sms.stop import INFO, RESUMED, STOPPED
from bot.delivery import notify
from bot.i18n import translator
from models import Address, OutboxMessage, OutboxStatus, Person
from tests.conftest import until

WORDS = {
    "en": ("STOP", "START", "HELP"),
    "ru": ("стоп", "старт", "помощь"),
    "ky": ("токто", "башта", "жардам"),
    "uz": ("to‘xtat", "boshlash", "yordam"),
}
CYRILLIC_UZ = ("тўхтат", "бошлаш", "ёрдам")
LANGUAGE_NUMBER = {"ky": "1", "ru": "2", "uz": "3", "en": "4"}


async def address(bot, phone: str) -> Address:
    async with bot.app.sessions() as session:
        return await session.scalar(select(Address).where(Address.value == phone))


async def queue_notice(bot, phone: str, text: str) -> int:
    async with bot.app.sessions() as session, session.begin():
        found = await session.scalar(select(Address).where(Address.value == phone))
        row = await notify.enqueue(session, await session.get(Person, found.person_id), text)
    bot.runtime.worker.wake()
    return row.id


async def notices(bot) -> list[OutboxMessage]:
    async with bot.app.sessions() as session:
        found = await session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == "notice").order_by(OutboxMessage.id)
        )
        return list(found)


async def worker_done(bot) -> bool:
    """Every notice has its outcome: the worker had its chance to send them."""
    return all(
        r.status not in (OutboxStatus.queued, OutboxStatus.sending) for r in await notices(bot)
    )


@pytest.mark.parametrize("language", list(WORDS))
async def test_stop_start_help_in_every_language(sms_bot, sms_user, language: str) -> None:
    tr = translator(language)
    phone = f"+99655540000{LANGUAGE_NUMBER[language]}"
    user = sms_user(phone)
    await user.say("hi")
    await user.say(LANGUAGE_NUMBER[language])
    stop, start, help_ = WORDS[language]

    (confirmation,) = await user.say(stop)
    assert confirmation["text"] == to_gsm(tr.t(STOPPED))
    assert (await address(sms_bot, phone)).opted_out
    assert await user.say("hello?") == []  # silence until START
    await queue_notice(sms_bot, phone, "A notice")
    assert sms_bot.twilio.sent_to(phone) == []

    await user.say(help_)
    assert to_gsm(tr.t(INFO)) in user.screen  # help is still answered

    await user.say(start)
    assert to_gsm(tr.t(RESUMED)) in user.screen
    assert (
        to_gsm(tr.t("Choose your region, or type the name of your village or town.")) in user.screen
    )
    assert not (await address(sms_bot, phone)).opted_out


async def test_uzbek_cyrillic_words_and_a_repeated_stop(sms_bot, sms_user) -> None:
    phone = "+996555400009"
    user = sms_user(phone)
    await user.say("hi")
    stop, start, _ = CYRILLIC_UZ
    assert len(await user.say(stop)) == 1
    assert (
        await user.say("STOP") == [] or "START" in user.screen
    )  # already stopped: at most a reminder
    await user.say(start)
    assert not (await address(sms_bot, phone)).opted_out


async def test_yes_is_an_answer_for_someone_who_never_stopped(sms_user) -> None:
    user = sms_user("+996555400010")
    await user.say("hi")
    await user.say("4")
    await user.say("Barpy")
    await user.say("yes")  # the place is right
    await user.say("yes")  # the consent question, not START
    assert "Main menu" in user.screen


async def test_21610_from_twilio_marks_the_number_stopped(sms_bot, sms_user) -> None:
    phone = "+996555400011"
    user = sms_user(phone)
    await user.say("hi")
    sms_bot.twilio.unsubscribe(phone)
    await queue_notice(sms_bot, phone, "First notice")
    await queue_notice(sms_bot, phone, "Second notice")
    await until(lambda: worker_done(sms_bot))
    rows = await notices(sms_bot)
    assert [(r.status, (r.error or "")[:11]) for r in rows] == [
        (OutboxStatus.failed, "twilio 2161"),
        (OutboxStatus.skipped, "opted_out"),
    ]
    assert (await address(sms_bot, phone)).opted_out
    assert len(sms_bot.twilio.messages) == 1  # the second was never tried


async def test_notices_go_out_by_rest_with_a_status_callback(sms_bot, sms_user) -> None:
    phone = "+996555400012"
    user = sms_user(phone)
    await user.say("hi")
    await queue_notice(sms_bot, phone, "Your report N-000001 is now: resolved.")
    (sent,) = await sms_bot.twilio.wait_for(1, to=phone)

    async def recorded() -> bool:  # the worker wrote Twilio's answer (the SID) on the row
        async with sms_bot.app.sessions() as session:
            row = await session.scalar(select(OutboxMessage).where(OutboxMessage.kind == "notice"))
        return row.provider_id == sent.sid and row.status == OutboxStatus.sent

    await until(recorded)
    assert sent.body == "Your report N-000001 is now: resolved."
    assert sent.from_ == "+996700000001"
    assert sent.status_callback == "https://kenesh.example/sms/twilio/status"
    status = {"MessageSid": sent.sid, "MessageStatus": "undelivered", "ErrorCode": "30003"}
    assert (await sms_bot.post("/sms/twilio/status", status)).status_code == 204
    async with sms_bot.app.sessions() as session:
        row = await session.scalar(
            select(OutboxMessage).where(OutboxMessage.provider_id == sent.sid)
        )
    assert (row.status, row.provider_status, row.error) == (
        OutboxStatus.failed,
        "undelivered",
        "twilio 30003",
    )


async def test_a_notice_queued_before_stop_is_never_sent_after_it(sms_bot, sms_user) -> None:
    phone = "+996555400013"
    user = sms_user(phone)
    await user.say("hi")
    await sms_bot.runtime.worker.stop()  # the notice waits in the outbox while the person stops
    await queue_notice(sms_bot, phone, "Your report N-000001 is now: resolved.")
    (confirmation,) = await user.say("STOP")
    assert confirmation["text"] == to_gsm(translator("ky").t(STOPPED))  # no language chosen yet
    await sms_bot.runtime.worker.start()
    sms_bot.runtime.worker.wake()
    await until(lambda: worker_done(sms_bot))
    assert [(r.status, r.error) for r in await notices(sms_bot)] == [
        (OutboxStatus.skipped, "opted_out")
    ]
    assert sms_bot.twilio.sent_to(phone) == []  # not even tried


async def test_a_notice_for_a_stopped_number_is_skipped_at_once(sms_bot, sms_user) -> None:
    phone = "+996555400014"
    user = sms_user(phone)
    await user.say("hi")
    await user.say("STOP")
    await sms_bot.runtime.worker.stop()  # no worker: only the queueing itself can skip it
    await queue_notice(sms_bot, phone, "Your report N-000001 is now: resolved.")
    assert [(r.status, r.error) for r in await notices(sms_bot)] == [
        (OutboxStatus.skipped, "opted_out")
    ]
    await sms_bot.runtime.worker.start()


async def test_a_redelivered_stop_or_start_is_answered_once_and_changes_nothing_more(
    sms_bot, sms_user
) -> None:
    phone = "+996555400015"
    user = sms_user(phone)
    await user.say("hi")
    tr = translator("ky")
    stop, start = "SM" + "5" * 32, "SM" + "6" * 32  # Twilio's ids, the same when it retries
    assert [m["text"] for m in await user.say("STOP", sid=stop)] == [to_gsm(tr.t(STOPPED))]
    assert await user.say("STOP", sid=stop) == []  # Twilio delivered it again
    assert (await address(sms_bot, phone)).opted_out
    assert to_gsm(tr.t(RESUMED)) in (await user.say("START", sid=start))[0]["text"]
    assert await user.say("START", sid=start) == []
    assert await user.say("STOP", sid=stop) == []  # the old STOP, late: the START stays
    assert not (await address(sms_bot, phone)).opted_out
