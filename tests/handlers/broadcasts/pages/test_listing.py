"""The announcements list and an announcement's page on the web: the municipality's only, the
bot's progress figures, and cancelling with the bot's rules."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from bot.i18n import translator
from handlers.broadcasts.broadcasts import create_broadcast, queue_broadcast
from handlers.broadcasts.progress import describe, progress
from models import (
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
from tests.factories import ELSEWHERE, HOME, create_resident, municipality
from tests.workspace import browser, create_member, form_value, sign_in, workspace_app


@pytest.fixture
async def app(database):
    return await workspace_app(database)


async def announce(app, code: str, text: str, author: Person | None = None, **kwargs) -> Broadcast:
    """A broadcast to the residents of `code`, queued now unless it is `send_at` later."""
    place = await municipality(app, code)
    async with app.sessions() as session, session.begin():
        writer = await session.get(Person, author.id) if author else None
        broadcast = await create_broadcast(
            session,
            writer,
            municipality_id=place.id,
            audience=Audience.residents,
            texts={"en": text},
            **kwargs,
        )
        if "send_at" not in kwargs:
            await queue_broadcast(session, broadcast)
    return broadcast


def row_of(page: str, broadcast: Broadcast) -> str:
    found = re.search(rf'<tr data-broadcast="{broadcast.id}">(.*?)</tr>', page, re.DOTALL)
    assert found, f"announcement {broadcast.id} is not listed"
    return found.group(1)


def numbers(row: str) -> list[int]:
    return [int(n) for n in re.findall(r'<td class="number">(\d+)</td>', row)]


async def test_the_list_shows_the_municipality_s_announcements_with_the_bot_s_figures(app) -> None:
    readers = [await create_resident(app, f"r{i}") for i in range(4)]
    await create_resident(app, "far", code=ELSEWHERE)
    colleague = await create_member(app, "colleague")
    ours = await announce(app, HOME, "Water is off on Friday", colleague)
    theirs = await announce(app, ELSEWHERE, "Pokrovka fair on Sunday")
    by_reader = {r.id: r for r in readers}
    async with app.sessions() as session, session.begin():
        rows = (
            await session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.broadcast_id == ours.id)
                .order_by(OutboxMessage.id)
            )
        ).all()
        ids = [row.id for row in rows if row.person_id in by_reader]
        outcome = [
            {"status": OutboxStatus.sent, "provider_status": "delivered"},
            {"status": OutboxStatus.sent},
            {"status": OutboxStatus.failed, "error": "blocked by the user"},
            {"status": OutboxStatus.skipped, "error": "opted_out"},
        ]
        for message_id, values in zip(ids, outcome, strict=True):
            await session.execute(
                update(OutboxMessage).where(OutboxMessage.id == message_id).values(**values)
            )
    clerk = await create_member(app, "clerk")
    async with browser(app) as client:
        await sign_in(client, app, clerk)
        start = (await client.get("/staff/", follow_redirects=True)).text
        listed = (await client.get("/staff/broadcasts/")).text
        page = (await client.get(f"/staff/broadcasts/{ours.id}")).text
    assert 'href="/staff/broadcasts/"' in start and ">Announcements<" in start  # the nav link
    assert "Water is off on Friday" in listed and "Pokrovka" not in listed  # a colleague's too
    row = row_of(listed, ours)
    assert numbers(row) == [2, 1, 1, 1]  # sent (delivered among them), delivered, failed, skipped
    assert "waiting: 1" in row  # the colleague's own message, still queued
    assert "Residents · Barpy" in row and "sending" in row and "Cancel</button>" in row
    # the announcement's page: per channel, with reasons — the lines the bot's report is made of
    async with app.sessions() as session:
        figures = await progress(session, ours.id)
    [bot_line, failed, skipped] = describe(translator("en"), figures)
    assert (
        bot_line == "Terminal simulator — waiting: 1, sent: 2 (delivered: 1), failed: 1, skipped: 1"
    )
    assert "blocked by the user (1)" in failed and "blocked by the user (1)" in page
    assert "stopped (1)" in skipped and "stopped (1)" in page
    assert theirs.id != ours.id


async def test_staff_of_another_municipality_get_403_whatever_the_url(app) -> None:
    await create_resident(app, "far", code=ELSEWHERE)
    theirs = await announce(app, ELSEWHERE, "Pokrovka fair on Sunday")
    elsewhere = await municipality(app, ELSEWHERE)
    clerk = await create_member(app, "clerk")
    async with browser(app) as client:
        csrf = await sign_in(client, app, clerk)
        pages = [
            await client.get(f"/staff/broadcasts/{theirs.id}"),
            await client.get(f"/staff/broadcasts/?municipality={elsewhere.id}"),
            await client.post(f"/staff/broadcasts/{theirs.id}/cancel", data={"csrf": csrf}),
        ]
        missing = await client.get("/staff/broadcasts/999999")
        bad = await client.get("/staff/broadcasts/abc")
        bad_filter = await client.get("/staff/broadcasts/?municipality=abc")
    assert [p.status_code for p in pages] == [403, 403, 403]
    assert all("This is not in your municipality" in p.text for p in pages)
    assert missing.status_code == 404 and "There is no such announcement" in missing.text
    assert bad.status_code == 400
    assert bad_filter.status_code == 422 and 'id="municipality-error"' in bad_filter.text
    async with app.sessions() as session:
        stored = await session.get(Broadcast, theirs.id)
        refusals = await session.scalar(
            select(func.count(AuditEvent.id)).where(
                AuditEvent.action == "open_broadcast", AuditEvent.outcome == "refused"
            )
        )
    assert stored.status == BroadcastStatus.queued and refusals == 3


async def test_admins_see_every_municipality_s_or_one_s(app) -> None:
    ours = await announce(app, HOME, "Water is off on Friday")
    theirs = await announce(app, ELSEWHERE, "Pokrovka fair on Sunday")
    elsewhere = await municipality(app, ELSEWHERE)
    admin = await create_member(app, "boss", role=Role.admin, code=None)
    async with browser(app) as client:
        await sign_in(client, app, admin)
        every = (await client.get("/staff/broadcasts/")).text
        one = (await client.get(f"/staff/broadcasts/?municipality={elsewhere.id}")).text
        wrong = await client.get("/staff/broadcasts/?municipality=abc")
    assert f'data-broadcast="{ours.id}"' in every and f'data-broadcast="{theirs.id}"' in every
    assert f'data-broadcast="{ours.id}"' not in one and f'data-broadcast="{theirs.id}"' in one
    assert wrong.status_code == 422 and 'id="municipality-error"' in wrong.text


async def test_cancel_follows_the_bot_s_rules(app) -> None:
    for i in range(3):
        await create_resident(app, f"r{i}")
    clerk = await create_member(app, "clerk")
    sending = await announce(app, HOME, "Water is off on Friday")
    later = await announce(app, HOME, "Sports day", send_at=utcnow() + timedelta(days=2))
    finished = await announce(app, HOME, "Done already")
    async with app.sessions() as session, session.begin():
        await session.execute(
            update(Broadcast)
            .where(Broadcast.id == finished.id)
            .values(status=BroadcastStatus.done, finished_at=utcnow())
        )
    async with browser(app) as client:
        csrf = await sign_in(client, app, clerk)
        listed = (await client.get("/staff/broadcasts/")).text
        assert "Cancel</button>" in row_of(listed, sending)
        assert "Cancel</button>" in row_of(listed, later)
        assert "Cancel</button>" not in row_of(listed, finished)
        page = (await client.get(f"/staff/broadcasts/{finished.id}")).text
        assert "Cancel the announcement</button>" not in page
        stopped = await client.post(
            f"/staff/broadcasts/{sending.id}/cancel",
            data={"csrf": csrf, "next": "/staff/broadcasts/"},
        )
        assert stopped.headers["location"] == "/staff/broadcasts/"
        told = (await client.get("/staff/broadcasts/")).text
        waited = await client.post(f"/staff/broadcasts/{later.id}/cancel", data={"csrf": csrf})
        late = await client.post(f"/staff/broadcasts/{finished.id}/cancel", data={"csrf": csrf})
        again = (await client.get(late.headers["location"])).text
        forged = await client.post(f"/staff/broadcasts/{later.id}/cancel", data={"csrf": "x"})
        assert forged.status_code == 403
        assert form_value(told, "csrf") == csrf
    assert "Announcement" in told and "is cancelled: 4 messages will not be sent." in told
    assert waited.headers["location"] == f"/staff/broadcasts/{later.id}"
    assert "It has already finished; there is nothing to cancel." in again
    async with app.sessions() as session:
        states = {b.id: b.status for b in (await session.scalars(select(Broadcast))).all()}
        skipped = await session.scalar(
            select(func.count(OutboxMessage.id)).where(
                OutboxMessage.broadcast_id == sending.id, OutboxMessage.error == "cancelled"
            )
        )
    assert states == {
        sending.id: BroadcastStatus.cancelled,
        later.id: BroadcastStatus.cancelled,
        finished.id: BroadcastStatus.done,
    }
    assert skipped == 4


async def test_the_list_goes_by_pages_of_fifty_newest_first(app) -> None:
    place = await municipality(app, HOME)
    async with app.sessions() as session, session.begin():
        made = [
            await create_broadcast(
                session,
                None,
                municipality_id=place.id,
                audience=Audience.residents,
                texts={"en": f"Announcement number {i:02d}."},
                send_at=utcnow() + timedelta(days=1),
            )
            for i in range(52)
        ]
    clerk = await create_member(app, "clerk")
    async with browser(app) as client:
        await sign_in(client, app, clerk)
        first = (await client.get("/staff/broadcasts/")).text
        second = (await client.get("/staff/broadcasts/?page=2")).text
        beyond = (await client.get("/staff/broadcasts/?page=99")).text
    assert "52 announcements" in first and "Page 1 of 2" in first
    assert "Announcement number 51." in first and "Announcement number 01." not in first
    assert "Announcement number 01." in second and "Announcement number 00." in second
    assert "Announcement number 51." not in second and 'href="/staff/broadcasts/?page=1"' in second
    assert "Page 2 of 2" in beyond  # past the end: the last page
    assert len(made) == 52
