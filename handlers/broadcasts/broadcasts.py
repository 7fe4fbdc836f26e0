"""Broadcasts: creating them, queueing them in the outbox, cancelling, reporting (who gets
them: `audience`; what they cost: `preview`).

The audience is never loaded into Python: queueing is INSERT … SELECT in the database, by ranges
of person ids, so a million recipients cost a few statements, not a million objects.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Select, and_, case, func, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot import audit
from bot.audit import PermissionDenied
from bot.delivery.outcomes import broadcast_outcomes
from bot.settings import LANGUAGES
from bot.text import clean_text
from handlers.broadcasts.audience import recipients, signed_texts
from models import (
    Audience,
    Broadcast,
    BroadcastStatus,
    OutboxMessage,
    OutboxStatus,
    Person,
    Role,
)
from models.base import utcnow
from models.outbox import BULK, URGENT

SLICE = 50_000  # person ids per INSERT … SELECT


def clean_texts(texts: dict[str, str]) -> dict[str, str]:
    """The texts as they will be sent: typed in the bot, the workspace or at the command line,
    cleaned like every message people send; languages left empty dropped."""
    cleaned = {lang: clean_text(text).strip() for lang, text in texts.items() if text}
    return {lang: text for lang, text in cleaned.items() if text}


async def check_reach(session: AsyncSession, author: Person, municipality_id: int | None) -> None:
    """Refuse (and record) a broadcast the author may not make: staff reach only their
    municipality; all municipalities (None), admins only. The preview asks it too."""
    allowed = author.role == Role.admin or (
        municipality_id is not None and author.may_manage(municipality_id)
    )
    if not allowed:
        await audit.record(
            session, author.id, "broadcast", "refused", f"municipality={municipality_id}"
        )
        raise PermissionDenied("broadcast", f"municipality={municipality_id}")


async def create_broadcast(
    session: AsyncSession,
    author: Person | None,
    *,
    municipality_id: int | None,
    audience: Audience,
    texts: dict[str, str],
    send_at: datetime | None = None,
    channels: list[str] | None = None,
    languages: list[str] | None = None,
    category_id: int | None = None,
    urgent: bool = False,
) -> Broadcast:
    """A broadcast, checked: staff reach only their municipality; all municipalities, admins
    only (`author` None is the command line, which is an operator's)."""
    texts = clean_texts(texts)
    if not texts or any(lang not in LANGUAGES for lang in texts):
        raise ValueError(f"give a text in at least one of {', '.join(LANGUAGES)}")
    if author is not None:
        await check_reach(session, author, municipality_id)
    broadcast = Broadcast(
        author_id=author.id if author else None,
        municipality_id=municipality_id,
        audience=audience,
        texts=texts,
        channels=channels or None,
        languages=languages or None,
        category_id=category_id,
        status=BroadcastStatus.scheduled,
        send_at=send_at or utcnow(),
        urgent=urgent,
    )
    session.add(broadcast)
    await session.flush()
    if urgent:  # it breaks the quiet hours people were promised: who and when is kept
        await audit.record(
            session,
            author.id if author else None,
            "broadcast_urgent",
            "ok",
            f"broadcast={broadcast.id}",
        )
    return broadcast


async def queue_broadcast(session: AsyncSession, broadcast: Broadcast) -> int:
    """Put one outbox row per recipient in the outbox (blocked addresses as skipped rows)."""
    chosen = recipients(broadcast).subquery()
    texts = await signed_texts(session, broadcast)
    body = case(
        *((chosen.c.language == lang, literal(texts[lang])) for lang in LANGUAGES),
        else_=literal(texts[None]),
    )
    status = case((chosen.c.blocked, OutboxStatus.skipped.value), else_=OutboxStatus.queued.value)
    error = case((chosen.c.opted_out, "opted_out"), (chosen.c.blocked, "unreachable"), else_=None)
    table = OutboxMessage.__table__
    columns = ["person_id", "address_id", "channel", "body", "kind", "priority", "status", "error",
               "attempts", "broadcast_id", "created_at"]  # fmt: skip
    top = await session.scalar(select(func.max(Person.id))) or 0
    total = 0
    for low in range(0, top + 1, SLICE):
        selection = select(
            chosen.c.person_id,
            chosen.c.address_id,
            chosen.c.channel,
            body,
            literal("broadcast"),
            literal(URGENT if broadcast.urgent else BULK),
            status,
            error,
            literal(0),
            literal(broadcast.id),
            literal(utcnow()),
        ).where(and_(chosen.c.person_id > low, chosen.c.person_id <= low + SLICE))
        result = await session.execute(table.insert().from_select(columns, selection))
        total += result.rowcount or 0
    broadcast.status = BroadcastStatus.queued
    broadcast.queued_at = utcnow()
    return total


async def queue_due(session: AsyncSession) -> list[int]:
    """Queue every scheduled broadcast whose time has come; each by one process only."""
    due = await session.scalars(
        select(Broadcast)
        .where(Broadcast.status == BroadcastStatus.scheduled, Broadcast.send_at <= utcnow())
        .order_by(Broadcast.send_at)
        .with_for_update(skip_locked=True)
    )
    started = []
    for broadcast in due.all():
        await queue_broadcast(session, broadcast)
        started.append(broadcast.id)
    return started


async def cancel_broadcast(session: AsyncSession, broadcast: Broadcast) -> int:
    """Stop a broadcast: nothing more of it is sent; the number of messages that will not go."""
    broadcast.status = BroadcastStatus.cancelled
    result = await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.broadcast_id == broadcast.id, OutboxMessage.status == OutboxStatus.queued
        )
        .values(status=OutboxStatus.skipped, error="cancelled")
    )
    return result.rowcount or 0


