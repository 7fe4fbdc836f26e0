"""Staff: invited by code, see only their municipality's needs, change status, the reporter is told."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from bot.audit import PermissionDenied
from handlers.needs.needs import change_status
from models import AuditEvent, Need, NeedStatus, NeedStatusChange, OutboxMessage, Person, Role
from tests.factories import (
    ELSEWHERE,
    create_invite_code,
    create_need,
    create_staff,
    onboard,
    t,
)


async def reported_by(chat, language: str, text: str = "The water pump is broken"):
    resident = chat(f"reporter-{language}")
    await onboard(resident, language)
    return resident, await create_need(chat_app(chat), await resident.person(), description=text)


def chat_app(chat):
    return chat("probe").app


@pytest.mark.parametrize("language", ["ky", "ru", "uz", "en"])
async def test_status_change_reaches_the_reporter_in_their_language(
    app, chat, language: str
) -> None:
    resident, need = await reported_by(chat, language)
    staff = await create_staff(app, "officer")
    assert "Welcome! You now have the municipal staff role in Kenesh." in staff.screen

    await staff.choose("Needs of my municipality (staff)")
    await staff.choose("New reports")
    await staff.choose(f"{need.reference} · new · The water pump is broken")
    assert "Set a new status:" in staff.screen
    await staff.choose("in progress")
    await staff.say("3")  # a stray number from the list is not taken as the comment
    assert "That is only a number. Write the comment in words" in staff.screen
    await staff.say("A plumber comes on Tuesday")
    # a preview of what the resident will receive, in the resident's language, before it goes
    preview = staff.screen
    assert f"Change {need.reference} from “new” to “in progress”?" in preview
    assert "The resident will receive, in " in preview
    assert (
        t(
            language,
            "Comment from the municipality: {comment}",
            comment="A plumber comes on Tuesday",
        )
        in preview
    )
    async with app.sessions() as session:
        assert (await session.get(Need, need.id)).status == NeedStatus.new  # nothing yet
    await staff.choose("Yes")
    assert f"{need.reference} is now “in progress”. The resident has been told." in staff.screen

    async with app.sessions() as session:
        stored = await session.get(Need, need.id)
        assert (
            stored.status == NeedStatus.in_progress
            and stored.staff_comment == "A plumber comes on Tuesday"
        )
        history = (await session.scalars(select(NeedStatusChange))).all()
        assert [(h.status, h.comment) for h in history] == [
            (NeedStatus.in_progress, "A plumber comes on Tuesday")
        ]

    # the reporter sees it when their chat next opens, in their own language
    shown = await resident.open()
    notice = t(
        language,
        "Your report {ref} is now: {status}.",
        ref=need.reference,
        status=t(language, "in progress"),
    )
    assert notice in shown
    assert (
        t(
            language,
            "Comment from the municipality: {comment}",
            comment="A plumber comes on Tuesday",
        )
        in shown
    )
    assert notice not in await resident.open()  # delivered once


async def test_rejection_needs_a_reason(app, chat) -> None:
    _, need = await reported_by(chat, "en")
    staff = await create_staff(app, "officer")
    await staff.choose("Needs of my municipality (staff)")
    await staff.say(need.reference)  # open by number
    await staff.choose("rejected")
    assert "Write the reason for the rejection." in staff.screen
    await staff.say("0")
    assert "That is too short" in staff.screen
    await staff.say("This is the rayon's responsibility")
    assert "Comment from the municipality: This is the rayon's responsibility" in staff.screen
    await staff.choose("Yes")
    async with app.sessions() as session:
        stored = await session.get(Need, need.id)
    assert (
        stored.status == NeedStatus.rejected
        and stored.staff_comment == "This is the rayon's responsibility"
    )


async def test_a_step_back_asks_why_and_saying_no_changes_nothing(app, chat) -> None:
    resident, need = await reported_by(chat, "ru")
    async with app.sessions() as session, session.begin():
        (await session.get(Need, need.id)).status = NeedStatus.in_progress
    staff = await create_staff(app, "officer")
    await staff.choose("Needs of my municipality (staff)")
    await staff.say(need.reference)
    await staff.choose("received")  # in progress → received: backwards
    assert "Why does the report go back to “received”? The resident will see it." in staff.screen
    await staff.say("0")  # cannot be skipped
    assert "That is too short" in staff.screen
    await staff.say("The contractor withdrew")
    assert "The resident will receive, in Russian:" in staff.screen
    assert (
        t("ru", "Comment from the municipality: {comment}", comment="The contractor withdrew")
        in staff.screen
    )
    await staff.choose("No")
    assert "Nothing was changed, and the resident was not told." in staff.screen
    async with app.sessions() as session:
        assert (await session.get(Need, need.id)).status == NeedStatus.in_progress
        assert (await session.scalars(select(NeedStatusChange))).all() == []
    assert (
        t(
            "ru",
            "Your report {ref} is now: {status}.",
            ref=need.reference,
            status=t("ru", "received"),
        )
        not in await resident.open()
    )

    officer = await staff.person()
    async with app.sessions() as session, session.begin():  # the service refuses it too
        stored = await session.get(Need, need.id)
        person = await session.get(Person, officer.id)
        with pytest.raises(ValueError, match="a step back needs a reason"):
            await change_status(session, person, stored, NeedStatus.received, None)


async def test_staff_see_only_their_municipality(app, chat) -> None:
    await reported_by(chat, "en", "Our need")
    theirs = await create_need(app, None, code=ELSEWHERE, description="Their need")
    staff = await create_staff(app, "officer")
    await staff.choose("Needs of my municipality (staff)")
    await staff.choose("All")
    assert "Our need" in staff.screen and "Their need" not in staff.screen

    await staff.say(theirs.reference)
    assert "There is no report with this number in your municipality." in staff.screen
    async with app.sessions() as session:
        refused = (
            await session.scalars(select(AuditEvent).where(AuditEvent.outcome == "refused"))
        ).all()
        assert [(e.action, e.detail) for e in refused] == [("open_need", f"need={theirs.id}")]
        stored_staff = await session.scalar(select(Person).where(Person.role == Role.staff))
        other = await session.get(Need, theirs.id)
        with pytest.raises(PermissionDenied):
            await change_status(session, stored_staff, other, NeedStatus.resolved, None)
        assert other.status == NeedStatus.new


async def test_residents_cannot_reach_staff_actions(app, chat) -> None:
    resident, need = await reported_by(chat, "en")
    await resident.say("Needs of my municipality (staff)")
    assert "Please choose one of the options." in resident.screen
    assert "Needs of my municipality" not in resident.screen.split("What would you like to do?")[1]
    async with app.sessions() as session:
        person = await session.get(Person, (await resident.person()).id)
        stored = await session.get(Need, need.id)
        with pytest.raises(PermissionDenied):
            await change_status(session, person, stored, NeedStatus.resolved, None)
        assert (await session.scalars(select(OutboxMessage))).all() == []


async def test_the_flow_itself_refuses_a_non_staff_person(app, chat) -> None:
    """Even if a resident's state pointed into the staff flow, it would not start for them."""
    from bot.conversation.engine import Conversation

    resident, _ = await reported_by(chat, "en")
    conversation: Conversation = app.conversation
    flows = conversation.flows
    assert flows["staff_needs"].allowed(await resident.person()) is False


