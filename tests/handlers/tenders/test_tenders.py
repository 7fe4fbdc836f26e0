"""The tender service: scope (staff of one municipality reach only its tenders), budgets, the
open tenders an NGO member follows, and reminders sent once across processes and restarts."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select, update

from bot.audit import PermissionDenied
from bot.runtime import Runtime
from handlers.tenders import tenders
from handlers.tenders.alerts import send_due_reminders
from handlers.tenders.tenders import Draft, TenderError, open_tenders_for, parse_budget
from models import (
    AuditEvent,
    Organization,
    OrganizationStatus,
    Person,
    Tender,
    TenderReminder,
    TenderStatus,
)
from models.base import utcnow
from tests.conftest import make_app
from tests.factories import (
    ELSEWHERE,
    HOME,
    ZONE,
    category,
    create_resident,
    create_staff,
    municipality,
)
from tests.tender_factories import alerts, create_member, create_ngo, create_tender_for


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("150000", "150000"),
        ("150 000", "150000"),
        ("150 000,50 сом", "150000.50"),
        ("150,000", "150000"),
        ("150.000,50", "150000.50"),
        ("150,000.50 KGS", "150000.50"),
        ("1,5", "1.5"),
    ],
)
def test_budgets_people_write(text: str, amount: str) -> None:
    assert parse_budget(text) == Decimal(amount)


@pytest.mark.parametrize(
    "text", ["-5", "0", "a lot", "about 150 thousand", "1,50,000", "1.2.3,4", "0.001", "1e5"]
)
def test_budgets_refused_rather_than_guessed(text: str) -> None:
    with pytest.raises(TenderError, match="budget"):
        parse_budget(text)


async def staff_person(app, address: str, code: str) -> Person:
    return await (await create_staff(app, address, code=code)).person()


async def test_staff_of_another_municipality_can_do_nothing_with_its_tenders(app) -> None:
    published = await create_tender_for(app, title="Published")
    draft = await create_tender_for(app, title="Draft", published=False)
    winner = await create_ngo(app, "Umut")
    outsider = await staff_person(app, "outsider", ELSEWHERE)
    resident = await create_resident(app, "resident")
    home = await municipality(app, HOME)
    kind = await category(app, "elderly")

    for person in (outsider, resident):
        async with app.sessions() as session, session.begin():
            me = await session.get(Person, person.id)
            assert await tenders.tenders_for_staff(session, me) == []
            for tender_id in (published.id, draft.id):
                with pytest.raises(PermissionDenied):
                    await tenders.tender_for_staff(session, me, tender_id)
            one, two = await session.get(Tender, published.id), await session.get(Tender, draft.id)
            organization = await session.get(Organization, winner.id)
            later = one.deadline + timedelta(days=5)
            attempts = [
                tenders.publish(session, me, two, app.settings),
                tenders.update(session, me, two, {"title": "Mine now"}, zone=ZONE),
                tenders.update(session, me, one, {"budget": Decimal(1)}, zone=ZONE),
                tenders.extend_deadline(session, me, one, later, zone=ZONE),
                tenders.cancel(session, me, one, "because", zone=ZONE),
                tenders.award(session, me, one, organization, zone=ZONE),
                tenders.create_tender(
                    session,
                    me,
                    Draft(home.id, kind.id, "Mine", "Text", Decimal(5), later, "Here"),
                ),
            ]
            for attempt in attempts:
                with pytest.raises(PermissionDenied):
                    await attempt

    async with app.sessions() as session:
        one, two = await session.get(Tender, published.id), await session.get(Tender, draft.id)
        refused = (
            await session.scalars(select(AuditEvent.action).where(AuditEvent.outcome == "refused"))
        ).all()
        count = await session.scalar(select(Tender.id).order_by(Tender.id.desc()))
    assert (one.status, one.budget, two.status, two.title) == (
        TenderStatus.active,
        Decimal("150000"),
        TenderStatus.draft,
        "Draft",
    )
    assert count == draft.id  # nothing was created
    assert sorted(set(refused)) == [
        "award_tender",
        "cancel_tender",
        "create_tender",
        "edit_tender",
        "extend_tender",
        "open_tender",
        "publish_tender",
    ]
    assert len(refused) == 2 * 9
    assert await alerts(app, "tender_updated") == []


async def test_staff_reach_their_own_drafts_and_admins_any(app) -> None:
    draft = await create_tender_for(app, published=False)
    await create_tender_for(app, code=ELSEWHERE, published=False)
    staff = await staff_person(app, "officer", HOME)
    async with app.sessions() as session, session.begin():
        me = await session.get(Person, staff.id)
        assert [t.id for t in await tenders.tenders_for_staff(session, me)] == [draft.id]
        assert (await tenders.tender_for_staff(session, me, draft.id)).title
        with pytest.raises(TenderError, match="not_found"):
            await tenders.tender_for_staff(session, me, 999)


async def test_open_tenders_need_an_approved_ngo_and_a_live_subscription(app) -> None:
    approved = await create_ngo(app, "Umut")
    pending = await create_ngo(app, "Later", status=OrganizationStatus.pending)
    member = await create_member(app, "member", approved)
    waiting = await create_member(app, "waiting", pending)
    paused = await create_member(app, "paused", approved, paused=True)
    first = await create_tender_for(app, deadline=utcnow() + timedelta(days=9))
    second = await create_tender_for(app, deadline=utcnow() + timedelta(days=4))
    await create_tender_for(app, published=False)
    async with app.sessions() as session:
        for person, expected in ((member, [second.id, first.id]), (waiting, []), (paused, [])):
            found = await open_tenders_for(session, await session.get(Person, person.id))
            assert [t.id for t in found] == expected


async def due_now(app, days_before: int) -> None:
    """Move a reminder's time into the past, as if its day had come."""
    async with app.sessions() as session, session.begin():
        await session.execute(
            update(TenderReminder)
            .where(TenderReminder.days_before == days_before)
            .values(due_at=utcnow() - timedelta(seconds=1))
        )


