"""Asides: what looks at a message before the person's flow does (an invite code, a shared
phone number, a link that opens the bot at one need). The platform and the domains declare
them (`ASIDES`, see `bot.extensions`); the engine asks each in turn.

An aside returns False to let the message through, True when it took the message (the current
question is then asked again), or a `Jump` to take the person somewhere else.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from bot.conversation.context import Context
from bot.conversation.messages import Inbound
from bot.conversation.steps import Step


@dataclass(frozen=True)
class Jump:
    """Where an aside takes a person: `flow`, started with `answers` already given — after
    onboarding for someone who has not finished it, so a newcomer is set up first and then
    lands where the link pointed."""

    flow: str
    answers: dict[str, Any] = field(default_factory=dict)


Aside = Callable[[Context, Inbound, Step | None], Awaitable[bool | Jump]]
