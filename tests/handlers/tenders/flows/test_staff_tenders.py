"""Staff manage tenders in the bot: edit, move the deadline, cancel, award — each change told to
the subscribers — and nobody reaches another municipality's tenders."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from models import AuditEvent, OrganizationStatus, Role, Tender, TenderReminder, TenderStatus
from models.base import utcnow
from tests.factories import (
    ELSEWHERE,
    Chat,
    create_invite_code,
    create_staff,
    onboard,
    shown_time,
)
from tests.handlers.tenders.flows.test_tender_new import in_days
from tests.tender_factories import alerts, create_member, create_ngo, create_tender_for


async def open_tender(staff: Chat, reference: str = "T-000001") -> None:
    await staff.choose("Tenders (staff)")
    await staff.say(reference)


async def reminders(app, tender_id: int = 1) -> dict[int, tuple[datetime, datetime | None]]:
    """days before → (due, sent) of the tender's reminders."""
    async with app.sessions() as session:
        rows = (
            await session.scalars(
                select(TenderReminder).where(TenderReminder.tender_id == tender_id)
            )
        ).all()
    return {r.days_before: (r.due_at, r.sent_at) for r in rows}


async def test_editing_a_field_tells_the_subscribers(app) -> None:
    ngo = await create_ngo(app, "Umut")
    first = await create_member(app, "first", ngo)
    second = await create_member(app, "second", ngo, language="ru")
    await create_tender_for(app)
    staff = await create_staff(app, "officer")

    await open_tender(staff)
    assert "T-000001 · open" in staff.screen
    assert "Barpy ayil aimak: Home care for the elderly" in staff.screen
    assert "Publish" not in staff.screen.splitlines()  # already published
    await staff.choose("Edit")
    await staff.choose("Budget")
    await staff.say("two hundred")
    assert "Write the amount in som as a number" in staff.screen
    await staff.say("200 000")
    assert "Tender T-000001 is changed. 2 NGO members were alerted." in staff.screen
    updated = await alerts(app, "tender_updated")
    assert [a.person_id for a in updated] == [first.id, second.id]
    assert "Budget: 200,000 som" in updated[0].body
    assert "Tender T-000001 of Barpy ayil aimak has changed" in updated[0].body
    assert updated[1].body.startswith("Тендер T-000001")

    await open_tender(staff)
    await staff.choose("Edit")
    await staff.choose("Documents link")
    await staff.say("https://barpy.kg/care.pdf")
    assert "2 NGO members were alerted." in staff.screen
    await open_tender(staff)
    await staff.choose("Edit")
    await staff.choose("Documents link")
    await staff.say("0")  # skipping removes the link
    async with app.sessions() as session:
        assert (await session.get(Tender, 1)).document_url is None
    assert len(await alerts(app, "tender_updated")) == 6


async def test_moving_the_deadline_moves_the_reminders(app) -> None:
    ngo = await create_ngo(app, "Umut")
    member = await create_member(app, "member", ngo)
    tender = await create_tender_for(app)
    before = await reminders(app)
    assert before[3][0] == tender.deadline - timedelta(days=3)
    staff = await create_staff(app, "officer")

    await open_tender(staff)
    await staff.choose("Change the deadline")
    assert "The deadline is now " in staff.screen
    await staff.say(in_days(5))
    assert "The new deadline must be later than the current one" in staff.screen
    new_deadline = in_days(20, hour=12)
    await staff.say(new_deadline)
    assert (
        f"The deadline of T-000001 is now {shown_time(new_deadline)}. 1 NGO member was alerted."
        in (staff.screen)
    )
    after = await reminders(app)
    async with app.sessions() as session:
        deadline = (await session.get(Tender, 1)).deadline
    assert deadline.strftime("%H:%M") == "06:00"  # 12:00 in Bishkek
    assert after == {
        3: (deadline - timedelta(days=3), None),
        1: (deadline - timedelta(days=1), None),
    }
    (extended,) = await alerts(app, "tender_extended")
    assert extended.person_id == member.id
    assert f"New deadline: {shown_time(new_deadline)} (Bishkek time)" in extended.body


async def test_cancelling_asks_first_tells_why_and_drops_the_reminders(app) -> None:
    ngo = await create_ngo(app, "Umut")
    member = await create_member(app, "member", ngo)
    await create_tender_for(app)
    staff = await create_staff(app, "officer")

    await open_tender(staff)
    await staff.choose("Cancel the tender")
    await staff.say("The money went to the school roof.")
    assert "Cancel tender T-000001? The subscribed NGOs will be told the reason." in staff.screen
    await staff.choose("No")
    assert "Nothing was changed." in staff.screen
    assert len(await reminders(app)) == 2

    await open_tender(staff)
    await staff.choose("Cancel the tender")
    await staff.say("The money went to the school roof.")
    await staff.choose("Yes")
    assert "Tender T-000001 is cancelled. 1 NGO member was alerted." in staff.screen
    assert await reminders(app) == {}
    (cancelled,) = await alerts(app, "tender_cancelled")
    assert cancelled.person_id == member.id
    assert "Reason: The money went to the school roof." in cancelled.body

    await open_tender(staff)
    assert "T-000001 · cancelled" in staff.screen
    assert "Reason: The money went to the school roof." in staff.screen
    assert "Edit" not in staff.screen and "Cancel the tender" not in staff.screen
    await staff.choose("Done")


