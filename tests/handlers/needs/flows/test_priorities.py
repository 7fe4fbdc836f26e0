"""Priorities: most-supported open needs first; "me too" once per person per need."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from models import NeedStatus, NeedSupport
from tests.factories import ELSEWHERE, create_need, create_resident, onboard


async def support(app, address: str, need) -> None:
    from handlers.needs.needs import support_need
    from models import Person

    supporter = await create_resident(app, address)
    async with app.sessions() as session, session.begin():
        person = await session.get(Person, supporter.id)
        assert await support_need(session, person, need)


async def test_most_supported_first_and_closed_or_foreign_needs_hidden(app, chat) -> None:
    reporter = await create_resident(app, "reporter")
    quiet = await create_need(app, reporter, description="Quiet need", age=timedelta(days=1))
    loud = await create_need(app, reporter, description="Loud need", age=timedelta(days=2))
    closed = await create_need(app, reporter, description="Solved need")
    await create_need(app, None, code=ELSEWHERE, description="Need in Talas")
    for i in range(3):
        await support(app, f"fan-{i}", loud)
    await support(app, "fan-q", quiet)
    async with app.sessions() as session, session.begin():
        (await session.get(type(closed), closed.id)).status = NeedStatus.resolved

    person = chat("viewer")
    await onboard(person)
    await person.choose("Priorities of my community")
    screen = person.screen
    assert screen.index("Loud need") < screen.index("Quiet need")
    assert "▲3" in screen and "▲1" in screen
    assert "Solved need" not in screen and "Need in Talas" not in screen


async def test_me_too_counts_once(app, chat) -> None:
    reporter = await create_resident(app, "reporter")
    need = await create_need(app, reporter, description="Bus stop has no roof")
    person = chat("supporter")
    await onboard(person)
    await person.choose("Priorities of my community")
    await person.say(need.reference)
    assert "Do you support this need too?" in person.screen
    await person.choose("Yes")
    assert "Thank you! 1 person now supports this need." in person.screen
    await person.choose("Not now")  # the optional questions about oneself, after a first support
    await person.choose("Priorities of my community")
    await person.say(need.reference)  # not asked again: told where they stand
    assert "Do you support this need too?" not in person.screen
    assert "Bus stop has no roof" in person.screen
    assert "You already support this need." in person.screen
    assert "Main menu" in person.screen
    async with app.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(NeedSupport)) == 1


async def test_a_reporter_cannot_support_their_own_need(app, chat) -> None:
    person = chat("own")
    await onboard(person)
    stored = await person.person()
    need = await create_need(app, stored, description="My own need")
    await person.choose("Priorities of my community")
    await person.say(need.reference)  # not invited to support their own need
    assert "Do you support this need too?" not in person.screen
    assert "My own need" in person.screen
    assert "You reported this need yourself" in person.screen
    async with app.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(NeedSupport)) == 0


async def test_no_open_needs_says_so(chat) -> None:
    person = chat("empty")
    await onboard(person)
    await person.choose("Priorities of my community")
    assert "There are no open needs in this municipality yet." in person.screen
    assert "Main menu" in person.screen
