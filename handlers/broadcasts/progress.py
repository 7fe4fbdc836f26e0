"""How a broadcast is going: its messages by channel and outcome, and the final report.

A broadcast is finished when none of its messages waits any more (queued or sending). The process
whose tick sees it first marks it and tells the author: the broadcast row is locked with SKIP
LOCKED and the mark is a conditional UPDATE, so two processes never both send the report.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from sqlalchemy import exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels import channel_name
from bot.delivery import notify
from bot.i18n import N_, Translator, text_for, translator
from bot.text import shorten
from handlers.broadcasts.broadcasts import outcome_counts
from models import Broadcast, BroadcastStatus, OutboxMessage, OutboxStatus, Person
from models.base import utcnow

STATUS_NAMES = {
    BroadcastStatus.scheduled: N_("scheduled"),
    BroadcastStatus.queued: N_("sending"),
    BroadcastStatus.done: N_("finished"),
    BroadcastStatus.cancelled: N_("cancelled"),
}
# why a message was skipped (outbox `error`), as the author reads it
SKIP_REASONS = {
    "opted_out": N_("stopped"),
    "unreachable": N_("unreachable"),
    "cancelled": N_("announcement cancelled"),
    # WhatsApp's 24-hour window was closed and the kind has no approved template
    "no_template": N_("WhatsApp window closed, no template"),
    "moved": N_("WhatsApp window closed, sent on another channel"),
}
SENT, DELIVERED, FAILED, SKIPPED, WAITING_LABEL = (
    N_("sent"),
    N_("delivered"),
    N_("failed"),
    N_("skipped"),
    N_("waiting"),
)
WAITING = (OutboxStatus.queued, OutboxStatus.sending)
REASONS_SHOWN = 3


@dataclass
class Figures:
    """One channel's messages of a broadcast by outcome; reasons count failed and skipped ones."""

    waiting: int = 0  # queued or sending
    sent: int = 0  # the provider took it (delivered ones included)
    delivered: int = 0  # the provider confirmed delivery
    failed: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)

    def add(self, other: Figures) -> None:
        """Add another channel's figures to these."""
        self.waiting += other.waiting
        self.sent += other.sent
        self.delivered += other.delivered
        self.failed.update(other.failed)
        self.skipped.update(other.skipped)


async def progress(session: AsyncSession, broadcast_id: int) -> dict[str, Figures]:
    """The messages of a broadcast by channel and outcome."""
    figures: dict[str, Figures] = defaultdict(Figures)
    for channel, status, provider_status, error, count in await outcome_counts(
        session, broadcast_id
    ):
        seen = figures[channel]
        if status in WAITING:
            seen.waiting += count
        elif status in (OutboxStatus.sent, OutboxStatus.delivered):
            seen.sent += count
            if status == OutboxStatus.delivered or provider_status == "delivered":
                seen.delivered += count
        elif status == OutboxStatus.failed:
            seen.failed[error or "?"] += count
        else:
            seen.skipped[error or "?"] += count
    return dict(figures)


def reasons_line(tr: Translator, reasons: Counter[str], names: dict[str, str]) -> str:
    """“stopped (3), unreachable (1), … (2)”: the commonest reasons, named with `names`."""
    common = reasons.most_common(REASONS_SHOWN)
    shown = [f"{tr.t(names[r]) if r in names else r[:60]} ({n})" for r, n in common]
    rest = sum(reasons.values()) - sum(n for _, n in common)
    return ", ".join(shown + ([f"… ({rest})"] if rest else []))


def figures_line(tr: Translator, seen: Figures) -> str:
    """sent (delivered), failed, skipped and, while it runs, waiting — in one line."""
    parts = [
        f"{tr.t(SENT)}: {seen.sent} ({tr.t(DELIVERED)}: {seen.delivered})",
        f"{tr.t(FAILED)}: {sum(seen.failed.values())}",
        f"{tr.t(SKIPPED)}: {sum(seen.skipped.values())}",
    ]
    if seen.waiting:
        parts.insert(0, f"{tr.t(WAITING_LABEL)}: {seen.waiting}")
    return ", ".join(parts)


