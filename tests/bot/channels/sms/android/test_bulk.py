"""NGO alerts and staff announcements by SMS with only the Android gateway configured: staff
work from a basic phone through the office phone, and what they publish reaches NGO members and
residents through it, in their languages; in quiet hours an announcement waits unless the
officer marks it urgent (and that is recorded)."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from bot.channels.sms.segments import count_segments, to_gsm
from bot.i18n import translator
from bot.settings import LANGUAGES
from models import Address, AuditEvent, OutboxMessage
from tests.bot.channels.sms.android.conftest import (
    Texter,
    create_sms_residents,
    start_gateway_bot,
)
from tests.conftest import clear
from tests.factories import category, create_invite_code
from tests.handlers.tenders.flows.test_tender_new import in_days
from tests.tender_factories import create_member, create_ngo

LANGUAGE_NUMBER = {"ky": "1", "ru": "2", "uz": "3", "en": "4"}


def span_around(start_hours: int, end_hours: int) -> str:
    """QUIET_HOURS from `start_hours` to `end_hours` from now in Bishkek, whenever this runs."""
    now = datetime.now(ZoneInfo("Asia/Bishkek"))
    start, end = now + timedelta(hours=start_hours), now + timedelta(hours=end_hours)
    return f"{start:%H:%M}-{end:%H:%M}"


@pytest.fixture
async def day_bot(database, gateway):
    """Only the gateway configured, and no quiet hours in the way."""
    await clear(database)
    bot = await start_gateway_bot(database, gateway, quiet_hours=span_around(2, 4))
    yield bot
    await bot.runtime.stop()


@pytest.fixture
async def night_bot(database, gateway):
    """Only the gateway configured, in the middle of quiet hours."""
    await clear(database)
    bot = await start_gateway_bot(database, gateway, quiet_hours=span_around(-2, 2))
    yield bot
    await bot.runtime.stop()


async def choose(person: Texter, label: str) -> None:
    """Send the number shown for `label` (made plain GSM-7 or not), turning pages for it."""
    for _ in range(6):
        for line in person.screen.splitlines():
            number, _, shown = line.partition(" ")
            if number.isdigit() and shown in (label, to_gsm(label)):
                await person.say(number)
                return
        assert "\n0 " in person.screen, f"{label!r} is not on screen:\n{person.screen}"
        await person.say("0")
    raise AssertionError(f"{label!r} never showed")


async def officer_of_barpy(bot, language: str) -> Texter:
    """A staff member of Barpy, invited and onboarded by SMS through Barpy's phone."""
    tr = translator(language)
    officer = Texter(bot, f"+99655570000{LANGUAGE_NUMBER[language]}")
    await officer.say(await create_invite_code(bot.app))
    await officer.say(LANGUAGE_NUMBER[language])
    await officer.say("Барпы")
    await choose(officer, tr.t("Yes"))  # the place is right
    await choose(officer, tr.t("Yes"))
    return officer


async def until(condition, timeout: float = 20.0) -> None:
    async with asyncio.timeout(timeout):
        while not await condition():
            await asyncio.sleep(0.05)


def received(gateway, numbers: list[str]) -> list[str]:
    """The numbers among `numbers` the phones sent something to, in order."""
    return [n for m in gateway.order for n in m.phone_numbers if n in numbers]


@pytest.mark.parametrize("language", LANGUAGES)
async def test_a_tender_published_by_sms_alerts_the_subscribed_ngo_through_the_gateway(
    day_bot, gateway, language: str
) -> None:
    tr = translator(language)
    ngo = await create_ngo(day_bot.app, "Umut")
    reader = f"+99655580000{LANGUAGE_NUMBER[language]}"  # has never written: no route yet
    await create_member(day_bot.app, "reader", ngo, language=language, channel="sms", value=reader)

    officer = await officer_of_barpy(day_bot, language)
    await choose(officer, tr.t("Tenders (staff)"))
    await choose(officer, tr.t("Announce a new tender"))
    await officer.say("Улгайгандарга үйдө кам көрүү")
    await officer.say("Жалгыз жашаган 12 карыяга күн сайын барып, тамак-аш жана дары алып берүү.")
    await choose(officer, (await category(day_bot.app, "elderly")).name(language))
    await officer.say("150 000")
    await officer.say(in_days(10))
    await officer.say("Айыл өкмөтүнө, 5-бөлмөгө арыз алып келиңиз.")
    await officer.say("0")
    await choose(officer, tr.t("Publish now"))
    published = tr.t("Tender {ref} is published.", ref="T-000001")
    assert to_gsm(published) in to_gsm(officer.screen)

    # the alert: from the municipality's own phone (the member never wrote to one), in their
    # language, within 3 segments, and delivered
    (alert,) = [m for m in gateway.order if reader in m.phone_numbers]
    heading = tr.t("New tender {ref} of {municipality}: {title}").split("{")[0]
    assert to_gsm(alert.text).startswith(to_gsm(heading)) and "T-000001" in alert.text
    assert alert.device_id == "dev-barpy" and count_segments(alert.text).count <= 3
    async with day_bot.app.sessions() as session:
        row = await session.scalar(
            select(OutboxMessage).where(OutboxMessage.provider_id == alert.id)
        )
    assert (row.kind, row.status, row.route) == ("tender_published", "delivered", "android:barpy")


