"""A need's SMS code (+N123, sent to the number its page prints) through signed Twilio
webhooks: a new person is set up on a basic phone, then supports that need."""

from __future__ import annotations

from handlers.needs.links import support_links
from tests.bot.channels.sms.conftest import FROM, SmsUser
from tests.factories import create_need, create_resident


async def test_the_short_code_supports_the_need(sms_bot) -> None:
    app = sms_bot.app
    need = await create_need(app, await create_resident(app, "r"), description="Broken bridge")
    links = support_links(app.settings, need.id, "JA-SUZAK-BARPY")
    assert links.sms_number == FROM and links.sms_text == f"+N{need.id}"

    user = SmsUser(sms_bot, "+996555400400")
    await user.say(links.sms_text)
    await user.choose("English")
    await user.say("Barpy")
    await user.choose("Yes")  # the place is right
    await user.choose("Yes")  # consent
    assert "Broken bridge" in user.screen and "Do you support this need too?" in user.screen
    await user.choose("Yes")
    assert "Thank you! 1 person now supports this need." in user.screen
    await user.say(links.sms_text)
    assert "You already support this need." in user.screen
