"""What staff are asked before a tender is published or awarded, the same in the bot and in the
workspace: the publication alerts every subscribed NGO at once, and an award closes the tender,
before its deadline if applications are still being accepted."""

from __future__ import annotations

from decimal import Decimal

from bot.formats import format_time
from bot.i18n import N_, Translator
from handlers.tenders.alerts import money
from models import Tender
from models.base import utcnow


def publish_question(tr: Translator, tender: Tender) -> str:
    """Publish the draft?"""
    return tr.t(
        N_("Publish tender {ref}? The subscribed NGOs are alerted at once."), ref=tender.reference
    )


def award_question(
    tr: Translator, tender: Tender, winner: str, amount: Decimal | None, zone: str
) -> list[str]:
    """Award it to `winner`? Its lines, a warning first while the deadline is still ahead (NGOs
    may still be preparing their applications)."""
    lines = [tr.t(N_("Award tender {ref} to “{name}”?"), ref=tender.reference, name=winner)]
    if amount is not None:
        lines.append(tr.t(N_("Contract amount: {amount}"), amount=money(amount, tr)))
    lines.append(tr.t(N_("The subscribed NGOs and the winner's members will be told.")))
    if tender.deadline > utcnow():
        warning = N_(
            "⚠ Applications are still accepted until {time} (Bishkek time). Awarding now "
            "closes the tender before its deadline."
        )
        time = format_time(tender.deadline, zone, tr.language)
        lines.insert(0, tr.t(warning, time=time))
    return lines
