"""Broadcasts: scope, language fallback, preview, queueing, cancelling, scheduling, reporting."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from bot.audit import PermissionDenied
from bot.i18n import text_for
from handlers.broadcasts.broadcasts import (
    cancel_broadcast,
    create_broadcast,
    queue_broadcast,
    queue_due,
    report,
)
from handlers.broadcasts.preview import preview
from models import Address, Audience, Broadcast, BroadcastStatus, OutboxMessage, Person, Role
from models.base import utcnow
from tests.conftest import make_app
from tests.factories import ELSEWHERE, HOME, create_home_broadcast, create_resident, municipality


def test_language_fallback_picks_the_closest_written_text() -> None:
    texts = {"ru": "Собрание в пятницу", "en": "Meeting on Friday"}
    assert text_for(texts, "ru") == "Собрание в пятницу"
    assert text_for(texts, "ky") == "Собрание в пятницу"  # Kyrgyz readers: Russian before English
    assert text_for(texts, "uz") == "Собрание в пятницу"
    assert text_for({"ky": "Жыйын жума күнү", "en": "Meeting"}, "uz") == "Жыйын жума күнү"
    assert text_for(texts, None) == "Собрание в пятницу"


async def residents(app, count: int, code: str = HOME, language: str = "ky", channel: str = "sim"):
    people = [
        await create_resident(app, f"{code}-{language}-{i}", language=language, code=code)
        for i in range(count)
    ]
    if channel != "sim":
        async with app.sessions() as session, session.begin():
            await session.execute(
                update(Address)
                .where(Address.person_id.in_([p.id for p in people]))
                .values(channel=channel)
            )
    return people


async def test_preview_counts_and_queueing_reach_exactly_the_audience(app) -> None:
    home = await municipality(app, HOME)
    await residents(app, 3, language="ky", channel="telegram")
    sms = await residents(app, 2, language="ru", channel="sms")
    await residents(app, 4, code=ELSEWHERE)  # another municipality: never reached
    async with app.sessions() as session, session.begin():
        await session.execute(
            update(Address).where(Address.person_id == sms[0].id).values(opted_out=True)
        )
        broadcast = await create_broadcast(
            session,
            None,
            municipality_id=home.id,
            audience=Audience.residents,
            texts={"ru": "Публичные слушания по бюджету в пятницу в 10:00 в айыл окмоту."},
        )
        seen = await preview(session, broadcast)
        assert seen.recipients == {"telegram": 3, "sms": 1} and seen.skipped == 1
        assert seen.sms_segments == 2  # one recipient × two UCS-2 segments, the sender included
        assert await queue_broadcast(session, broadcast) == 5
    async with app.sessions() as session:
        rows = (
            await session.scalars(
                select(OutboxMessage).where(OutboxMessage.broadcast_id == broadcast.id)
            )
        ).all()
        figures = await report(session, broadcast.id)
    assert sorted((r.channel, str(r.status)) for r in rows) == sorted(
        [("telegram", "queued")] * 3 + [("sms", "queued"), ("sms", "skipped")]
    )
    text = "Публичные слушания по бюджету в пятницу в 10:00 в айыл окмоту."
    assert {r.body for r in rows} == {  # who speaks, in each reader's language
        f"Барпы айыл аймагы: {text}",  # Kyrgyz readers
        f"Айыльный аймак Барпы: {text}",  # Russian readers
    }
    assert figures == {
        "telegram": {"queued": 3},
        "sms": {"queued": 1, "skipped: opted_out": 1},
    }


async def test_a_broadcast_to_every_municipality_is_signed_by_kenesh(app) -> None:
    await residents(app, 1, language="ru")
    async with app.sessions() as session, session.begin():
        broadcast = await create_broadcast(
            session, None, municipality_id=None, audience=Audience.residents, texts={"en": "Hi"}
        )
        await queue_broadcast(session, broadcast)
    async with app.sessions() as session:
        [row] = (await session.scalars(select(OutboxMessage))).all()
    assert row.body == "Кенеш: Hi"


async def test_staff_reach_only_their_own_municipality(app) -> None:
    home, elsewhere = await municipality(app, HOME), await municipality(app, ELSEWHERE)
    async with app.sessions() as session, session.begin():
        staff = Person(language="en", role=Role.staff, staff_municipality_id=home.id)
        admin = Person(language="en", role=Role.admin)
        session.add_all([staff, admin])
        await session.flush()
        await create_broadcast(
            session, staff, municipality_id=home.id, audience=Audience.residents, texts={"en": "ok"}
        )
        for target in (elsewhere.id, None):
            with pytest.raises(PermissionDenied):
                await create_broadcast(
                    session,
                    staff,
                    municipality_id=target,
                    audience=Audience.residents,
                    texts={"en": "no"},
                )
        await create_broadcast(
            session, admin, municipality_id=None, audience=Audience.everyone, texts={"en": "all"}
        )


async def test_cancel_skips_what_has_not_gone(app) -> None:
    home = await municipality(app, HOME)
    await residents(app, 3)
    async with app.sessions() as session, session.begin():
        broadcast = await create_home_broadcast(session, home.id, "Жыйын")
        await queue_broadcast(session, broadcast)
        assert await cancel_broadcast(session, broadcast) == 3
        assert broadcast.status == BroadcastStatus.cancelled
        assert await report(session, broadcast.id) == {"sim": {"skipped: cancelled": 3}}


async def test_a_scheduled_broadcast_is_queued_once_after_a_restart(database, app) -> None:
    home = await municipality(app, HOME)
    await residents(app, 2)
    async with app.sessions() as session, session.begin():
        later = await create_home_broadcast(
            session, home.id, "Кийин", send_at=utcnow() + timedelta(hours=1)
        )
        due = await create_home_broadcast(
            session, home.id, "Азыр", send_at=utcnow() - timedelta(minutes=1)
        )
    restarted = make_app(database)  # the schedule is in the database, not in a process
    async with restarted.sessions() as session, session.begin():
        assert await queue_due(session) == [due.id]
    async with restarted.sessions() as session, session.begin():
        assert await queue_due(session) == []  # never twice
        assert (await session.get(Broadcast, later.id)).status == BroadcastStatus.scheduled
        count = len(
            (
                await session.scalars(
                    select(OutboxMessage).where(OutboxMessage.broadcast_id == due.id)
                )
            ).all()
        )
    assert count == 2


async def test_a_broadcast_text_with_control_characters_is_stored_clean(app) -> None:
    home = await municipality(app, HOME)
    async with app.sessions() as session, session.begin():
        broadcast = await create_broadcast(
            session,
            None,
            municipality_id=home.id,
            audience=Audience.residents,
            texts={"ru": "Слушания\x00 в пятницу\r\nв 10:00\x1b", "en": "\x00"},
        )
    async with app.sessions() as session:
        stored = await session.get(type(broadcast), broadcast.id)
    assert stored.texts == {"ru": "Слушания в пятницу\nв 10:00"}