@pytest.mark.parametrize("language", LANGUAGES)
async def test_staff_announce_by_sms_and_residents_get_it_through_the_gateway(
    day_bot, gateway, language: str
) -> None:
    tr = translator(language)
    numbers = await create_sms_residents(day_bot.app, 4)  # Kyrgyz readers, wrote to Barpy's …
    async with day_bot.app.sessions() as session, session.begin():
        # … but one, who has never written by SMS
        await session.execute(
            update(Address).where(Address.value == numbers[-1]).values(route=None)
        )
    officer = await officer_of_barpy(day_bot, language)
    await choose(officer, tr.t("Announcement (staff)"))
    await choose(officer, tr.t("Residents"))
    await choose(officer, tr.t("No, continue"))
    await officer.say("Бейшемби күнү саат 10до айыл өкмөттө жыйын болот.")
    await choose(officer, tr.t("That's all, continue"))
    await choose(officer, tr.t("Now"))
    assert tr.t("Urgent") not in officer.screen and "SMS 5" in officer.screen  # and the officer
    await choose(officer, tr.t("Yes"))
    on_its_way = tr.tn(
        "Announcement {id} is on its way to {n} person.",
        "Announcement {id} is on its way to {n} people.",
        5,
        id=1,
    )
    assert to_gsm(on_its_way) in to_gsm(officer.screen)

    expected = "Барпы айыл аймагы: Бейшемби күнү саат 10до айыл өкмөттө жыйын болот."
    for number in numbers:
        (message,) = [m for m in gateway.order if m.phone_numbers == [number]]
        assert message.text == expected and message.device_id == "dev-barpy"
    async with day_bot.app.sessions() as session:
        statuses = list(
            await session.scalars(
                select(OutboxMessage.status).where(OutboxMessage.broadcast_id.is_not(None))
            )
        )
    assert statuses == ["delivered"] * 5


@pytest.mark.parametrize("language", LANGUAGES)
async def test_in_quiet_hours_an_announcement_waits_and_an_urgent_one_goes_and_is_audited(
    night_bot, gateway, language: str
) -> None:
    tr = translator(language)
    numbers = await create_sms_residents(night_bot.app, 3)
    officer = await officer_of_barpy(night_bot, language)

    async def announce(text: str, answer: str) -> None:
        await choose(officer, tr.t("Announcement (staff)"))
        await choose(officer, tr.t("Residents"))
        await choose(officer, tr.t("No, continue"))
        await officer.say(text)
        await choose(officer, tr.t("That's all, continue"))
        await choose(officer, tr.t("Now"))
        options = "\n".join(["", "1 " + tr.t("Yes"), "2 " + tr.t("Urgent"), "3 " + tr.t("No")])
        assert options in officer.screen or to_gsm(options) in officer.screen
        assert count_segments(officer.screen).count <= 3  # the preview, on a basic phone
        await choose(officer, tr.t(answer))

    await announce("Бейшемби күнү жыйын болот.", "Yes")
    end = night_bot.app.settings.quiet_hours.split("-")[1]
    assert to_gsm(tr.t("Quiet hours: it goes out at {end}.", end=end)) in officer.screen
    await night_bot.drain()  # the worker runs: the announcement is held
    assert received(gateway, numbers) == []

    await announce("Завтра с 8:00 не будет воды: ремонт водопровода.", "Urgent")
    assert tr.t("Urgent") not in officer.screen

    async def urgent_delivered() -> bool:
        await night_bot.drain()
        async with night_bot.app.sessions() as session:
            rows = list(
                await session.scalars(
                    select(OutboxMessage.status).where(OutboxMessage.broadcast_id == 2)
                )
            )
        return rows == ["delivered"] * 4  # the three and the officer

    await until(urgent_delivered)
    texts = [m.text for m in gateway.order if m.phone_numbers[0] in numbers]
    assert len(texts) == 3 and all("не будет воды" in text for text in texts)
    async with night_bot.app.sessions() as session:
        held = list(
            await session.scalars(
                select(OutboxMessage.status).where(OutboxMessage.broadcast_id == 1)
            )
        )
        audited = list(
            await session.scalars(
                select(AuditEvent.detail).where(AuditEvent.action == "broadcast_urgent")
            )
        )
    assert held == ["queued"] * 4 and audited == ["broadcast=2"]
