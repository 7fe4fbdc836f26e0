"""My reports: status and the latest staff comment, newest first."""

from __future__ import annotations

from datetime import timedelta

from models import Need, NeedStatus
from tests.factories import create_need, onboard


async def test_my_reports_show_status_and_comment(app, chat) -> None:
    person = chat("tracker")
    await onboard(person)
    me = await person.person()
    older = await create_need(app, me, description="Older report", age=timedelta(days=3))
    newer = await create_need(app, me, description="Newer report")
    async with app.sessions() as session, session.begin():
        stored = await session.get(Need, older.id)
        stored.status, stored.staff_comment = NeedStatus.in_progress, "Workers come on Monday"

    await person.choose("My reports")
    screen = person.screen
    assert screen.index(newer.reference) < screen.index(older.reference)
    assert f"{older.reference} · Roads and lighting · in progress" in screen
    assert "Comment from the municipality: Workers come on Monday" in screen
    assert "Main menu" in screen


async def test_no_reports_yet(chat) -> None:
    person = chat("fresh")
    await onboard(person)
    await person.choose("My reports")
    assert "You have not reported any needs yet." in person.screen
