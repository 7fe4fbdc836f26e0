"""Telling NGOs about tenders: alerts on every change to the subscribers of the tender's
municipality and sector, each in their language on the channel they chose, through the outbox;
and reminders before the deadline, durable in the database and sent once by whichever process
takes them first."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels import REGISTRY
from bot.conversation.messages import Capabilities, Reply
from bot.delivery import notify
from bot.formats import format_fixed, format_number, format_time
from bot.i18n import N_, Translator, translator
from bot.settings import Settings
from bot.text import shorten
from handlers.ngos.subscriptions import subscribers
from models import (
    Category,
    Municipality,
    Organization,
    Person,
    Tender,
    TenderReminder,
    TenderStatus,
)
from models.base import utcnow
from models.outbox import BULK


class Change(enum.StrEnum):
    """What happened to a tender, as subscribers are told."""

    published = "published"
    updated = "updated"
    extended = "extended"
    cancelled = "cancelled"
    awarded = "awarded"
    reminder = "reminder"


HEADINGS = {
    Change.published: N_("New tender {ref} of {municipality}: {title}"),
    Change.updated: N_("Tender {ref} of {municipality} has changed: {title}"),
    Change.extended: N_("The deadline of tender {ref} is extended: {title}"),
    Change.cancelled: N_("Tender {ref} of {municipality} is cancelled: {title}"),
    Change.awarded: N_("Tender {ref} of {municipality} is awarded: {title}"),
}


def money(amount: Decimal, tr: Translator) -> str:
    """150 000 som (two decimals only when there are cents)."""
    whole = amount == amount.to_integral_value()
    number = format_number(amount, tr.language) if whole else format_fixed(amount, tr.language, 2)
    return tr.t(N_("{amount} som"), amount=number)


def details(tr: Translator, tender: Tender, category: Category, zone: str) -> list[str]:
    """Sector, budget, deadline, how to apply, document — the lines an NGO needs to act."""
    lines = [
        tr.t(N_("Sector: {sector}"), sector=category.name(tr.language)),
        tr.t(N_("Budget: {budget}"), budget=money(tender.budget, tr)),
        tr.t(
            N_("Deadline: {time} (Bishkek time)"),
            time=format_time(tender.deadline, zone, tr.language),
        ),
        tr.t(N_("How to apply: {how}"), how=tender.how_to_apply),
    ]
    if tender.document_url:
        lines.append(tr.t(N_("Documents: {url}"), url=tender.document_url))
    return lines


def capabilities_of(channel: str) -> Capabilities:
    """What the channel can carry: on a compact one (SMS) every segment costs, so alerts there
    are short and within the channel's size (the full text stays under "Open tenders")."""
    known = REGISTRY.get(channel)
    return known.capabilities if known else Capabilities()


async def render(
    session: AsyncSession,
    tender: Tender,
    change: Change,
    language: str,
    days: int = 0,
    caps: Capabilities | None = None,
    *,
    zone: str,
) -> str:
    """The alert about `change` for a reader of `language` on a channel that can carry `caps`
    (compact: the heading and what matters most, as much as fits); times in `zone`."""
    tr = translator(language)
    compact = caps is not None and caps.compact
    municipality = await session.get(Municipality, tender.municipality_id)
    category = await session.get(Category, tender.category_id)
    names = {
        "ref": tender.reference,
        "municipality": municipality.name(language),
        "title": shorten(tender.title, 50) if compact else tender.title,
    }
    if change == Change.reminder:
        heading = tr.tn(
            "Reminder: tender {ref} closes in {n} day: {title}",
            "Reminder: tender {ref} closes in {n} days: {title}",
            days,
            **names,
        )
    else:
        heading = tr.t(HEADINGS[change], **names)
    lines: list[str] = []
    if change == Change.cancelled:
        if tender.cancel_reason:
            reason = shorten(tender.cancel_reason, 120) if compact else tender.cancel_reason
            lines.append(tr.t(N_("Reason: {reason}"), reason=reason))
    elif change == Change.awarded:
        winner = await session.get(Organization, tender.awarded_organization_id)
        lines.append(tr.t(N_("Winner: {name}"), name=winner.name if winner else "—"))
    elif change == Change.extended:
        lines.append(
            tr.t(
                N_("New deadline: {time} (Bishkek time)"),
                time=format_time(tender.deadline, zone, tr.language),
            )
        )
    elif compact:  # most needed first: the last lines go if it does not fit
        sector, budget, deadline, how, *document = details(tr, tender, category, zone)
        lines += [deadline, budget, shorten(how, 90), *document, sector]
    else:
        lines += details(tr, tender, category, zone)
    if change in (Change.published, Change.updated) and not compact:
        lines.append(tr.t(N_("Full text: {description}"), description=tender.description))
    text = "\n".join([heading, *lines])
    while compact and caps is not None and lines and not _fits(text, caps):
        lines.pop()
        text = "\n".join([heading, *lines])
    return text


