"""Tender subscriptions in the bot: add municipalities × sectors on a channel, list, remove one,
pause and resume all — and subscribers() follows every change."""

from __future__ import annotations

from handlers.ngos.subscriptions import subscribers, subscriptions_of
from models import OrganizationStatus
from tests.factories import ELSEWHERE, HOME, category, municipality, onboard
from tests.handlers.ngos.test_ngos import create_organization


async def test_a_member_subscribes_lists_removes_pauses_and_resumes(app, chat) -> None:
    member = chat("member")
    await onboard(member)
    await member.say("/contact 0555 123 456")  # now reachable by SMS too
    await create_organization(app, await member.person(), status=OrganizationStatus.approved)
    home, elsewhere = await municipality(app, HOME), await municipality(app, ELSEWHERE)
    education, youth = await category(app, "education"), await category(app, "youth")

    await member.choose("NGOs and tenders")
    await member.choose("Tender subscriptions")
    await member.choose("Add subscriptions")
    assert "Tenders of which municipalities?" in member.screen
    await member.choose(home.name_en)  # the NGO's own municipality is offered
    assert f"Chosen: {home.name_en}" in member.screen
    await member.choose("Another municipality")
    await member.say("Pokrovka")
    assert f"Chosen: {home.name_en}, {elsewhere.name_en}" in member.screen
    await member.choose("That's all, continue")
    assert "Tenders in which sectors?" in member.screen
    assert member.key_of(education.name_en) == "1"  # the NGO's own sector first
    await member.choose(education.name_en)
    await member.choose(youth.name_en)
    await member.choose("That's all, continue")
    assert "Where should the alerts come?" in member.screen
    assert member.key_of("Terminal simulator") == "1"  # the channel in use first
    await member.choose("SMS")
    assert "Channel: SMS" in member.screen
    await member.choose("Yes")
    assert "4 new subscriptions." in member.screen
    assert f"{home.name_en} · {education.name_en} · SMS" in member.screen

    person = await member.person()
    async with app.sessions() as session:
        found = await subscribers(session, home.id, education.id)
        assert [(p.id, channel) for p, channel in found] == [(person.id, "sms")]

    await member.choose("Pause all")
    assert "Paused: no tender alerts come until you resume them." in member.screen
    assert f"{home.name_en} · {education.name_en} · SMS (paused)" in member.screen
    async with app.sessions() as session:
        assert await subscribers(session, home.id, education.id) == []
    await member.choose("Resume all")
    assert "Resumed: tender alerts come again." in member.screen

    await member.choose("Remove a subscription")
    await member.choose(f"{home.name_en} · {education.name_en} · SMS")
    assert "The subscription is removed." in member.screen
    async with app.sessions() as session:
        assert await subscribers(session, home.id, education.id) == []
        assert len(await subscriptions_of(session, person)) == 3
    await member.choose("Done")
    assert "Main menu." in member.screen


async def test_with_one_channel_none_is_asked_and_saying_no_changes_nothing(app, chat) -> None:
    member = chat("member")
    await onboard(member)
    await create_organization(app, await member.person(), status=OrganizationStatus.approved)
    await member.choose("NGOs and tenders")
    await member.choose("Tender subscriptions")
    await member.choose("Add subscriptions")
    for answer in ("1", "1", "1", "1"):  # Barpy, continue, Education, continue
        await member.say(answer)
    assert "Where should the alerts come?" not in member.screen
    assert "Channel: Terminal simulator" in member.screen  # its name, never the code
    await member.choose("No")
    assert "Nothing changed." in member.screen
    assert "You have no tender subscriptions yet." in member.screen