async def outcome_counts(
    session: AsyncSession, broadcast_id: int
) -> list[tuple[str, OutboxStatus, str | None, str | None, int]]:
    """(channel, status, provider_status, error, count) over a broadcast's messages, those
    already deleted from the outbox past OUTBOX_RETENTION_DAYS included (their tallies)."""
    return await broadcast_outcomes(session, broadcast_id)


async def report(session: AsyncSession, broadcast_id: int) -> dict[str, dict[str, int]]:
    """Messages of a broadcast by channel and state, with failure reasons as `failed: reason`;
    a sent message whose delivery the provider confirmed counts as delivered."""
    figures: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for channel, status, provider_status, error, count in await outcome_counts(
        session, broadcast_id
    ):
        if status == OutboxStatus.sent and provider_status == "delivered":
            status = OutboxStatus.delivered
        key = (
            f"{status}: {error}"
            if status in (OutboxStatus.failed, OutboxStatus.skipped) and error
            else str(status)
        )
        figures[channel][key] += count
    return {channel: dict(states) for channel, states in figures.items()}


async def broadcasts_for_staff(
    session: AsyncSession, staff: Person, limit: int = 30
) -> Sequence[Broadcast]:
    """The broadcasts a staff member wrote for their municipality (admins: every one), newest
    first."""
    query = select(Broadcast).order_by(Broadcast.created_at.desc(), Broadcast.id.desc())
    if staff.role != Role.admin:
        query = query.where(
            Broadcast.author_id == staff.id,
            Broadcast.municipality_id == staff.staff_municipality_id,
        )
    return (await session.scalars(query.limit(limit))).all()


async def _scoped(session: AsyncSession, staff: Person, municipality_id: int | None) -> Select:
    """The broadcasts `staff` may follow: their municipality's (admins: every one, or one
    municipality's); another municipality's is refused and recorded."""
    if staff.role != Role.admin:
        if municipality_id is None:
            municipality_id = staff.staff_municipality_id
        if municipality_id is None or not staff.may_manage(municipality_id):
            await audit.record(
                session, staff.id, "open_broadcast", "refused", f"municipality={municipality_id}"
            )
            raise PermissionDenied("open_broadcast", f"municipality={municipality_id}")
    query = select(Broadcast)
    if municipality_id is not None:
        query = query.where(Broadcast.municipality_id == municipality_id)
    return query


async def municipality_broadcasts(
    session: AsyncSession,
    staff: Person,
    municipality_id: int | None = None,
    limit: int = 100,
    offset: int = 0,
) -> Sequence[Broadcast]:
    """Every broadcast of the staff member's municipality, whoever wrote it (admins: every one,
    or one municipality's), newest first; another municipality's is refused and recorded."""
    query = await _scoped(session, staff, municipality_id)
    query = query.order_by(Broadcast.created_at.desc(), Broadcast.id.desc())
    return (await session.scalars(query.offset(offset).limit(limit))).all()


async def count_broadcasts(
    session: AsyncSession, staff: Person, municipality_id: int | None = None
) -> int:
    """How many `municipality_broadcasts` lists in all (the workspace's pages)."""
    query = await _scoped(session, staff, municipality_id)
    return await session.scalar(select(func.count()).select_from(query.subquery())) or 0


async def broadcast_for_staff(
    session: AsyncSession, staff: Person, broadcast_id: int, *, lock: bool = False
) -> Broadcast:
    """A broadcast the staff member may follow and cancel: one of their municipality (admins:
    any); refused and recorded otherwise. `lock` holds the row until the transaction ends."""
    query = (
        select(Broadcast)
        .where(Broadcast.id == broadcast_id)
        .execution_options(populate_existing=True)
    )
    broadcast = await session.scalar(query.with_for_update() if lock else query)
    allowed = broadcast is not None and (
        staff.role == Role.admin
        or (broadcast.municipality_id is not None and staff.may_manage(broadcast.municipality_id))
    )
    if not allowed:
        await audit.record(
            session, staff.id, "open_broadcast", "refused", f"broadcast={broadcast_id}"
        )
        raise PermissionDenied("open_broadcast", f"broadcast={broadcast_id}")
    return broadcast


def is_running(broadcast: Broadcast) -> bool:
    """Whether the broadcast can still be stopped: waiting for its time, or still sending."""
    return broadcast.finished_at is None and broadcast.status in (
        BroadcastStatus.scheduled,
        BroadcastStatus.queued,
    )


async def cancel_for_staff(session: AsyncSession, staff: Person, broadcast_id: int) -> int | None:
    """Cancel a broadcast from the bot (scope checked, recorded); the messages that will not go,
    or None if it had already finished."""
    broadcast = await broadcast_for_staff(session, staff, broadcast_id, lock=True)
    if not is_running(broadcast):
        return None
    stopped = await cancel_broadcast(session, broadcast)
    await audit.record(
        session, staff.id, "cancel_broadcast", "ok", f"broadcast={broadcast.id} stopped={stopped}"
    )
    return stopped
