"""What the tender flows share: questions for a budget, a deadline and a document link, the
words for a tender's status and for what the service refuses, and a tender as staff read it."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from bot.conversation.context import Context
from bot.conversation.messages import Inbound
from bot.conversation.steps import Ask, AskTime, Invalid
from bot.formats import format_time
from bot.i18n import N_, NP_
from bot.text import shorten
from handlers.tenders.alerts import details, money
from handlers.tenders.tenders import TenderError, parse_budget
from models import Category, Municipality, Organization, Tender, TenderStatus

# msgctxt "tender": in Russian and Kyrgyz the word agrees with "tender", not "announcement"
STATUS_NAMES = {
    TenderStatus.draft: NP_("tender", "draft"),
    TenderStatus.active: NP_("tender", "open"),
    TenderStatus.awarded: NP_("tender", "awarded"),
    TenderStatus.cancelled: NP_("tender", "cancelled"),
}

# what each TenderError code means to the person who asked
REFUSALS = {
    "budget": N_("Write the amount in som as a number, for example 150000 or 150 000.50."),
    "deadline_passed": N_("The deadline has passed. Set a deadline in the future first."),
    "not_draft": N_("This tender is already published."),
    "closed": N_("This tender is closed: it was awarded or cancelled."),
    "not_active": N_("Only an open tender can be changed this way."),
    "not_later": N_("The new deadline must be later than the current one."),
    "organization_not_approved": N_("This NGO is not approved."),
    "not_found": N_("There is no tender with this number in your municipality."),
}


def status_name(ctx: Context, status: TenderStatus) -> str:
    """The tender's status in the reader's language."""
    return ctx.translator.tp("tender", STATUS_NAMES[status])


def refusal(ctx: Context, error: TenderError) -> str:
    """Why the service refused, in the reader's language."""
    return ctx.t(REFUSALS.get(str(error), N_("This change cannot be made.")))


def with_alerted(ctx: Context, n: int, message: str) -> str:
    """`message`, then how many NGO members were told."""
    told = ctx.tn("{n} NGO member was alerted.", "{n} NGO members were alerted.", n)
    return f"{message} {told}"


class AskBudget(Ask):
    """An amount in som: "150 000", "150000.50"; stored as text, two decimals at most."""

    async def accept(self, ctx: Context, message: Inbound) -> Any:
        text = await super().accept(ctx, message)
        if text is None:
            return None
        try:
            return str(parse_budget(text))
        except TenderError:
            raise Invalid(ctx.t(REFUSALS["budget"])) from None


class AskDeadline(AskTime):
    """A Bishkek time in the future, "YYYY-MM-DD HH:MM" (stored as ISO text)."""


class AskLink(Ask):
    """An http(s) address of the tender's documents; skipping leaves none."""

    def __init__(self, name: str, prompt: str, **kwargs: Any) -> None:
        super().__init__(name, prompt, max_length=500, optional=True, **kwargs)

    async def accept(self, ctx: Context, message: Inbound) -> Any:
        text = await super().accept(ctx, message)
        if text is None:
            return None
        parts = urlsplit(text)
        if parts.scheme.lower() not in ("http", "https") or "." not in parts.netloc or " " in text:
            raise Invalid(
                ctx.t(
                    N_(
                        "This does not look like a web link. Write it like https://example.kg/tender."
                    )
                )
            )
        return text


def deadline_of(answer: str) -> datetime:
    """The deadline an AskDeadline answer holds."""
    return datetime.fromisoformat(answer)


async def describe_tender(ctx: Context, tender: Tender) -> str:
    """A tender as staff see it: number, status, municipality, title, then what NGOs read."""
    municipality = await ctx.session.get(Municipality, tender.municipality_id)
    category = await ctx.session.get(Category, tender.category_id)
    heading = f"{tender.reference} · {status_name(ctx, tender.status)}"
    place = municipality.name(ctx.language)
    if ctx.caps.compact:
        return "\n".join(
            [
                heading,
                shorten(tender.title, 60),
                ctx.t(
                    N_("Deadline: {time} (Bishkek time)"),
                    time=format_time(tender.deadline, ctx.settings.timezone, ctx.language),
                ),
            ]
        )
    lines = [
        heading,
        f"{place}: {tender.title}",
        *details(ctx.translator, tender, category, ctx.settings.timezone),
    ]
    lines.append(ctx.t(N_("Full text: {description}"), description=tender.description))
    if tender.status == TenderStatus.cancelled and tender.cancel_reason:
        lines.append(ctx.t(N_("Reason: {reason}"), reason=tender.cancel_reason))
    if tender.status == TenderStatus.awarded:
        lines.append(await _award_line(ctx, tender))
    return "\n".join(lines)


async def _award_line(ctx: Context, tender: Tender) -> str:
    winner = await ctx.session.get(Organization, tender.awarded_organization_id or 0)
    line = ctx.t(N_("Winner: {name}"), name=winner.name if winner else "—")
    if tender.award_amount is not None:
        line += f" · {money(tender.award_amount, ctx.translator)}"
    return line
