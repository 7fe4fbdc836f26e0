"""On Telegram, the report's spreadsheet has the figures by group, the small group suppressed."""

from __future__ import annotations

from io import BytesIO

from openpyxl import load_workbook

from handlers.reports.groups import COLUMNS
from models import Role
from tests.bot.channels.telegram.conftest import TelegramUser, start_bot
from tests.conftest import clear
from tests.factories import create_invite_code
from tests.handlers.reports.group_world import create_group_world

CHAT = 7002


async def test_the_bots_spreadsheet_suppresses_the_small_group(database, fake) -> None:
    await clear(database)
    bot = await start_bot(database, fake, webhook=True, report_min_group=5)
    try:
        await create_group_world(bot.app)
        staff = TelegramUser(bot, CHAT)
        await staff.onboard()
        await staff.say(await create_invite_code(bot.app, Role.staff))
        await staff.press("Reports (staff)")
        await staff.press("Needs by category and status")
        await staff.press("Other dates")
        await staff.say("2026-03-01")
        await staff.say("2026-03-31")
        (document,) = [
            c.params for c in fake.calls_to("sendDocument") if c.params["chat_id"] == CHAT
        ]
    finally:
        await bot.runtime.stop()
    sheet = load_workbook(BytesIO(document["document"].data))["Supports by group"]
    rows = list(sheet.iter_rows(values_only=True))
    headers, elderly = rows[0], next(r for r in rows if r[0] == "Support for the elderly")
    assert headers[2 + COLUMNS.index(("age", "18_29"))] == "18–29"
    assert elderly[1] == 13 and elderly[2 + COLUMNS.index(("age", "60_plus"))] == 6
    assert elderly[2 + COLUMNS.index(("age", "18_29"))] == "too few"
    assert 2 not in elderly and 5 not in elderly  # the young men, and the cell beside them
