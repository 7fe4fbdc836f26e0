"""A person's say over their data: consent to its processing, and deleting it on request."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.account import groups
from models import ConsentStatus, Need, NeedStatusChange, NeedSupport, Person
from models.base import utcnow


async def delete_personal_data(session: AsyncSession, person: Person) -> None:
    """Forget the person: addresses, conversation, role, their answers about the groups they
    belong to. Their need texts stay, without them."""
    await groups.forget(session, person.id)
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
