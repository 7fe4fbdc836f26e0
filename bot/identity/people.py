"""A person's addresses, locking a person for a change, and removing their personal data on request."""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Address,
    ConsentStatus,
    Need,
    NeedStatusChange,
    NeedSupport,
    Person,
)
from models.base import utcnow


async def addresses_of(session: AsyncSession, person_id: int) -> list[Address]:
    """Every address of a person, oldest first."""
    result = await session.scalars(
        select(Address).where(Address.person_id == person_id).order_by(Address.id)
    )
    return list(result.all())


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
