"""Help: what Kenesh is and what can be written at any time."""

from __future__ import annotations

from bot.conversation.context import Context
from bot.conversation.flow import Flow
from bot.conversation.help import help_text
from bot.conversation.steps import Step
from bot.i18n import N_

ABOUT = N_(
    "Kenesh is the chat of your municipality for social services: report what your community "
    "needs, support the needs others reported, and follow what the municipality does about them."
)


async def _finish(ctx: Context) -> str | None:
    ctx.say(ctx.t(ABOUT) + "\n\n" + help_text(ctx, Step("help", "")))
    return None


def build() -> Flow:
    """A message, then back to the menu."""
    return Flow("help", [], _finish)
