"""Staff at work over WhatsApp, in every language: an announcement composed, previewed and
sent to residents who each read it in their own language; a report that arrives as a picture
and a spreadsheet uploaded through the media endpoint; a contact card shared as a phone."""

from __future__ import annotations

from io import BytesIO

import pytest
from openpyxl import load_workbook
from PIL import Image
from sqlalchemy import select

from bot.i18n import LANGUAGE_NAMES, translator
from bot.settings import LANGUAGES
from models import Address, Organization, Role
from tests.factories import create_invite_code, create_resident
from tests.handlers.reports.world import create_world

TEXTS = {
    "ky": "Бюджет боюнча коомдук угуу жума күнү саат 10:00до.",
    "ru": "Публичные слушания по бюджету в пятницу в 10:00.",
    "uz": "Byudjet bo‘yicha ommaviy tinglov juma kuni soat 10:00da.",
    "en": "Public hearing on the budget on Friday at 10:00.",
}


async def staff_member(wa_user, wa_bot, wa_id: str, language: str):
    """Someone who wrote from WhatsApp with a staff invite code and chose their language."""
    tr = translator(language)
    officer = wa_user(wa_id)
    await officer.say(await create_invite_code(wa_bot.app, Role.staff))
    await officer.press(LANGUAGE_NAMES[language])
    await officer.say("Барпы")
    await officer.press(tr.t("Yes"))  # the place is right
    await officer.press(tr.t("Yes"))
    return officer


@pytest.mark.parametrize("language", LANGUAGES)
async def test_staff_announce_over_whatsapp_and_each_resident_reads_their_language(
    wa_bot, wa_user, language: str
) -> None:
    tr = translator(language)
    index = LANGUAGES.index(language)
    readers = {}
    for number, code in enumerate(LANGUAGES):
        wa_id = f"9965557{index}{number}000"
        await create_resident(wa_bot.app, "+" + wa_id, language=code, channel="whatsapp")
        wa_bot.graph.opened(wa_id)  # each wrote today: the window is open
        readers[code] = wa_user(wa_id)
    officer = await staff_member(wa_user, wa_bot, f"9965558{index}0000", language)

    await officer.choose(tr.t("Announcement (staff)"), language)
    await officer.choose(tr.t("Residents"), language)
    await officer.choose(tr.t("No, continue"), language)
    await officer.say(TEXTS[language])
    for other in LANGUAGES:
        if other != language:
            await officer.choose(LANGUAGE_NAMES[other], language)
            await officer.say(TEXTS[other])
    await officer.choose(tr.t("That's all, continue"), language)
    await officer.choose(tr.t("Now"), language)
    preview = officer.screen
    assert "WhatsApp" in preview  # the preview counts the WhatsApp recipients
    await officer.choose(tr.t("Yes"), language)
    await wa_bot.settle()

    for code, reader in readers.items():
        received = [m.text for m in reader.catch_up()]
        assert len(received) == 1 and received[0].endswith(TEXTS[code]), (code, received)
    assert wa_bot.graph.refused == []


@pytest.mark.parametrize("language", LANGUAGES)
async def test_a_report_over_whatsapp_is_a_chart_and_a_spreadsheet(
    wa_bot, wa_user, language: str
) -> None:
    tr = translator(language)
    await create_world(wa_bot.app)
    officer = await staff_member(
        wa_user, wa_bot, f"99655583{LANGUAGES.index(language)}0000", language
    )
    await officer.choose(tr.t("Reports (staff)"), language)
    await officer.choose(tr.t("Needs by category and status"), language)
    await officer.choose(tr.t("Other dates"), language)
    await officer.say("2026-03-01")
    await officer.say("2026-03-31")
    await wa_bot.settle()

    received = wa_bot.graph.sent_to(officer.wa_id)
    images = [m for m in received if m.type == "image"]
    documents = [m for m in received if m.type == "document"]
    assert len(images) == 1 and len(documents) == 1
    mime, data = wa_bot.graph.media[images[0].body["image"]["id"]]  # uploaded, then sent
    assert mime == "image/png"
    with Image.open(BytesIO(data)) as image:
        assert image.format == "PNG" and image.size[0] >= 600
    assert "2026" in images[0].body["image"]["caption"]  # the summary, as its caption
    sheet = documents[0].body["document"]
    assert sheet["filename"] == "kenesh-needs-2026-03-01_2026-03-31.xlsx"
    _, data = wa_bot.graph.media[sheet["id"]]
    rows = list(load_workbook(BytesIO(data)).worksheets[0].iter_rows(values_only=True))
    assert rows[-1][1:] == (2, 1, 1, 1, 1, 6, 4)  # the same figures as on Telegram
    assert wa_bot.graph.refused == []


async def test_a_shared_contact_card_is_taken_as_the_ngos_phone(wa_bot, wa_user) -> None:
    founder = wa_user("996555840000")
    await founder.onboard()
    await founder.choose("NGOs and tenders")
    await founder.choose("Register an NGO")
    for answer in ("Umut", "01503201910012", "Aigul Osmonova"):
        await founder.say(answer)
    await founder.share_contact("+996 700 123 456")  # the NGO's office phone, from the phonebook
    await founder.say("Барпы")
    await founder.choose("That's all, continue")
    await founder.choose("Education")
    await founder.choose("That's all, continue")
    await founder.choose("Yes")
    async with wa_bot.app.sessions() as session:
        organization = await session.scalar(select(Organization))
        phones = (await session.scalars(select(Address.value))).all()
    assert organization.contact_phone == "+996700123456"
    assert "+996700123456" not in phones  # someone else's number is not the founder's address
