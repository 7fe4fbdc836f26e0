"""A need's WhatsApp link (wa.me/NUMBER?text=…): the text it pre-fills, sent through Meta's
signed webhook, takes a new person through setup to that need."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from handlers.needs.links import support_links
from tests.bot.channels.whatsapp.conftest import WhatsAppUser, start_whatsapp_bot
from tests.conftest import clear
from tests.factories import create_need, create_resident


async def test_the_prefilled_text_opens_the_need(database, graph) -> None:
    await clear(database)
    bot = await start_whatsapp_bot(database, graph, whatsapp_number="+996 700 000 099")
    try:
        app = bot.app
        need = await create_need(app, await create_resident(app, "r"), description="Dry well")
        link = support_links(app.settings, need.id, "JA-SUZAK-BARPY").whatsapp
        assert link is not None
        parts = urlsplit(link)
        assert (parts.netloc, parts.path) == ("wa.me", "/996700000099")
        text = parse_qs(parts.query)["text"][0]

        user = WhatsAppUser(bot, "996555300300")
        await user.say(text)
        await user.press("English")
        await user.say("Barpy")
        await user.press("Yes")  # the place is right
        await user.press("Yes")  # consent
        assert "Dry well" in user.screen and "Do you support this need too?" in user.screen
        await user.press("Yes")
        assert "Thank you! 1 person now supports this need." in user.screen
        await user.say(text)
        assert "You already support this need." in user.screen
    finally:
        await bot.runtime.stop()
