"""Quiet hours at the moment of sending an announcement: the preview says it will wait, and
offers "urgent" beside yes and no.

The choice is offered only when the announcement would be held (QUIET_HOURS are set and it is
due inside them): an officer announcing at noon is never asked, and the option cannot become a
habit that nobody reads. Urgent is for what cannot wait until morning (no water tomorrow, a
flood warning); the service records who sent one (`broadcast_urgent` in the audit).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.conversation.context import Context
from bot.conversation.steps import Option, translated_options
from bot.delivery.quiet import QuietHours, quiet_hours
from bot.i18n import N_
from bot.settings import Settings
from models.base import utcnow

YES, URGENT, NO = "yes", "urgent", "no"


def due_at(ctx: Context) -> datetime:
    """When the announcement being written is due: the time set, or now."""
    at = ctx.answers.get("at") if ctx.answers.get("when") == "later" else None
    return datetime.fromisoformat(at) if at else utcnow()


def holding_at(settings: Settings, due: datetime) -> QuietHours | None:
    """The quiet hours that would hold an announcement due at `due`; None: it goes then (the
    workspace's compose page asks it too)."""
    quiet = quiet_hours(settings.quiet_hours, settings.timezone)
    return quiet if quiet is not None and quiet.covers(due) else None


def holding(ctx: Context) -> QuietHours | None:
    """The quiet hours that would hold this announcement when it is due; None: it goes then."""
    return holding_at(ctx.settings, due_at(ctx))


QUIET = N_(
    "Quiet hours ({start}–{end}): it will wait until {end}. Choose “Urgent” only for "
    "an emergency that cannot wait until then; that is recorded."
)
URGENT_LABEL = N_("Urgent: send in quiet hours too")
HELD = N_("Quiet hours: it goes out at {end}.")


def quiet_line(ctx: Context) -> str | None:
    """The preview's line on quiet hours, when they would hold the announcement."""
    quiet = holding(ctx)
    if quiet is None:
        return None
    span = {"start": f"{quiet.start:%H:%M}", "end": f"{quiet.end:%H:%M}"}
    return ctx.brief(
        QUIET,
        N_("Quiet hours until {end}."),  # an SMS: the preview and three options in 3 segments
        **span,
    )


async def send_options(ctx: Context) -> Sequence[Option]:
    """Yes and no; and "urgent" between them while quiet hours would hold it."""
    pairs = [(YES, N_("Yes"))]
    if holding(ctx) is not None:
        label = N_("Urgent") if ctx.caps.compact else URGENT_LABEL
        pairs.append((URGENT, label))
    pairs.append((NO, N_("No")))
    return translated_options(ctx, pairs)


def held_line(ctx: Context, answer: str) -> str | None:
    """After sending: when the announcement will really go, if quiet hours hold it."""
    quiet = holding(ctx)
    if quiet is None or answer == URGENT:
        return None
    return ctx.t(HELD, end=f"{quiet.end:%H:%M}")
