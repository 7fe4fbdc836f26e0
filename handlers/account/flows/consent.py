"""Giving consent later, after having refused it during onboarding."""

from __future__ import annotations

from bot.conversation.context import Context
from bot.conversation.flow import Flow
from bot.conversation.steps import Confirm
from bot.i18n import N_
from handlers.account.flows.onboarding import CONSENT_PROMPT, CONSENT_SHORT
from handlers.account.flows.places import place_steps, store_place
from handlers.account.privacy import record_consent


async def _finish(ctx: Context) -> str | None:
    if not ctx.answers.get("consent"):
        ctx.say(ctx.t(N_("Nothing changed: we still keep nothing about you.")))
        return None
    record_consent(ctx.person, True)
    await store_place(ctx)
    ctx.say(
        ctx.t(
            N_("Thank you! You can now report needs and support the priorities of your community.")
        )
    )
    return None


def build() -> Flow:
    """Consent first, then the municipality (which a refusal did not keep)."""
    return Flow(
        "consent",
        [
            Confirm(
                "consent",
                CONSENT_PROMPT,
                short=CONSENT_SHORT,
                next=lambda ctx: "place1" if ctx.answers["consent"] else None,
            ),
            *place_steps(),
        ],
        _finish,
    )
