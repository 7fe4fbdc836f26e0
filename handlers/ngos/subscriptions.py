"""What NGO members subscribe to (municipalities × sectors, on one channel), and who gets a
tender's alert.

Only members of an approved NGO may subscribe, and only their subscriptions count: a member of a
pending or rejected NGO, or one whose subscriptions are paused, gets nothing.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot import audit
from bot.audit import PermissionDenied
from bot.identity.people import addresses_of
from handlers.ngos.ngos import approved_organization_of
from models import Organization, OrganizationStatus, Person, Subscription


async def subscribers(
    session: AsyncSession, municipality_id: int, category_id: int
) -> list[tuple[Person, str]]:
    """(member, channel) for every subscription to exactly this municipality and sector that is
    not paused and whose member belongs to an approved NGO; each person once, by id.

    Whether the channel's address still receives (opted out, unreachable) is the outbox's
    business: it records such a message as skipped.
    """
    rows = await session.execute(
        select(Person, Subscription.channel)
        .join(Subscription, Subscription.person_id == Person.id)
        .join(Organization, Organization.id == Person.organization_id)
        .where(
            Subscription.municipality_id == municipality_id,
            Subscription.category_id == category_id,
            Subscription.paused.is_(False),
            Organization.status == OrganizationStatus.approved,
        )
        .order_by(Person.id)
    )
    # one subscription per person × municipality × sector (a unique constraint), so one row each
    return [(person, channel) for person, channel in rows.all()]


async def subscription_channels(session: AsyncSession, person: Person) -> list[str]:
    """The channels the person has an address on that still receives, oldest address first."""
    channels: list[str] = []
    for address in await addresses_of(session, person.id):
        if not address.opted_out and address.channel not in channels:
            channels.append(address.channel)
    return channels


async def subscriptions_of(session: AsyncSession, person: Person) -> list[Subscription]:
    """The person's subscriptions, in the order they were made."""
    result = await session.scalars(
        select(Subscription).where(Subscription.person_id == person.id).order_by(Subscription.id)
    )
    return list(result.all())


async def _require_member(session: AsyncSession, person: Person, action: str) -> None:
    if await approved_organization_of(session, person) is None:
        await audit.record(session, person.id, action, "refused", "not an approved NGO member")
        raise PermissionDenied(action, "not an approved NGO member")


async def subscribe(
    session: AsyncSession,
    person: Person,
    municipality_ids: Iterable[int],
    category_ids: Iterable[int],
    channel: str,
) -> int:
    """Subscribe to every pair of the municipalities and sectors on `channel`; how many pairs
    are new. Pairs the person had already move to `channel` and keep their pause."""
    await _require_member(session, person, "subscribe")
    if channel not in await subscription_channels(session, person):
        raise ValueError(f"person {person.id} has no usable {channel} address")
    existing = {
        (s.municipality_id, s.category_id): s for s in await subscriptions_of(session, person)
    }
    paused = bool(existing) and all(s.paused for s in existing.values())
    added = 0
    for municipality_id in dict.fromkeys(municipality_ids):
        for category_id in dict.fromkeys(category_ids):
            found = existing.get((municipality_id, category_id))
            if found is not None:
                found.channel = channel
                continue
            session.add(
                Subscription(
                    person_id=person.id,
                    municipality_id=municipality_id,
                    category_id=category_id,
                    channel=channel,
                    paused=paused,  # someone who paused everything stays paused until resuming
                )
            )
            added += 1
    await session.flush()
    await audit.record(session, person.id, "subscribe", "ok", f"added={added} channel={channel}")
    return added


async def unsubscribe(session: AsyncSession, person: Person, subscription_id: int) -> bool:
    """Remove one of the person's own subscriptions; False if they have no such one."""
    result = await session.execute(
        delete(Subscription).where(
            Subscription.id == subscription_id, Subscription.person_id == person.id
        )
    )
    return bool(result.rowcount)


async def set_paused(session: AsyncSession, person: Person, paused: bool) -> int:
    """Pause or resume all of the person's subscriptions; how many changed."""
    result = await session.execute(
        update(Subscription)
        .where(Subscription.person_id == person.id, Subscription.paused.is_not(paused))
        .values(paused=paused)
        .execution_options(synchronize_session="fetch")
    )
    return int(result.rowcount or 0)
