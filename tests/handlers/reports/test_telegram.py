"""On Telegram a report arrives as a picture (sendPhoto, the summary as its caption) and a
spreadsheet (sendDocument), uploaded to the Bot API."""

from __future__ import annotations

from io import BytesIO

from openpyxl import load_workbook
from PIL import Image

from models import Role
from tests.bot.channels.telegram.conftest import TelegramUser
from tests.factories import create_invite_code
from tests.handlers.reports.world import create_world

CHAT = 7001


async def test_staff_get_the_chart_and_the_spreadsheet(webhook_bot) -> None:
    app = webhook_bot.app
    await create_world(app)
    staff = TelegramUser(webhook_bot, CHAT)
    await staff.onboard()
    await staff.say(await create_invite_code(app, Role.staff))
    await staff.press("Reports (staff)")
    await staff.press("Needs by category and status")
    await staff.press("Other dates")
    await staff.say("2026-03-01")
    await staff.say("2026-03-31")

    photos = [c for c in webhook_bot.fake.calls_to("sendPhoto") if c.params["chat_id"] == CHAT]
    documents = [
        c for c in webhook_bot.fake.calls_to("sendDocument") if c.params["chat_id"] == CHAT
    ]
    assert len(photos) == 1 and len(documents) == 1
    photo, document = photos[0].params, documents[0].params
    assert photo["caption"].startswith("Barpy ayil aimak, 01/03/2026 – 31/03/2026: 6 needs")
    upload = photo["photo"]
    assert upload.filename == "kenesh-needs-2026-03-01_2026-03-31.png"
    with Image.open(BytesIO(upload.data)) as image:
        assert image.format == "PNG" and image.size[0] >= 600
    sheet = document["document"]
    assert sheet.filename == "kenesh-needs-2026-03-01_2026-03-31.xlsx"
    assert document["caption"] == "The same figures as a spreadsheet."
    rows = list(load_workbook(BytesIO(sheet.data)).worksheets[0].iter_rows(values_only=True))
    assert rows[-1] == ("Total", 2, 1, 1, 1, 1, 6, 4)
    assert "Main menu" in staff.screen  # the menu follows the files
