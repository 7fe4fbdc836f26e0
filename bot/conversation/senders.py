"""Who is writing: the address a message came from, its person and their conversation state,
found (or created for a first message) and locked for the turn's transaction."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from models import Address, ConversationState, Person

LOCK_SLICE = 500  # people locked by one statement


async def find_address(session: AsyncSession, channel: str, value: str) -> Address | None:
    """The address `value` on `channel`, if anyone has written from it."""
    return await session.scalar(
        select(Address).where(Address.channel == channel, Address.value == value)
    )


async def resolve_address(
    session: AsyncSession, channel: str, value: str, same_person_on: Collection[str] = ()
) -> tuple[Address, bool]:
    """The address and whether its person is new: a first message creates both.

    `same_person_on`: channels whose addresses are the same kind of verified identifier (phone
    numbers on SMS and WhatsApp). A first message from a value known on one of them joins that
    address's person, so one human writing both ways has one history.

    Two processes may see the same newcomer at once; the unique (channel, value) constraint lets
    one win and the other read the winner's row.
    """
    address = await find_address(session, channel, value)
    if address is not None:
        return address, False
    twin = await _twin(session, channel, value, same_person_on)
    try:
        async with session.begin_nested():
            if twin is None:
                person = Person()
                session.add(person)
                await session.flush()
            address = Address(
                person_id=twin.person_id if twin else person.id, channel=channel, value=value
            )
            session.add(address)
            await session.flush()
        return address, twin is None
    except IntegrityError:
        found = await find_address(session, channel, value)
        if found is None:
            raise
        return found, False


async def _twin(
    session: AsyncSession, channel: str, value: str, same_person_on: Collection[str]
) -> Address | None:
    """The oldest address of `value` on another channel of `same_person_on`."""
    others = [code for code in same_person_on if code != channel]
    if channel not in same_person_on or not others:
        return None
    return await session.scalar(
        select(Address)
        .where(Address.channel.in_(others), Address.value == value)
        .order_by(Address.id)
        .limit(1)
    )


async def lock_sender(
    session: AsyncSession, channel: str, value: str
) -> tuple[Address, Person, ConversationState | None] | None:
    """The address, its person (row-locked) and their conversation state."""
    return (await lock_senders(session, channel, [value])).get(value)


async def lock_senders(
    session: AsyncSession, channel: str, values: list[str]
) -> dict[str, tuple[Address, Person, ConversationState | None]]:
    """Addresses of one channel with their people, locked in person-id order (so two batches
    never wait on each other in a circle), and their conversation states.

    The states are read only once the locks are held, in a second statement: PostgreSQL
    re-reads just the locked row after waiting for a lock, so a state joined into the locking
    SELECT could be the version from before the other transaction committed.
    """
    if not values:
        return {}
    rows = (
        await session.execute(
            select(Address, Person)
            .join(Person, Address.person_id == Person.id)
            .where(Address.channel == channel, Address.value.in_(values))
            .order_by(Person.id)
            .with_for_update(of=Person)
            .execution_options(populate_existing=True)
        )
    ).all()
    if not rows:
        return {}
    states = await session.scalars(
        select(ConversationState)
        .where(ConversationState.person_id.in_([person.id for _, person in rows]))
        .execution_options(populate_existing=True)
    )
    by_person = {state.person_id: state for state in states.all()}
    return {address.value: (address, person, by_person.get(person.id)) for address, person in rows}


async def lock_people(
    session: AsyncSession, person_ids: set[int]
) -> dict[int, tuple[Person, ConversationState | None]]:
    """People who did not write (a tick moving their conversations), row-locked in id order —
    FOR NO KEY UPDATE: it waits for and holds off their turns, yet lets rows that refer to them
    be written — with their conversation states read once the locks are held."""
    found: dict[int, tuple[Person, ConversationState | None]] = {}
    ids = sorted(person_ids)
    for start in range(0, len(ids), LOCK_SLICE):
        chunk = ids[start : start + LOCK_SLICE]
        people = await session.scalars(
            select(Person)
            .where(Person.id.in_(chunk))
            .order_by(Person.id)
            .with_for_update(key_share=True)
            .execution_options(populate_existing=True)
        )
        states = await session.scalars(
            select(ConversationState)
            .where(ConversationState.person_id.in_(chunk))
            .execution_options(populate_existing=True)
        )
        by_person = {state.person_id: state for state in states.all()}
        found |= {person.id: (person, by_person.get(person.id)) for person in people.all()}
    return found