def describe(tr: Translator, figures: dict[str, Figures], compact: bool = False) -> list[str]:
    """Lines for people: per channel (or, compact, all channels in one), with failure and skip
    reasons."""
    if not figures:
        return [tr.t(N_("No messages."))]
    if compact:
        total = Figures()
        for seen in figures.values():
            total.add(seen)
        return [figures_line(tr, total)]
    lines = []
    for channel, seen in sorted(figures.items()):
        lines.append(f"{channel_name(channel, tr)} — {figures_line(tr, seen)}")
        if seen.failed:
            lines.append(f"  {tr.t(FAILED)}: {reasons_line(tr, seen.failed, {})}")
        if seen.skipped:
            lines.append(f"  {tr.t(SKIPPED)}: {reasons_line(tr, seen.skipped, SKIP_REASONS)}")
    return lines


def final_report(tr: Translator, broadcast: Broadcast, figures: dict[str, Figures]) -> str:
    """What the author is told when the broadcast has finished (or stopped, if cancelled)."""
    heading = (
        N_("Announcement {id} was cancelled: “{text}”")
        if broadcast.status == BroadcastStatus.cancelled
        else N_("Announcement {id} has finished: “{text}”")
    )
    text = shorten(text_for(broadcast.texts, tr.language), 60)
    return "\n".join([tr.t(heading, id=broadcast.id, text=text), *describe(tr, figures)])


async def finish_broadcasts(session: AsyncSession) -> list[int]:
    """Mark every broadcast with no message left waiting as finished (queued → done; cancelled
    stays) and queue one report to its author; the ids marked."""
    # Each broadcast row is locked first, then its messages: the order cancelling takes too,
    # so two processes (or a tick and a cancel) never wait on each other in a circle.
    unfinished = await session.scalars(
        select(Broadcast)
        .where(
            Broadcast.finished_at.is_(None),
            Broadcast.status.in_([BroadcastStatus.queued, BroadcastStatus.cancelled]),
        )
        .order_by(Broadcast.id)
        .with_for_update(skip_locked=True)
    )
    finished = []
    for broadcast in unfinished.all():
        if broadcast.status == BroadcastStatus.cancelled:
            # a message left `sending` by a dead process goes back to the queue later; its
            # broadcast was cancelled meanwhile, so it must not go either
            await session.execute(
                update(OutboxMessage)
                .where(
                    OutboxMessage.broadcast_id == broadcast.id,
                    OutboxMessage.status == OutboxStatus.queued,
                )
                .values(status=OutboxStatus.skipped, error="cancelled")
                .execution_options(synchronize_session=False)
            )
        waiting = await session.scalar(
            select(
                exists().where(
                    OutboxMessage.broadcast_id == broadcast.id, OutboxMessage.status.in_(WAITING)
                )
            )
        )
        if waiting:
            continue
        outcome = (
            BroadcastStatus.done
            if broadcast.status == BroadcastStatus.queued
            else BroadcastStatus.cancelled
        )
        marked = await session.execute(
            update(Broadcast)
            .where(Broadcast.id == broadcast.id, Broadcast.finished_at.is_(None))
            .values(status=outcome, finished_at=utcnow())
            .execution_options(synchronize_session="fetch")
        )
        if marked.rowcount != 1:  # another process got there first
            continue
        await _tell_author(session, broadcast)
        finished.append(broadcast.id)
    return finished


async def _tell_author(session: AsyncSession, broadcast: Broadcast) -> None:
    author = await session.get(Person, broadcast.author_id) if broadcast.author_id else None
    if author is None:  # the command line's, or the author deleted their data
        return
    tr = translator(author.language or "ky")
    figures = await progress(session, broadcast.id)
    await notify.enqueue(
        session, author, final_report(tr, broadcast, figures), kind="broadcast_report"
    )
