"""Staff follow their announcements in the bot: progress from the outbox, cancelling, scope."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from bot.audit import PermissionDenied
from bot.runtime import Runtime
from handlers.broadcasts.broadcasts import (
    broadcast_for_staff,
    cancel_for_staff,
    create_broadcast,
    queue_broadcast,
)
from handlers.broadcasts.progress import finish_broadcasts
from models import (
    Address,
    Audience,
    AuditEvent,
    Broadcast,
    BroadcastStatus,
    OutboxMessage,
    OutboxStatus,
    Person,
    Role,
)
from models.base import utcnow
from tests.conftest import make_app
from tests.factories import (
    ELSEWHERE,
    HOME,
    Chat,
    create_invite_code,
    create_resident,
    create_staff,
    municipality,
    onboard,
)


async def announce(app, author_chat, text: str, code: str = HOME, queue: bool = True) -> int:
    """A broadcast by the person behind `author_chat` to the residents of `code`; its id."""
    place = await municipality(app, code)
    author = await author_chat.person()
    async with app.sessions() as session, session.begin():
        broadcast = await create_broadcast(
            session,
            await session.get(Person, author.id),
            municipality_id=place.id,
            audience=Audience.residents,
            texts={"en": text},
        )
        if queue:
            await queue_broadcast(session, broadcast)
    return broadcast.id


async def on_telegram(app, *people: Person) -> None:
    async with app.sessions() as session, session.begin():
        await session.execute(
            update(Address)
            .where(Address.person_id.in_([p.id for p in people]))
            .values(channel="telegram")
        )


async def set_outcome(app, person: Person, status: OutboxStatus, **values: object) -> None:
    """What the delivery worker would have written for the broadcast message to `person`."""
    async with app.sessions() as session, session.begin():
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.person_id == person.id, OutboxMessage.kind == "broadcast")
            .values(status=status, **values)
        )


async def test_progress_shows_what_the_outbox_holds(app) -> None:
    people = [await create_resident(app, f"tg-{i}") for i in range(5)]
    await on_telegram(app, *people)
    stopped = await create_resident(app, "stopped")
    staff = await create_staff(app, "officer")
    async with app.sessions() as session, session.begin():
        await session.execute(
            update(Address).where(Address.person_id == stopped.id).values(opted_out=True)
        )
    broadcast_id = await announce(app, staff, "Public hearing on the budget on Friday at 10:00.")
    await set_outcome(app, people[0], OutboxStatus.sent)
    await set_outcome(app, people[1], OutboxStatus.sent, provider_status="delivered")
    await set_outcome(app, people[2], OutboxStatus.failed, error="telegram 400: chat not found")
    await set_outcome(app, people[3], OutboxStatus.sending)

    await staff.choose("My announcements (staff)")
    assert "Your announcements, newest first." in staff.screen
    await staff.choose(f"#{broadcast_id} · sending · Public hearing on the budget on Friday…")
    assert f"Announcement {broadcast_id} · sending" in staff.screen
    assert "“Public hearing on the budget on Friday at 10:00.”" in staff.screen
    assert "Sending since " in staff.screen
    # the officer's own copy was shown (delivered) by the simulator when they last wrote
    assert "Terminal simulator — sent: 1 (delivered: 1), failed: 0, skipped: 1" in staff.screen
    assert "  skipped: stopped (1)" in staff.screen
    assert "Telegram — waiting: 2, sent: 2 (delivered: 1), failed: 1, skipped: 0" in staff.screen
    assert "  failed: telegram 400: chat not found (1)" in staff.screen

    await set_outcome(app, people[3], OutboxStatus.sent)
    await staff.choose("Refresh")
    assert "Telegram — waiting: 1, sent: 3 (delivered: 1)" in staff.screen
    await staff.choose("Done")
    assert "Main menu." in staff.screen


async def test_cancel_mid_run_stops_the_rest_and_the_author_is_told(app) -> None:
    people = [await create_resident(app, f"tg-{i}") for i in range(4)]
    await on_telegram(app, *people)
    staff = await create_staff(app, "officer")
    broadcast_id = await announce(app, staff, "Sports day on Sunday.")
    await set_outcome(app, people[0], OutboxStatus.sent)
    await set_outcome(app, people[1], OutboxStatus.sending)

    await staff.choose("My announcements (staff)")
    await staff.choose(f"#{broadcast_id} · sending · Sports day on Sunday.")
    await staff.choose("Cancel the announcement")
    assert "Messages that have not gone yet will not be sent." in staff.screen
    await staff.choose("No")
    assert "The announcement goes on." in staff.screen

    await staff.choose("My announcements (staff)")
    await staff.choose(f"#{broadcast_id} · sending · Sports day on Sunday.")
    await staff.choose("Cancel the announcement")
    await staff.choose("Yes")
    assert f"Announcement {broadcast_id} is cancelled: 2 messages will not be sent." in staff.screen

    async with app.sessions() as session, session.begin():
        statuses = dict(
            (
                await session.execute(
                    select(OutboxMessage.person_id, OutboxMessage.status).where(
                        OutboxMessage.broadcast_id == broadcast_id
                    )
                )
            ).all()
        )
        audited = await session.scalar(
            select(AuditEvent).where(AuditEvent.action == "cancel_broadcast")
        )
        assert await finish_broadcasts(session) == []  # one message is still in flight
    assert [statuses[p.id] for p in people] == ["sent", "sending", "skipped", "skipped"]
    assert audited.outcome == "ok" and f"broadcast={broadcast_id}" in audited.detail

    await set_outcome(app, people[1], OutboxStatus.sent)
    async with app.sessions() as session, session.begin():
        assert await finish_broadcasts(session) == [broadcast_id]
    await staff.say("menu")  # the report waits in the officer's chat
    assert f"Announcement {broadcast_id} was cancelled: “Sports day on Sunday.”" in staff.screen
    assert "Telegram — sent: 2 (delivered: 0), failed: 0, skipped: 2" in staff.screen
    assert "  skipped: announcement cancelled (2)" in staff.screen

    await staff.choose("My announcements (staff)")
    await staff.choose(f"#{broadcast_id} · cancelled · Sports day on Sunday.")
    assert "Cancel the announcement" not in staff.screen
    assert "Finished at " in staff.screen


async def test_staff_see_and_cancel_only_their_own_municipality(app) -> None:
    await create_resident(app, "home")
    await create_resident(app, "far", code=ELSEWHERE)
    officer = await create_staff(app, "officer")
    colleague = await create_staff(app, "colleague")
    stranger = await create_staff(app, "stranger", code=ELSEWHERE)
    mine = await announce(app, officer, "Ours.")
    theirs = await announce(app, colleague, "A colleague's.", queue=False)
    far = await announce(app, stranger, "Elsewhere.", code=ELSEWHERE)

    await officer.choose("My announcements (staff)")
    assert f"#{mine} · sending · Ours." in officer.screen
    assert f"#{theirs} · " not in officer.screen and f"#{far} · " not in officer.screen

    officer_person = await officer.person()
    async with app.sessions() as session, session.begin():
        await broadcast_for_staff(session, officer_person, theirs)  # same municipality: allowed
        with pytest.raises(PermissionDenied):
            await broadcast_for_staff(session, officer_person, far)
        with pytest.raises(PermissionDenied):
            await cancel_for_staff(session, officer_person, far)
    async with app.sessions() as session:
        refusals = (
            await session.scalars(select(AuditEvent).where(AuditEvent.action == "open_broadcast"))
        ).all()
        far_broadcast = await session.get(Broadcast, far)
    assert [(r.outcome, r.detail) for r in refusals] == [("refused", f"broadcast={far}")] * 2
    assert far_broadcast.status == BroadcastStatus.queued


async def test_admins_see_every_announcement_and_staff_without_any_are_told(app) -> None:
    stranger = await create_staff(app, "stranger", code=ELSEWHERE)
    far = await announce(app, stranger, "Elsewhere.", code=ELSEWHERE)
    officer = await create_staff(app, "officer")
    await officer.choose("My announcements (staff)")
    assert "You have not made any announcements yet." in officer.screen

    admin = Chat(app, "admin")
    await onboard(admin)
    await admin.say(await create_invite_code(app, Role.admin, None))
    await admin.choose("My announcements (staff)")
    await admin.choose(f"#{far} · sending · Elsewhere.")
    assert f"Announcement {far} · sending" in admin.screen
    await admin.choose("Other announcements")
    assert "Your announcements, newest first." in admin.screen


async def test_progress_reads_the_same_after_old_messages_are_deleted(database, app) -> None:
    people = [await create_resident(app, f"tg-{i}") for i in range(4)]
    await on_telegram(app, *people)
    staff = await create_staff(app, "officer")
    broadcast_id = await announce(app, staff, "Water cut on Monday.")
    await set_outcome(app, people[0], OutboxStatus.sent, provider_status="delivered")
    await set_outcome(app, people[1], OutboxStatus.failed, error="telegram 403: blocked")
    await set_outcome(app, people[2], OutboxStatus.skipped, error="unreachable")
    async with app.sessions() as session, session.begin():
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.broadcast_id == broadcast_id)
            .values(created_at=utcnow() - timedelta(days=91))
        )
    await staff.choose("My announcements (staff)")
    await staff.choose(f"#{broadcast_id} · sending · Water cut on Monday.")
    before = staff.screen
    assert "Telegram — waiting: 1, sent: 1 (delivered: 1), failed: 1, skipped: 1" in before

    await Runtime(make_app(database)).tick()  # OUTBOX_RETENTION_DAYS: 90
    async with app.sessions() as session:
        left = await session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.broadcast_id == broadcast_id)
        )
    assert left == 1  # people[3]'s, still queued
    await staff.choose("Refresh")
    assert staff.screen == before
