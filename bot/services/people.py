"""Finding the person behind an address, and removing a person's personal data on request."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Address,
    ConsentStatus,
    ConversationState,
    Need,
    NeedStatusChange,
    NeedSupport,
    Person,
)
from models.base import utcnow


async def find_address(session: AsyncSession, channel: str, value: str) -> Address | None:
    """The address `value` on `channel`, if anyone has written from it."""
    return await session.scalar(
        select(Address).where(Address.channel == channel, Address.value == value)
    )


async def resolve_address(session: AsyncSession, channel: str, value: str) -> tuple[Address, bool]:
    """The address and whether its person is new: a first message creates both.

    Two processes may see the same newcomer at once; the unique (channel, value) constraint lets
    one win and the other read the winner's row.
    """
    address = await find_address(session, channel, value)
    if address is not None:
        return address, False
    try:
        async with session.begin_nested():
            person = Person()
            session.add(person)
            await session.flush()
            address = Address(person_id=person.id, channel=channel, value=value)
            session.add(address)
            await session.flush()
        return address, True
    except IntegrityError:
        found = await find_address(session, channel, value)
        if found is None:
            raise
        return found, False


async def addresses_of(session: AsyncSession, person_id: int) -> list[Address]:
    """Every address of a person, oldest first."""
    result = await session.scalars(
        select(Address).where(Address.person_id == person_id).order_by(Address.id)
    )
    return list(result.all())


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


async def lock_person(session: AsyncSession, person_id: int) -> Person:
    """The person, locked for this transaction so their messages are handled one at a time.

    PostgreSQL takes a row lock; SQLite transactions already begin IMMEDIATE (one writer at a time).
    """
    person = await session.get(Person, person_id, with_for_update=True, populate_existing=True)
    if person is None:
        raise LookupError(f"person {person_id} vanished")
    return person


async def delete_personal_data(session: AsyncSession, person: Person) -> None:
    """Forget the person: addresses, conversation, role. Their need texts stay, without them."""
    await session.execute(
        update(Need).where(Need.reporter_id == person.id).values(reporter_id=None, photo_ref=None)
    )
    await session.execute(
        update(NeedSupport).where(NeedSupport.person_id == person.id).values(person_id=None)
    )
    await session.execute(
        update(NeedStatusChange).where(NeedStatusChange.staff_id == person.id).values(staff_id=None)
    )
    await session.delete(person)
    await session.flush()


def record_consent(person: Person, given: bool) -> None:
    """Store the answer to the consent question; a refusal keeps nothing else."""
    person.consent = ConsentStatus.given if given else ConsentStatus.refused
    person.consent_at = utcnow()
    if not given:
        person.municipality_id = None