def _fits(text: str, caps: Capabilities) -> bool:
    if caps.fits is not None:
        return caps.fits(Reply(text=text))
    return len(text) <= caps.max_length


async def _audience(
    session: AsyncSession, tender: Tender, change: Change
) -> list[tuple[Person, str | None]]:
    """The subscribers; for an award, also every member of the winning NGO."""
    chosen = list(await subscribers(session, tender.municipality_id, tender.category_id))
    if change == Change.awarded and tender.awarded_organization_id:
        known = {person.id for person, _ in chosen}
        members = await session.scalars(
            select(Person).where(Person.organization_id == tender.awarded_organization_id)
        )
        chosen += [(member, None) for member in members.all() if member.id not in known]
    return chosen


async def announce(
    session: AsyncSession, tender: Tender, change: Change, days: int = 0, *, zone: str
) -> int:
    """Queue the alert about `change` for everyone concerned, times in `zone` (TIMEZONE); how
    many were queued."""
    texts: dict[tuple[str, bool], str] = {}
    queued = 0
    for person, channel in await _audience(session, tender, change):
        language = person.language or "ky"
        address = await notify.preferred_address(session, person, channel)
        caps = capabilities_of(address.channel) if address is not None else Capabilities()
        key = (language, caps.compact)
        if key not in texts:
            texts[key] = await render(session, tender, change, language, days, caps, zone=zone)
        message = await notify.enqueue(
            session, person, texts[key], kind=f"tender_{change}", address=address, priority=BULK
        )
        queued += message is not None
    return queued


async def schedule_reminders(
    session: AsyncSession, tender: Tender, days: Sequence[int] | None
) -> None:
    """(Re)plan the tender's reminders `days` before its deadline (None: the days it already
    has). A reminder whose time moved into the future goes again; one whose time has passed
    is not made. A tender no longer open keeps none."""
    existing = {
        r.days_before: r
        for r in (
            await session.scalars(
                select(TenderReminder).where(TenderReminder.tender_id == tender.id)
            )
        ).all()
    }
    if tender.status != TenderStatus.active:
        await session.execute(
            delete(TenderReminder).where(
                TenderReminder.tender_id == tender.id, TenderReminder.sent_at.is_(None)
            )
        )
        return
    now = utcnow()
    for offset in days if days is not None else list(existing):
        due = tender.deadline - timedelta(days=offset)
        reminder = existing.get(offset)
        if due <= now:
            if reminder is not None and reminder.sent_at is None:
                await session.delete(reminder)
            continue
        if reminder is None:
            session.add(TenderReminder(tender_id=tender.id, days_before=offset, due_at=due))
        else:
            reminder.due_at, reminder.sent_at = due, None
    await session.flush()


async def send_due_reminders(session: AsyncSession, settings: Settings) -> int:
    """Send every reminder whose time has come, each once across processes (rows locked with
    SKIP LOCKED, marked sent in the same transaction as the alerts it queues)."""
    now = utcnow()
    due = (
        await session.execute(
            select(TenderReminder, Tender)
            .join(Tender, Tender.id == TenderReminder.tender_id)
            .where(
                TenderReminder.sent_at.is_(None),
                TenderReminder.due_at <= now,
                Tender.status == TenderStatus.active,
            )
            .order_by(TenderReminder.due_at)
            .with_for_update(of=TenderReminder, skip_locked=True)
        )
    ).all()
    sent = 0
    for reminder, tender in due:
        reminder.sent_at = now
        if tender.deadline > now:
            sent += await announce(
                session, tender, Change.reminder, reminder.days_before, zone=settings.timezone
            )
    return sent
