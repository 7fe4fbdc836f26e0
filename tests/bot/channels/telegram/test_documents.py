"""A CSV of phone numbers sent as a file on Telegram enrols them, as pasted lines would."""

from __future__ import annotations

from sqlalchemy import func, select

from models import Beneficiary
from tests.bot.channels.telegram.conftest import TelegramUser
from tests.factories import create_invite_code
from tests.handlers.surveys.test_services import create_delivered_service

CSV = "phone,language\n0555 100 200,ky\nnot a phone,ru\n+996700123456,ru\n".encode("utf-8-sig")


async def enrol_by_file(bot, user: TelegramUser, name: str, mime: str, data: bytes) -> None:
    file_id = f"doc-{user.chat_id}"
    bot.fake.files[f"photos/{file_id}.jpg"] = data  # where the fake serves getFile's path
    await user._act(bot.fake.message(user.chat_id, document=(file_id, name, mime, len(data))))


async def test_a_csv_file_enrols_its_phone_numbers(bot) -> None:
    service = await create_delivered_service(bot.app)
    staff = TelegramUser(bot, 9301)
    await staff.onboard()
    await staff.say(await create_invite_code(bot.app))
    await staff.press("Services and surveys (staff)")
    await staff.press(f"#{service.id} · Home care")
    await staff.press("Add beneficiaries (phone numbers)")
    await enrol_by_file(bot, staff, "beneficiaries.csv", "text/csv", CSV)
    assert "Added: 2." in staff.screen
    assert "Not a phone number (line: text): 3: not a phone" in staff.screen
    async with bot.app.sessions() as session:
        enrolled = await session.scalar(select(func.count()).select_from(Beneficiary))
    assert enrolled == 2


async def test_a_photo_sent_as_a_file_is_not_read_as_text(bot) -> None:
    service = await create_delivered_service(bot.app)
    staff = TelegramUser(bot, 9302)
    await staff.onboard()
    await staff.say(await create_invite_code(bot.app))
    await staff.press("Services and surveys (staff)")
    await staff.press(f"#{service.id} · Home care")
    await staff.press("Add beneficiaries (phone numbers)")
    await enrol_by_file(bot, staff, "list.jpg", "image/jpeg", b"\xff\xd8\xff+996700123456")
    async with bot.app.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Beneficiary)) == 0
    assert "Added" not in staff.screen
