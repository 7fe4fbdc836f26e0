"""Linking a verified phone number to a person, merging two records of the same human.

Someone who wrote by SMS and later shares the same phone on Telegram is one person: their
addresses, reports, supports and history end up on the record that is talking now.
"""

from __future__ import annotations

from sqlalchemy import delete, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.services import audit
from models import (
    Address,
    AuditEvent,
    Beneficiary,
    Broadcast,
    ConsentStatus,
    ConversationState,
    Invite,
    Need,
    NeedStatusChange,
    NeedSupport,
    OutboxMessage,
    Person,
    Role,
    Subscription,
    SurveyAnswer,
    SurveyInvitation,
    Tender,
)

PHONE_CHANNEL = "sms"
RANK = {Role.resident: 0, Role.ngo_member: 1, Role.staff: 2, Role.admin: 3}


async def link_phone(session: AsyncSession, person: Person, phone: str) -> bool:
    """Attach `phone` (E.164, verified as the person's own) to `person`; True if it was new to them."""
    address = await session.scalar(
        select(Address).where(Address.channel == PHONE_CHANNEL, Address.value == phone)
    )
    if address is None:
        session.add(Address(person_id=person.id, channel=PHONE_CHANNEL, value=phone))
        await session.flush()
        await audit.record(session, person.id, "link_phone", "ok")
        return True
    if address.person_id == person.id:
        return False
    other = await session.get(Person, address.person_id, with_for_update=True)
    if other is not None:
        await merge_people(session, keep=person, other=other)
    return True


async def merge_people(session: AsyncSession, keep: Person, other: Person) -> None:
    """Move everything of `other` onto `keep`, then delete `other`."""
    # rows both have (one support per need, one subscription per pair…): keep's stay
    for model, keys in (
        (NeedSupport, ("need_id",)),
        (Subscription, ("municipality_id", "category_id")),
        (Beneficiary, ("service_id",)),
        (SurveyInvitation, ("survey_id",)),
        (SurveyAnswer, ("question_id",)),
    ):
        mine = select(*(getattr(model, key) for key in keys)).where(model.person_id == keep.id)
        theirs = tuple_(*(getattr(model, key) for key in keys))
        await session.execute(delete(model).where(model.person_id == other.id, theirs.in_(mine)))
    for model, column in (
        (Address, Address.person_id),
        (Need, Need.reporter_id),
        (NeedSupport, NeedSupport.person_id),
        (NeedStatusChange, NeedStatusChange.staff_id),
        (OutboxMessage, OutboxMessage.person_id),
        (AuditEvent, AuditEvent.person_id),
        (Invite, Invite.redeemed_by),
        (Subscription, Subscription.person_id),
        (Beneficiary, Beneficiary.person_id),
        (SurveyInvitation, SurveyInvitation.person_id),
        (SurveyAnswer, SurveyAnswer.person_id),
        (Broadcast, Broadcast.author_id),
        (Tender, Tender.created_by_id),
    ):
        await session.execute(update(model).where(column == other.id).values({column.key: keep.id}))
    if RANK[other.role] > RANK[keep.role]:
        keep.role, keep.staff_municipality_id = other.role, other.staff_municipality_id
    keep.language = keep.language or other.language
    keep.municipality_id = keep.municipality_id or other.municipality_id
    keep.organization_id = keep.organization_id or other.organization_id
    if keep.consent == ConsentStatus.unknown:
        keep.consent, keep.consent_at = other.consent, other.consent_at
    await session.execute(delete(ConversationState).where(ConversationState.person_id == other.id))
    await session.flush()
    other_id = other.id
    session.expunge(other)
    await session.execute(delete(Person).where(Person.id == other_id))
    await audit.record(session, keep.id, "merge_person", "ok", f"merged={other_id}")
