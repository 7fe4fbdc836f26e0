"""Tenders by SMS: staff announce one from a basic phone, an SMS subscriber gets the alert through
Twilio, and NGO members read the open tenders — every question within 3 segments, in every
language."""

from __future__ import annotations

import pytest

from bot.channels.sms.segments import count_segments, to_gsm
from bot.i18n import translator
from bot.settings import LANGUAGES
from tests.bot.channels.sms.test_journey import LANGUAGE_NUMBER, assert_within_budget, questions
from tests.factories import category, create_invite_code
from tests.handlers.tenders.flows.test_open_tenders import start_flow
from tests.handlers.tenders.flows.test_tender_new import in_days
from tests.tender_factories import create_member, create_ngo, create_tender_for

__all__ = ["questions"]  # the fixture, shared with the resident journey


async def choose(user, label: str) -> None:
    """Choose `label` as shown: made plain GSM-7 when the whole SMS could be, as is otherwise."""
    plain = to_gsm(label)
    shown = any(line.partition(" ")[2] == plain for line in user.screen.splitlines())
    await user.choose(plain if shown and plain != label else label)


@pytest.mark.parametrize("language", LANGUAGES)
async def test_staff_publish_by_sms_and_the_sms_subscriber_gets_the_alert(
    sms_bot, sms_user, questions, language: str
) -> None:
    tr = translator(language)
    ngo = await create_ngo(sms_bot.app, "Umut")
    reader_phone = f"+99655580000{LANGUAGE_NUMBER[language]}"
    await create_member(
        sms_bot.app, "reader", ngo, language=language, channel="sms", value=reader_phone
    )
    await create_member(sms_bot.app, "other", ngo, language="ky")

    officer = sms_user(f"+99655570000{LANGUAGE_NUMBER[language]}")
    await officer.say(await create_invite_code(sms_bot.app))
    await officer.say(LANGUAGE_NUMBER[language])
    await officer.say("Барпы")
    await choose(officer, tr.t("Yes"))  # the place is right
    await choose(officer, tr.t("Yes"))
    await choose(officer, tr.t("Tenders (staff)"))
    await choose(officer, tr.t("Announce a new tender"))
    await officer.say("Улгайгандарга үйдө кам көрүү")
    await officer.say("Жалгыз жашаган 12 карыяга күн сайын барып, тамак-аш жана дары алып берүү.")
    await choose(officer, (await category(sms_bot.app, "elderly")).name(language))
    await officer.say("150 000")
    await officer.say(in_days(10))
    await officer.say("Айыл өкмөтүнө, 5-бөлмөгө арыз алып келиңиз.")
    await officer.say("0")
    await choose(officer, tr.t("Publish now"))
    published = tr.t("Tender {ref} is published.", ref="T-000001")
    told = tr.tn("{n} NGO member was alerted.", "{n} NGO members were alerted.", 2)
    assert to_gsm(f"{published} {told}") in to_gsm(officer.screen)
    assert len(assert_within_budget(questions)) >= 10

    (alert,) = await sms_bot.twilio.wait_for(1, to=reader_phone)
    heading = tr.t("New tender {ref} of {municipality}: {title}").split("{")[0]
    assert to_gsm(alert.body).startswith(to_gsm(heading))
    assert "T-000001" in alert.body and count_segments(alert.body).count <= 3


@pytest.mark.parametrize("language", LANGUAGES)
async def test_ngo_members_read_open_tenders_by_sms(
    sms_bot, sms_user, questions, language: str
) -> None:
    tr = translator(language)
    ngo = await create_ngo(sms_bot.app, "Umut")
    phone = f"+99655590000{LANGUAGE_NUMBER[language]}"
    await create_member(sms_bot.app, "m", ngo, language=language, channel="sms", value=phone)
    for i in range(9):
        await create_tender_for(
            sms_bot.app, title=f"Улгайгандарга үйдө кам көрүү кызматы, {i + 1}-участок"
        )
    member = sms_user(phone)
    await member.say("menu")
    await start_flow(sms_bot.app, member, "open_tenders")
    assert "T-000001" in member.screen
    await member.say("0")  # the next page
    await member.say("1")
    assert to_gsm(tr.t("Other open tenders")) in to_gsm(member.screen)
    assert to_gsm(tr.t("Budget: {budget}").split("{")[0]) in to_gsm(member.screen)
    assert len(assert_within_budget(questions)) >= 3


@pytest.mark.parametrize("language", LANGUAGES)
async def test_staff_manage_a_tender_by_sms(sms_bot, sms_user, questions, language: str) -> None:
    tr = translator(language)
    await create_tender_for(sms_bot.app, title="Улгайгандарга үйдө кам көрүү кызматы " * 5)
    officer = sms_user(f"+99655575000{LANGUAGE_NUMBER[language]}")
    await officer.say(await create_invite_code(sms_bot.app))
    await officer.say(LANGUAGE_NUMBER[language])
    await officer.say("Барпы")
    await choose(officer, tr.t("Yes"))  # the place is right
    await choose(officer, tr.t("Yes"))
    await choose(officer, tr.t("Tenders (staff)"))
    await officer.say("T-000001")
    await choose(officer, tr.t("Change the deadline"))
    await officer.say(in_days(30))
    await choose(officer, tr.t("Tenders (staff)"))
    await officer.say("T-000001")
    await choose(officer, tr.t("Edit"))
    await choose(officer, tr.t("Budget"))
    await officer.say("175 000")
    await choose(officer, tr.t("Tenders (staff)"))
    await officer.say("T-000001")
    await choose(officer, tr.t("Cancel the tender"))
    await officer.say("Каражат мектептин чатырына жумшалды.")
    await choose(officer, tr.t("Yes"))
    cancelled = tr.t("Tender {ref} is cancelled.", ref="T-000001")
    assert to_gsm(cancelled) in to_gsm(officer.screen)
    assert len(assert_within_budget(questions)) >= 12
