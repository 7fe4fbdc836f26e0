"""The resident journey on Telegram — buttons, photo, location, contact — by polling and webhook."""

from __future__ import annotations

from sqlalchemy import select

from models import Address, Need
from tests.factories import category


async def test_resident_journey_by_buttons_photo_and_location(bot, telegram_user) -> None:
    user = telegram_user(501)
    await user.say("/start")
    assert "Choose your language" in user.screen
    await user.press("English")
    assert "Choose your region" in user.screen
    await user.press("Jalal-Abad Region")
    await user.press("Suzak District")
    await user.press("Barpy ayil aimak")
    assert "Do you agree?" in user.screen
    await user.press("Yes")
    assert "Main menu" in user.screen
    home = bot.fake.last_markup(501)
    assert home.get("is_persistent") and [b["text"] for b in home["keyboard"][0]] == [
        "Report a need",
        "My reports",
    ]

    await user.press("Report a need")  # a reply-keyboard button: sends its text
    await user.press("Water supply")
    await user.say("The village well has been dry since June.")
    assert "If you have a photo" in user.screen
    await user.send_photo("small-file", "medium-file", "largest-file")
    assert "Where is it?" in user.screen
    markup = bot.fake.last_markup(501)
    assert markup["keyboard"][0][0].get("request_location") is True  # a share-location button
    await user.send_location(40.9333, 72.9833)
    assert "Please check your report:" in user.screen
    await user.press("Yes")
    assert "Thank you! Your report has been sent to the municipality." in user.screen

    async with bot.app.sessions() as session:
        need = await session.scalar(select(Need))
    assert need.photo_ref == "largest-file"
    assert (need.latitude, need.longitude) == (40.9333, 72.9833)
    assert need.category_id == (await category(bot.app, "water")).id
    assert need.reference in user.screen

    # every button press was answered, so no button kept spinning
    presses = [u for u in bot.fake.calls_to("answerCallbackQuery")]
    assert len(presses) == 7


async def test_sharing_ones_own_contact_links_the_phone(bot, telegram_user) -> None:
    user = telegram_user(502)
    await user.say("/start")
    await user.press("English")
    await user.share_contact("+996 555 123 456", user_id=999)  # someone else's card
    assert "Please share your own phone number, not someone else's." in user.screen
    await user.share_contact("+996555123456")
    assert "Your phone number is linked" in user.screen
    assert "Choose your region" in user.screen  # and the question goes on
    async with bot.app.sessions() as session:
        phones = (
            await session.scalars(select(Address.value).where(Address.channel == "sms"))
        ).all()
    assert phones == ["+996555123456"]


async def test_contact_button_in_settings(bot, telegram_user) -> None:
    user = telegram_user(503)
    await user.onboard()
    await user.press("Settings")
    await user.press("Link my phone number")
    assert bot.fake.last_markup(503)["keyboard"][0][0].get("request_contact") is True
    await user.share_contact("0555 000 111")
    assert "Your phone number is linked" in user.screen
    async with bot.app.sessions() as session:
        assert await session.scalar(select(Address).where(Address.value == "+996555000111"))


async def test_invite_deep_link(bot, telegram_user) -> None:
    from tests.factories import create_invite_code

    user = telegram_user(504)
    code = await create_invite_code(bot.app)
    await user.say(f"/start {code}")
    assert "Кош келиңиз!" in user.screen  # newcomers are addressed in the default language


async def test_staff_view_the_photo_through_the_bot(bot, telegram_user) -> None:
    from tests.factories import create_invite_code

    resident = telegram_user(510)
    await resident.onboard()
    await resident.press("Report a need")
    await resident.press("Health")
    await resident.say("The clinic roof leaks onto the beds.")
    await resident.send_photo("thumb", "full-size-photo")
    await resident.press("Skip")
    await resident.press("Yes")
    async with bot.app.sessions() as session:
        need = await session.scalar(select(Need))

    officer = telegram_user(511)
    await officer.say(await create_invite_code(bot.app))
    await officer.press("English")
    await officer.say("Barpy")
    # what a search found is confirmed with buttons before it is stored
    assert "Barpy ayil aimak (Suzak District, Jalal-Abad Region) — is that right?" in officer.screen
    await officer.press("Yes")
    await officer.press("Yes")
    await officer.press("Needs of my municipality (staff)")
    await officer.say(need.reference)
    await officer.press("View photo")
    (photo,) = bot.fake.calls_to("sendPhoto")
    assert photo.params["chat_id"] == 511 and photo.params["photo"] == "full-size-photo"
    assert "Set a new status:" in officer.screen  # and the question is asked again
