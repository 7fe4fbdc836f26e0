"""Many residents at once, for the delivery tests that run thousands of messages."""

from __future__ import annotations

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Address, Municipality, Person
from models.base import utcnow

HOME = "JA-SUZAK-BARPY"


def phone(i: int) -> str:
    """The crowd's phone number of resident `i`."""
    return f"+99677{i:07d}"


async def add_residents(
    session: AsyncSession, count: int, first_chat: int, *, sms_every: int = 0
) -> int:
    """`count` consenting residents of HOME in the four languages, each on Telegram (chat
    `first_chat + i`) or, every `sms_every`-th from the first, on SMS (`phone(i)`). Written in
    two statements; the home municipality's id."""
    now = utcnow()
    home = await session.scalar(select(Municipality.id).where(Municipality.code == HOME))
    people = [
        {"language": ("ky", "ru", "uz", "en")[i % 4], "municipality_id": home, "role": "resident",
         "consent": "given", "created_at": now}
        for i in range(count)
    ]  # fmt: skip
    await session.execute(insert(Person), people)
    ids = (await session.scalars(select(Person.id).order_by(Person.id.desc()).limit(count))).all()
    addresses = []
    for i, person_id in enumerate(reversed(ids)):
        on_sms = bool(sms_every) and i % sms_every == 0
        addresses.append(
            {"person_id": person_id, "channel": "sms" if on_sms else "telegram",
             "value": phone(i) if on_sms else str(first_chat + i), "unreachable": False,
             "opted_out": False, "last_seen_at": now, "created_at": now}
        )  # fmt: skip
    await session.execute(insert(Address), addresses)
    return home
