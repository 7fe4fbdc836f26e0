"""A person's addresses, and locking a person for a change."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import (
    Address,
    Person,
)


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
