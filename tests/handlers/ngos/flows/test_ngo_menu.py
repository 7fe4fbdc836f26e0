"""The NGOs and tenders hub: what each person can do about NGOs, in one place."""

from __future__ import annotations

from dataclasses import replace

from bot.wiring import load
from models import OrganizationStatus
from tests.factories import create_staff, onboard
from tests.handlers.ngos.test_ngos import create_organization


async def test_someone_outside_any_ngo_may_register_or_join(app, chat) -> None:
    person = chat("person")
    await onboard(person)
    assert "NGOs and tenders" in person.screen
    await person.choose("NGOs and tenders")
    assert "Register an NGO" in person.screen and "Join an NGO" in person.screen
    assert "Tender subscriptions" not in person.screen and "Open tenders" not in person.screen


async def test_members_of_an_approved_ngo_get_their_entries(app, chat) -> None:
    member = chat("member")
    await onboard(member)
    await create_organization(app, await member.person(), status=OrganizationStatus.approved)
    await member.choose("NGOs and tenders")
    for entry in ("Open tenders", "Tender subscriptions", "Join code for colleagues"):
        assert entry in member.screen
    await member.choose("Tender subscriptions")
    assert "You have no tender subscriptions yet." in member.screen


async def test_open_tenders_shows_only_once_its_flow_exists(app, chat) -> None:
    full = load()
    assert any(e.flow == "open_tenders" and e.menu == "ngo_menu" for e in full.entries)
    without = replace(
        full,
        flows=tuple(f for f in full.flows if f().name != "open_tenders"),
        entries=tuple(e for e in full.entries if e.flow != "open_tenders"),
    )
    app.conversation.flows = without.flow_registry()
    member = chat("member")
    await onboard(member)
    await create_organization(app, await member.person(), status=OrganizationStatus.approved)
    await member.choose("NGOs and tenders")
    assert "Tender subscriptions" in member.screen and "Open tenders" not in member.screen


async def test_staff_see_the_hub_and_their_review_entry(app, chat) -> None:
    staff = await create_staff(app, "officer")
    assert "NGOs and tenders" in staff.screen
    await staff.choose("NGO applications (staff)")  # on the menu's second page
    assert "No NGO applications are waiting." in staff.screen


async def test_members_ask_for_open_tenders_from_the_main_menu(app, chat) -> None:
    member = chat("asker")
    await onboard(member)
    resident = chat("neighbour")
    await onboard(resident)
    assert "Open tenders" not in resident.screen  # only for NGO members
    await create_organization(app, await member.person(), status=OrganizationStatus.approved)
    async with app.sessions() as session, session.begin():
        from models import Person, Role

        stored = await session.get(Person, (await member.person()).id)
        stored.role = Role.ngo_member  # as approval makes them
    await member.say("menu")
    assert "Open tenders" in member.screen
    await member.say("open tenders")  # typed, as an NGO asks
    assert "You do not follow any tenders yet." in member.screen
