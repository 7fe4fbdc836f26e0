"""A report's files leave the outbox a day after they were sent; their text stays."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.conversation.messages import Document, Reply
from bot.conversation.outbox import reply_rows
from bot.delivery.prune import drop_sent_files
from bot.identity.people import addresses_of
from models import OutboxMessage, OutboxStatus, Person
from models.base import utcnow
from models.outbox import FILE_REPLY
from tests.factories import create_resident


async def test_files_are_dropped_a_day_after_sending_and_the_text_stays(app) -> None:
    resident = await create_resident(app, "reader")
    sheet = Reply(text="Needs report", document=Document("needs.xlsx", "application/x", b"PK" * 9))
    async with app.sessions() as session, session.begin():
        person = await session.get(Person, resident.id)
        [address] = await addresses_of(session, person.id)
        rows = reply_rows(person, address, [sheet, sheet, sheet, Reply(text="Menu")])
        assert [row["kind"] for row in rows] == [FILE_REPLY] * 3 + ["reply"]
        old, recent, waiting = utcnow() - timedelta(days=2), utcnow(), utcnow() - timedelta(days=2)
        for row, status, when in zip(
            rows,
            (OutboxStatus.sent, OutboxStatus.sent, OutboxStatus.queued, OutboxStatus.sent),
            (old, recent, waiting, old),
            strict=True,
        ):
            session.add(OutboxMessage(**(row | {"status": status, "created_at": when})))
    async with app.sessions() as session, session.begin():
        assert await drop_sent_files(session) == 1
    async with app.sessions() as session:
        messages = (await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all()
    assert messages[0].payload is None and messages[0].body == "Needs report"  # sent long ago
    assert messages[1].payload["document"]["name"] == "needs.xlsx"  # sent just now: kept a day
    assert messages[2].payload["document"]["name"] == "needs.xlsx"  # not sent yet
    assert messages[3].payload is not None  # no file: nothing to drop