async def test_awarding_among_the_approved_ngos_of_the_municipality(app) -> None:
    winner = await create_ngo(app, "Umut")
    await create_ngo(app, "Talas Care", codes=(ELSEWHERE,))
    await create_ngo(app, "Pending Hope", status=OrganizationStatus.pending)
    rival = await create_ngo(app, "Bereke")
    follower = await create_member(app, "follower", rival)
    colleague = await create_member(app, "colleague", winner, follows=())
    await create_tender_for(app)
    staff = await create_staff(app, "officer")

    await open_tender(staff)
    await staff.choose("Award to an NGO")
    assert "1. Bereke" in staff.screen and "2. Umut" in staff.screen
    assert "Talas Care" not in staff.screen and "Pending Hope" not in staff.screen
    await staff.choose("Umut")
    await staff.say("140 000")
    assert "Award tender T-000001 to “Umut”?" in staff.screen
    assert "Contract amount: 140,000 som" in staff.screen
    # still accepting applications: staff are warned before they close it early
    assert "⚠ Applications are still accepted until " in staff.screen
    await staff.choose("Yes")
    assert "Tender T-000001 is awarded to “Umut”. 2 NGO members were alerted." in staff.screen
    awarded = await alerts(app, "tender_awarded")
    assert sorted(a.person_id for a in awarded) == sorted([follower.id, colleague.id])
    assert "Winner: Umut" in awarded[0].body
    async with app.sessions() as session:
        tender = await session.get(Tender, 1)
    assert tender.status == TenderStatus.awarded and str(tender.award_amount) == "140000.00"
    assert await reminders(app) == {}


async def test_awarding_after_the_deadline_warns_of_nothing(app) -> None:
    await create_ngo(app, "Umut")
    await create_tender_for(app)
    async with app.sessions() as session, session.begin():
        (await session.get(Tender, 1)).deadline = utcnow() - timedelta(hours=1)
    staff = await create_staff(app, "officer")
    await open_tender(staff)
    await staff.choose("Award to an NGO")
    await staff.choose("Umut")
    await staff.say("0")
    assert "Award tender T-000001 to “Umut”?" in staff.screen
    assert "Applications are still accepted" not in staff.screen


async def test_with_no_ngo_to_award_staff_are_told(app) -> None:
    await create_tender_for(app)
    staff = await create_staff(app, "officer")
    await open_tender(staff)
    await staff.choose("Award to an NGO")
    assert "No approved NGO works in this municipality yet" in staff.screen
    async with app.sessions() as session:
        assert (await session.get(Tender, 1)).status == TenderStatus.active


async def test_a_draft_can_get_any_future_deadline_and_be_cancelled_quietly(app) -> None:
    ngo = await create_ngo(app, "Umut")
    await create_member(app, "member", ngo)
    await create_tender_for(app, published=False)
    staff = await create_staff(app, "officer")

    await open_tender(staff)
    assert "T-000001 · draft" in staff.screen
    await staff.choose("Change the deadline")
    await staff.say(in_days(2))  # earlier than before: nobody has seen it
    assert (
        f"The deadline of T-000001 is now {shown_time(in_days(2))}. 0 NGO members were alerted."
        in (staff.screen)
    )
    await open_tender(staff)
    await staff.choose("Cancel the tender")
    assert "Cancel the draft T-000001? Nobody has seen it." in staff.screen
    await staff.choose("Yes")
    assert "Tender T-000001 is cancelled. 0 NGO members were alerted." in staff.screen
    assert await alerts(app) == []


async def test_staff_of_another_municipality_reach_none_of_its_tenders(app) -> None:
    await create_tender_for(app, title="Published in Barpy")
    await create_tender_for(app, title="Draft in Barpy", published=False)
    await create_tender_for(app, code=ELSEWHERE, title="Published in Pokrovka")
    outsider = await create_staff(app, "outsider", code=ELSEWHERE)

    await outsider.choose("Tenders (staff)")
    assert "Published in Pokrovka" in outsider.screen
    assert "Barpy" not in outsider.screen
    for reference in ("T-000001", "T-000002", "t2"):
        await outsider.say(reference)
        assert "There is no tender with this number in your municipality." in outsider.screen
    await outsider.say("T-000003")
    assert "T-000003 · open" in outsider.screen

    async with app.sessions() as session:
        refused = (
            await session.scalars(
                select(AuditEvent.detail).where(
                    AuditEvent.action == "open_tender", AuditEvent.outcome == "refused"
                )
            )
        ).all()
    assert sorted(refused) == ["tender=1", "tender=2", "tender=2"]

    home = await create_staff(app, "home")
    await home.choose("Tenders (staff)")
    assert "Draft in Barpy" in home.screen and "Published in Barpy" in home.screen
    assert "Pokrovka" not in home.screen

    admin = Chat(app, "admin")
    await onboard(admin)
    await admin.say(await create_invite_code(app, Role.admin, None))
    await admin.choose("Tenders (staff)")
    for title in ("Draft in Barpy", "Published in Barpy", "Published in Pokrovka"):
        assert title in admin.screen
    assert admin.screen.index("Pokrovka") < admin.screen.index("Draft in Barpy")  # newest first


async def test_two_staff_publishing_one_draft_alert_once(app) -> None:
    ngo = await create_ngo(app, "Umut")
    await create_member(app, "member", ngo)
    await create_tender_for(app, published=False)
    first, second = await create_staff(app, "first"), await create_staff(app, "second")
    for staff in (first, second):
        await open_tender(staff)
        await staff.choose("Publish")
    await first.choose("Yes")
    assert "Tender T-000001 is published. 1 NGO member was alerted." in first.screen
    await second.choose("Yes")
    assert "This tender is already published." in second.screen
    assert len(await alerts(app, "tender_published")) == 1