@pytest.mark.parametrize("trouble", ["used", "expired", "unknown"])
async def test_bad_invite_codes_grant_nothing(app, chat, trouble: str) -> None:
    code = await create_invite_code(app, days=-1 if trouble == "expired" else 7)
    if trouble == "used":
        await create_staff(app, "first")  # uses a different code
        first = chat("first")
        await first.say(code)
    if trouble == "unknown":
        code = "KNS-2222-3333"
    person = chat("hopeful")
    await onboard(person)
    await person.say(code.lower().replace("-", " "))
    expected = {
        "used": "This code has already been used. Ask for a new one.",
        "expired": "This code has expired. Ask for a new one.",
        "unknown": "This code is not valid. Check it and send it again.",
    }[trouble]
    assert expected in person.screen
    assert (await person.person()).role == Role.resident


async def test_invite_by_deep_link_and_admin_sees_every_municipality(app, chat) -> None:
    await create_need(app, None, code=ELSEWHERE, description="Talas need")
    admin = chat("boss")
    await admin.say("/start " + await create_invite_code(app, Role.admin))
    # a newcomer is spoken to in the default language until they choose one
    assert (
        t("ky", "Welcome! You now have the {role} role in Kenesh.", role=t("ky", "administrator"))
        in admin.screen
    )
    assert "Choose your language" in admin.screen  # still sets up like anyone
    await admin.choose("English")
    await admin.say("Barpy")
    await admin.choose("Yes")  # the place is right
    await admin.choose("Yes")
    await admin.choose("Needs of my municipality (staff)")
    await admin.choose("All")
    assert "Talas need" in admin.screen


async def test_filters_by_status_and_category(app, chat) -> None:
    water = await create_need(app, None, description="Water need", category_code="water")
    roads = await create_need(app, None, description="Road need", category_code="roads_lighting")
    async with app.sessions() as session, session.begin():
        (await session.get(Need, roads.id)).status = NeedStatus.resolved
    staff = await create_staff(app, "officer")
    await staff.choose("Needs of my municipality (staff)")
    await staff.choose("Resolved")  # capitalised like the other filters
    assert "Road need" in staff.screen and "Water need" not in staff.screen
    await staff.say("menu")
    await staff.choose("Needs of my municipality (staff)")
    await staff.choose("By category")
    await staff.choose("Water supply")
    assert "Water need" in staff.screen and "Road need" not in staff.screen
    assert water.reference in staff.screen


async def test_every_filter_starts_with_a_capital_in_every_language(app) -> None:
    for language in ("ky", "ru", "uz", "en"):
        staff = await create_staff(app, f"officer-{language}", language=language)
        await staff.say(t(language, "Needs of my municipality (staff)"))
        options = re.findall(r"^\s+\d+\. (.+)$", staff.screen, re.MULTILINE)
        labels = [t(language, label) for label in ("New reports", "All open", "By category")]
        assert set(labels) <= set(options), staff.screen
        assert all(option[:1].isupper() or not option[:1].isalpha() for option in options), options
