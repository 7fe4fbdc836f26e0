"""The whole resident journey by SMS through a gateway phone, with no Twilio configured at all,
in each language: first message, language, place, consent, a need reported, its status
followed. Every reply is an SMS the phone was asked to send, to that number, in that language."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from bot.channels.sms.segments import to_gsm
from bot.i18n import translator
from bot.settings import LANGUAGES
from handlers.needs.needs import change_status
from models import Address, Need, NeedStatus, Person
from models.need import parse_reference
from tests.bot.channels.sms.android.conftest import BARPY_PHONE
from tests.factories import category, create_staff, person_at

LANGUAGE_NUMBER = {"ky": "1", "ru": "2", "uz": "3", "en": "4"}


def sees(screen: str, text: str) -> bool:
    """Whether `text` is on the screen, as is or made plain GSM-7 (when the whole SMS could be)."""
    return text in screen or to_gsm(text) in screen


def shown(tr, message: str, **values: object) -> str:
    """`message` as an SMS shows it: plain GSM-7 where that is all that keeps it cheap."""
    return to_gsm(tr.t(message, **values))


@pytest.mark.parametrize("language", LANGUAGES)
async def test_a_resident_reports_and_follows_a_need_through_the_gateway_only(
    gateway_bot, gateway, texter, language: str
) -> None:
    settings = gateway_bot.app.settings
    assert not settings.twilio_account_sid and not settings.twilio_from  # the gateway alone
    tr = translator(language)
    phone = f"+99655540000{LANGUAGE_NUMBER[language]}"  # MegaCom: one concatenated SMS a reply
    resident = texter(phone)

    await resident.say("Salam")
    assert "Кыргызча" in resident.screen and "English" in resident.screen
    await resident.say(LANGUAGE_NUMBER[language])
    assert (
        shown(tr, "Choose your region, or type the name of your village or town.")
        in resident.screen
    )
    await resident.say("Барпы")
    assert shown(tr, "{unit} — is that right?", unit="").strip(" —") in resident.screen
    await resident.choose(shown(tr, "Yes"))  # the place is right
    await resident.choose(shown(tr, "Yes"))  # consent
    assert shown(tr, "Main menu. What would you like to do?") in resident.screen

    await resident.choose(shown(tr, "Report a need"))
    await resident.choose(to_gsm((await category(gateway_bot.app, "water")).name(language)))
    await resident.say("Кудукта суу жок, 40 үй-бүлө суу ташыйт.")
    assert (
        shown(tr, "If you have a photo, send it now. Otherwise skip this step.") in resident.screen
    )
    await resident.say("0")  # a basic phone: no photo
    assert shown(tr, "Where is it? Write the village and street.") in resident.screen
    await resident.say("Барпы, Ленин көчөсү 5")
    await resident.choose(shown(tr, "Yes"))
    reference = re.search(r"N-\d{6}", resident.screen).group()
    thanks = "Thank you! Your report has been sent to the municipality. Its number is {ref}."
    assert shown(tr, thanks, ref=reference) in resident.screen

    # a clerk takes it up (in the web workspace or the bot: the same service) …
    officer = await create_staff(gateway_bot.app, f"officer-{language}")
    async with gateway_bot.app.sessions() as session, session.begin():
        staff = await person_at(session, officer.address)
        need = await session.get(Need, parse_reference(reference))
        await change_status(session, staff, need, NeedStatus.in_progress, "Суу ташуучу машина")
    await gateway_bot.drain()
    # … and the resident is told by SMS, from the phone they wrote to
    status = tr.t("in progress")
    notice = tr.t("Your report {ref} is now: {status}.", ref=reference, status=status)
    told = [m for m in gateway.order if phone in m.phone_numbers and sees(m.text, notice)]
    assert len(told) == 1 and told[0].device_id == "dev-barpy"

    # "My reports" shows it with its new status
    await resident.say("menu")
    await resident.choose(shown(tr, "My reports"))
    water = (await category(gateway_bot.app, "water")).name(language)
    assert sees(resident.screen, f"{reference} · {water} · {status}")

    # everything the person got came from Barpy's phone, to their number only
    sent = [m for m in gateway.order if phone in m.phone_numbers]
    assert len(sent) >= 10
    assert all(m.phone_numbers == [phone] and m.device_id == "dev-barpy" for m in sent)
    async with gateway_bot.app.sessions() as session:
        address = await session.scalar(select(Address).where(Address.value == phone))
        person = await session.get(Person, address.person_id)
    assert (address.channel, address.route) == ("sms", "android:barpy")
    assert person.language == language and person.consent == "given"
    assert BARPY_PHONE not in [n for m in sent for n in m.phone_numbers]
