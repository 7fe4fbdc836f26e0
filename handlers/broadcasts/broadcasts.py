"""Broadcasts: who gets them, what they cost, queueing them in the outbox, cancelling, reporting.

The audience is never loaded into Python: queueing is INSERT … SELECT in the database, by ranges
of person ids, so a million recipients cost a few statements, not a million objects.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import Select, and_, case, exists, func, literal, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot import audit
from bot.audit import PermissionDenied
from bot.channels.sms.kind import CODE as SMS
from bot.channels.sms.operators import operator_of, splits
from bot.channels.sms.parts import split_parts
from bot.channels.sms.segments import count_segments, to_gsm
from bot.channels.whatsapp.kind import CODE as WHATSAPP
from bot.channels.whatsapp.sender import WINDOW
from bot.channels.whatsapp.templates import BY_KIND
from bot.delivery.outcomes import broadcast_outcomes
from bot.i18n import N_, Translator, text_for, translator
from bot.settings import LANGUAGES, get_settings
from bot.text import clean_text
from models import (
    Address,
    Audience,
    Broadcast,
    BroadcastStatus,
    ConsentStatus,
    Municipality,
    Need,
    NeedSupport,
    OutboxMessage,
    OutboxStatus,
    Person,
    Role,
)
from models.base import utcnow
from models.outbox import BULK, URGENT

DEFAULT_READER = "ky"  # as text_for falls back for a reader of no language

SLICE = 50_000  # person ids per INSERT … SELECT


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
    # typed in the bot or at the command line: cleaned like every message people send
    texts = {lang: clean_text(text).strip() for lang, text in texts.items() if text}
    texts = {lang: text for lang, text in texts.items() if text}
    if not texts or any(lang not in LANGUAGES for lang in texts):
        raise ValueError(f"give a text in at least one of {', '.join(LANGUAGES)}")
    if author is not None:
        allowed = author.role == Role.admin or (
            municipality_id is not None and author.may_manage(municipality_id)
        )
        if not allowed:
            await audit.record(
                session, author.id, "broadcast", "refused", f"municipality={municipality_id}"
            )
            raise PermissionDenied("broadcast", f"municipality={municipality_id}")
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


def _recipients(broadcast: Broadcast) -> Select:
    """(person id, address id, channel, language, blocked, opted_out) — each person once, on the address
    they wrote from most recently, preferring one that can still receive."""
    blocked = or_(Address.opted_out, Address.unreachable)
    ranked = (
        select(
            Person.id.label("person_id"),
            Address.id.label("address_id"),
            Address.channel.label("channel"),
            Person.language.label("language"),
            blocked.label("blocked"),
            Address.opted_out.label("opted_out"),
            Address.value.label("address"),
            Address.last_seen_at.label("seen_at"),
            func.row_number()
            .over(
                partition_by=Person.id,
                order_by=(case((blocked, 1), else_=0), Address.last_seen_at.desc(), Address.id),
            )
            .label("rank"),
        )
        .join(Address, Address.person_id == Person.id)
        .where(Person.consent == ConsentStatus.given)
    )
    if broadcast.municipality_id is not None:
        ranked = ranked.where(Person.municipality_id == broadcast.municipality_id)
    roles = {
        Audience.residents: [Role.resident, Role.staff, Role.admin],
        Audience.ngos: [Role.ngo_member],
        Audience.everyone: list(Role),
    }[broadcast.audience]
    ranked = ranked.where(Person.role.in_(roles))
    if broadcast.channels:
        ranked = ranked.where(Address.channel.in_(broadcast.channels))
    if broadcast.languages:
        ranked = ranked.where(Person.language.in_(broadcast.languages))
    if broadcast.category_id is not None:
        reported = exists().where(
            Need.reporter_id == Person.id, Need.category_id == broadcast.category_id
        )
        supported = exists().where(
            NeedSupport.person_id == Person.id,
            NeedSupport.need_id == Need.id,
            Need.category_id == broadcast.category_id,
        )
        ranked = ranked.where(or_(reported, supported))
    inner = ranked.subquery()
    return select(inner).where(inner.c.rank == 1)


KENESH = N_("Kenesh")  # the sender of a broadcast to every municipality


async def signed_texts(session: AsyncSession, broadcast: Broadcast) -> dict[str | None, str]:
    """What each language's readers receive: the text, after who speaks — the municipality's
    name in their language (Kenesh for every municipality's). None: a reader of no language."""
    unit = (
        await session.get(Municipality, broadcast.municipality_id)
        if broadcast.municipality_id
        else None
    )
    signed = {}
    for language in (*LANGUAGES, None):
        tr = translator(language or DEFAULT_READER)
        sender = unit.name(tr.language) if unit else tr.t(KENESH)
        sender = sender[:1].upper() + sender[1:]  # "айыльный аймак Барпы" opens the message
        # "Name: text" reads the same in the four languages
        signed[language] = f"{sender}: {text_for(broadcast.texts, language)}"
    return signed


@dataclass
class Preview:
    """Recipients per channel, those who will be skipped, and what the SMS part costs; on
    WhatsApp, who is within the 24-hour window (a free-form message) and who is not (a template
    of `whatsapp_category`, which Meta charges), and the days the number's messaging limit
    spreads the templates over."""

    recipients: dict[str, int] = field(default_factory=dict)
    skipped: int = 0
    sms_segments: int = 0
    # SMS that will really go, per operator (split ones counted part by part)
    sms_by_operator: dict[str, int] = field(default_factory=dict)
    whatsapp_open: int = 0
    whatsapp_closed: int = 0
    whatsapp_category: str = BY_KIND["broadcast"].category
    whatsapp_days: int = 1


async def preview(
    session: AsyncSession,
    broadcast: Broadcast,
    daily_limit: int | None = None,
    split_operators: frozenset[str] | None = None,
) -> Preview:
    """What sending `broadcast` now would do (`daily_limit`: WhatsApp's messaging-limit tier;
    `split_operators`: SMS_SPLIT_OPERATORS, whose numbers get a long SMS in single parts)."""
    chosen = _recipients(broadcast).subquery()
    in_window = chosen.c.seen_at > utcnow() - WINDOW
    # the operator is in the number: +996 and three digits (only SMS numbers are grouped so)
    prefix = case((chosen.c.channel == SMS, func.substr(chosen.c.address, 1, 7)), else_="")
    rows = await session.execute(
        select(
            chosen.c.channel, chosen.c.language, chosen.c.blocked, in_window, prefix, func.count()
        ).group_by(chosen.c.channel, chosen.c.language, chosen.c.blocked, in_window, prefix)
    )
    result, recipients = Preview(), defaultdict(int)
    texts = await signed_texts(session, broadcast)
    by_operator: dict[str, int] = defaultdict(int)
    split = get_settings().split_operators if split_operators is None else split_operators
    for channel, language, blocked, open_window, number, count in rows.all():
        if blocked:
            result.skipped += count
            continue
        recipients[channel] += count
        if channel == SMS:
            text = to_gsm(texts.get(language, texts[None]))
            sample = (number or "") + "000000"  # a whole number of that prefix
            if splits(sample, split):  # separate single SMS, each one segment
                cost = len(split_parts(text)) * count
            else:
                cost = count_segments(text).count * count
            result.sms_segments += cost
            by_operator[operator_of(sample)] += cost
        elif channel == WHATSAPP and open_window:
            result.whatsapp_open += count
        elif channel == WHATSAPP:
            result.whatsapp_closed += count
    result.recipients = dict(recipients)
    result.sms_by_operator = dict(by_operator)
    if daily_limit and result.whatsapp_closed:
        result.whatsapp_days = math.ceil(result.whatsapp_closed / daily_limit)
    return result


CATEGORIES = {"marketing": N_("marketing"), "utility": N_("utility")}


def whatsapp_lines(tr: Translator, seen: Preview) -> list[str]:
    """The WhatsApp part of a preview: who is within the window, who gets the template and
    its category, and how many days the number's limit spreads it over."""
    if not (seen.whatsapp_open or seen.whatsapp_closed):
        return []
    lines = [
        tr.t(
            N_(
                "WhatsApp: {open} within the 24-hour window, {closed} outside it, who get a "
                "{category} template (Meta charges for it)."
            ),
            open=seen.whatsapp_open,
            closed=seen.whatsapp_closed,
            category=tr.t(CATEGORIES[seen.whatsapp_category]),
        )
    ]
    if seen.whatsapp_days > 1:
        lines.append(
            tr.tn(
                "The number's messaging limit spreads the templates over {n} day.",
                "The number's messaging limit spreads the templates over {n} days.",
                seen.whatsapp_days,
            )
        )
    return lines


async def queue_broadcast(session: AsyncSession, broadcast: Broadcast) -> int:
    """Put one outbox row per recipient in the outbox (blocked addresses as skipped rows)."""
    chosen = _recipients(broadcast).subquery()
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