async def test_reminders_go_once_across_two_processes_and_restarts(database, app) -> None:
    ngo = await create_ngo(app, "Umut")
    ky = await create_member(app, "ky", ngo, language="ky", channel="telegram")
    en = await create_member(app, "en", ngo)
    await create_tender_for(app)
    await due_now(app, 3)

    first, second = Runtime(make_app(database)), Runtime(make_app(database))
    await asyncio.gather(first.tick(), second.tick())
    await first.tick()
    await second.tick()
    sent = await alerts(app, "tender_reminder")
    assert sorted((a.person_id, a.channel) for a in sent) == [(ky.id, "telegram"), (en.id, "sim")]
    english = next(a.body for a in sent if a.person_id == en.id)
    assert english.startswith("Reminder: tender T-000001 closes in 3 days: Home care")
    kyrgyz = next(a.body for a in sent if a.person_id == ky.id)
    assert not kyrgyz.startswith("Reminder")

    restarted = Runtime(make_app(database, schedule_tick_seconds=0.1))  # a new process
    await restarted.start()
    try:
        await asyncio.sleep(0.3)
        assert len(await alerts(app, "tender_reminder")) == 2  # nothing again
        await due_now(app, 1)
        for _ in range(50):
            if len(await alerts(app, "tender_reminder")) > 2:
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(0.3)
    finally:
        await restarted.stop()
    await Runtime(make_app(database)).tick()
    bodies = [a.body for a in await alerts(app, "tender_reminder") if a.person_id == en.id]
    assert len(bodies) == 2 and bodies[1].startswith("Reminder: tender T-000001 closes in 1 day:")


async def test_moving_the_deadline_sends_a_reminder_again_and_cancelling_keeps_none(app) -> None:
    ngo = await create_ngo(app, "Umut")
    await create_member(app, "member", ngo)
    tender = await create_tender_for(app)
    await due_now(app, 3)
    async with app.sessions() as session, session.begin():
        assert await send_due_reminders(session, app.settings) == 1
        assert await send_due_reminders(session, app.settings) == 0

    async with app.sessions() as session, session.begin():
        row = await session.get(Tender, tender.id)
        await tenders.extend_deadline(
            session, None, row, row.deadline + timedelta(days=10), zone=ZONE
        )
    async with app.sessions() as session:
        rows = (await session.scalars(select(TenderReminder))).all()
    assert all(r.sent_at is None and r.due_at > utcnow() for r in rows) and len(rows) == 2

    await due_now(app, 1)
    async with app.sessions() as session, session.begin():
        assert await send_due_reminders(session, app.settings) == 1
        await tenders.cancel(
            session, None, await session.get(Tender, tender.id), "No funds", zone=ZONE
        )
    async with app.sessions() as session:
        left = (await session.scalars(select(TenderReminder))).all()
    assert [(r.days_before, r.sent_at is not None) for r in left] == [(1, True)]  # history only
    await due_now(app, 3)
    async with app.sessions() as session, session.begin():
        assert await send_due_reminders(session, app.settings) == 0


async def test_a_reminder_whose_deadline_has_passed_is_not_sent(app) -> None:
    ngo = await create_ngo(app, "Umut")
    await create_member(app, "member", ngo)
    tender = await create_tender_for(app)
    await due_now(app, 1)
    async with app.sessions() as session, session.begin():
        await session.execute(
            update(Tender)
            .where(Tender.id == tender.id)
            .values(deadline=utcnow() - timedelta(minutes=1))
        )
        assert await send_due_reminders(session, app.settings) == 0
    async with app.sessions() as session:
        reminder = await session.scalar(
            select(TenderReminder).where(TenderReminder.days_before == 1)
        )
    assert reminder.sent_at is not None  # marked, so no process tries again
