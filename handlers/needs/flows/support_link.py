"""Supporting one need a link pointed at (`handlers.needs.links`): the need as residents see it,
and "do you support it too?" — the same question, rules and answers as in the priorities."""

from __future__ import annotations

from bot.conversation.flow import Flow
from bot.conversation.steps import Confirm
from handlers.needs.flows.priorities import asks_support, finish_support, support_prompt
from handlers.needs.links import FLOW


def build() -> Flow:
    """Started with the need already chosen (`answers["need"]`); nothing to choose here."""
    return Flow(FLOW, [Confirm("support", support_prompt, when=asks_support)], finish_support)
