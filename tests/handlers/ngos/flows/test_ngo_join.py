"""Join codes in the bot: members see and replace theirs; others join with it."""

from __future__ import annotations

from models import Organization, OrganizationStatus, Person, Role
from tests.factories import onboard
from tests.handlers.ngos.test_ngos import create_organization


async def approved_member(chat, app, address: str = "founder"):
    founder = chat(address)
    await onboard(founder)
    organization = await create_organization(
        app, await founder.person(), status=OrganizationStatus.approved
    )
    return founder, organization


async def test_a_colleague_joins_with_the_code_a_member_reads_in_the_bot(app, chat) -> None:
    founder, organization = await approved_member(chat, app)
    await founder.open()
    await founder.choose("NGOs and tenders")
    assert "NGOs and tenders. Your NGO: “Umut”." in founder.screen
    assert "Register an NGO" not in founder.screen and "Join an NGO" not in founder.screen
    await founder.choose("Join code for colleagues")
    assert f"The join code of “Umut”: {organization.join_code}" in founder.screen

    colleague = chat("colleague")
    await onboard(colleague)
    await colleague.choose("NGOs and tenders")
    await colleague.choose("Join an NGO")
    assert "Send the join code of your NGO" in colleague.screen
    await colleague.say("ABCD-EFGH")
    assert "No approved NGO has this code. Check it and send it again." in colleague.screen
    await colleague.say(organization.join_code.lower().replace("-", " "))
    assert (
        "Welcome to “Umut”! You can now subscribe to tenders under “NGOs and tenders” in the menu."
        in colleague.screen
    )
    member = await colleague.person()
    assert member.organization_id == organization.id and member.role == Role.ngo_member


async def test_a_new_code_stops_the_old_one(app, chat) -> None:
    founder, organization = await approved_member(chat, app)
    await founder.choose("NGOs and tenders")
    await founder.choose("Join code for colleagues")
    await founder.choose("Make a new code")
    async with app.sessions() as session:
        fresh = (await session.get(Organization, organization.id)).join_code
    assert fresh != organization.join_code
    assert f"The new join code is {fresh}. The old one no longer works." in founder.screen

    colleague = chat("colleague")
    await onboard(colleague)
    await colleague.choose("NGOs and tenders")
    await colleague.choose("Join an NGO")
    await colleague.say(organization.join_code)
    assert "No approved NGO has this code." in colleague.screen
    await colleague.say(fresh)
    assert "Welcome to “Umut”!" in colleague.screen


async def test_a_pending_ngo_has_no_code_and_its_member_cannot_join_another(app, chat) -> None:
    _, approved = await approved_member(chat, app)
    founder = chat("pending-founder")
    await onboard(founder)
    await create_organization(app, await founder.person(), name="Pending", inn="01503201910013")
    async with app.sessions() as session:
        pending = await session.get(Organization, (await founder.person()).organization_id)
    assert pending.join_code is None
    await founder.choose("NGOs and tenders")
    assert "The application of “Pending” is waiting for review" in founder.screen
    flows = app.conversation.flows
    person: Person = await founder.person()
    assert flows["ngo_join"].allowed(person) is False
    assert flows["ngo_code"].allowed(person) is False
    assert flows["subscriptions"].allowed(person) is False
    assert approved.join_code is not None
