"""Staff review NGO applications of their municipality in the bot; members are told."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.audit import PermissionDenied
from handlers.ngos.ngos import approve_organization
from models import AuditEvent, Organization, OrganizationStatus, Person, Role
from tests.factories import ELSEWHERE, HOME, create_invite_code, create_staff, onboard, t
from tests.handlers.ngos.test_ngos import create_organization


async def registered_by(chat, app, address: str, language: str = "en", **values) -> Organization:
    """An NGO registered by a person who chats as `address` (so they can read their notices)."""
    founder = chat(address)
    await onboard(founder, language)
    organization = await create_organization(app, await founder.person(), **values)
    return founder, organization


@pytest.mark.parametrize("language", ["ky", "ru", "uz", "en"])
async def test_staff_approve_and_members_are_told_in_their_language(
    app, chat, language: str
) -> None:
    founder, organization = await registered_by(chat, app, "founder", language)
    staff = await create_staff(app, "officer")
    await staff.choose("NGO applications (staff)")
    await staff.choose(f"Umut · {organization.inn}")
    for line in ("NGO: Umut", f"INN: {organization.inn}", "Contact person: Aigul Osmonova",
                 "Phone: +996555123456", "Municipalities: Barpy", "Sectors: Education"):  # fmt: skip
        assert line in staff.screen
    await staff.choose("Approve")
    async with app.sessions() as session:
        stored = await session.get(Organization, organization.id)
        member = await session.get(Person, stored.registered_by_id)
    assert stored.status == OrganizationStatus.approved and member.role == Role.ngo_member
    assert (
        f"“Umut” is approved, and its members have been told. Their join code: {stored.join_code}."
        in staff.screen
    )
    assert "No NGO applications are waiting." not in staff.screen  # back in the main menu
    shown = await founder.open()
    assert t(language, "Good news: your NGO “{name}” is approved. You can now subscribe to "
             "tenders under “NGOs and tenders” in the menu. Colleagues join with the code {code}.",
             name="Umut", code=stored.join_code) in shown  # fmt: skip


async def test_staff_reject_with_a_reason_and_members_are_told(app, chat) -> None:
    founder, organization = await registered_by(chat, app, "founder", "ru")
    staff = await create_staff(app, "officer")
    await staff.choose("NGO applications (staff)")
    await staff.say("1")
    await staff.choose("Reject")
    assert "Write the reason for the rejection. The NGO will see it." in staff.screen
    await staff.say("Нет устава")
    assert "“Umut” is rejected, and its members have been told the reason." in staff.screen
    async with app.sessions() as session:
        stored = await session.get(Organization, organization.id)
    assert (stored.status, stored.reason) == (OrganizationStatus.rejected, "Нет устава")
    shown = await founder.open()
    assert t("ru", "Your application for the NGO “{name}” was not approved. Reason: {reason}. "
             "You may correct it and apply again.", name="Umut", reason="Нет устава") in shown  # fmt: skip
    await founder.choose(t("ru", "NGOs and tenders"))
    assert t("ru", "Register an NGO") in founder.screen  # and may apply again


async def test_staff_see_only_applications_for_their_municipality(app, chat) -> None:
    await registered_by(chat, app, "ours", name="Ours", places=(HOME, ELSEWHERE))
    _, theirs = await registered_by(
        chat, app, "theirs", name="Theirs", inn="01503201910013", places=(ELSEWHERE,)
    )
    staff = await create_staff(app, "officer")
    await staff.choose("NGO applications (staff)")
    assert "Ours · " in staff.screen and "Theirs" not in staff.screen
    await staff.say("Theirs")
    assert "Please choose one of the options." in staff.screen

    admin = chat("admin")
    await onboard(admin)
    await admin.say(await create_invite_code(app, Role.admin))
    await admin.choose("NGO applications (staff)")
    assert "Ours · " in admin.screen and "Theirs · " in admin.screen

    async with app.sessions() as session:
        officer = await session.scalar(select(Person).where(Person.role == Role.staff))
        with pytest.raises(PermissionDenied):
            await approve_organization(session, officer, theirs.id)
        refused = await session.scalars(
            select(AuditEvent.action).where(AuditEvent.outcome == "refused")
        )
        assert refused.all() == ["approve_organization"]


async def test_the_last_decision_returns_to_the_menu_and_none_wait(app, chat) -> None:
    staff = await create_staff(app, "officer")
    await staff.choose("NGO applications (staff)")
    assert "No NGO applications are waiting." in staff.screen
    await registered_by(chat, app, "first", name="First")
    await registered_by(chat, app, "second", name="Second", inn="01503201910013")
    await staff.choose("NGO applications (staff)")
    await staff.choose("First · 01503201910012")
    await staff.choose("Approve")
    assert "NGO applications waiting for a decision." in staff.screen  # the next one
    await staff.choose("Second · 01503201910013")
    await staff.choose("Approve")
    assert "Main menu." in staff.screen


async def test_a_resident_cannot_review(app, chat) -> None:
    resident, organization = await registered_by(chat, app, "resident")
    await resident.say("NGO applications (staff)")
    assert "Please choose one of the options." in resident.screen
    assert app.conversation.flows["ngo_review"].allowed(await resident.person()) is False
    resident_id = (await resident.person()).id
    async with app.sessions() as session, session.begin():
        person = await session.get(Person, resident_id)
        with pytest.raises(PermissionDenied):
            await approve_organization(session, person, organization.id)
    async with app.sessions() as session:
        stored = await session.get(Organization, organization.id)
        refused = await session.scalars(
            select(AuditEvent.person_id).where(
                AuditEvent.action == "approve_organization", AuditEvent.outcome == "refused"
            )
        )
        assert refused.all() == [resident_id]
    assert stored.status == OrganizationStatus.pending and stored.join_code is None
