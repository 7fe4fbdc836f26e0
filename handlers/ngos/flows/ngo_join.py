"""Joining an NGO: someone not in one yet sends the join code its members gave them."""

from __future__ import annotations

from typing import Any

from bot.conversation.context import Context
from bot.conversation.flow import Flow
from bot.conversation.messages import Inbound
from bot.conversation.steps import Ask, Invalid
from bot.i18n import N_
from handlers.ngos.ngos import (
    join_organization,
    may_register,
)


class AskJoinCode(Ask):
    """A join code; the person joins its NGO as soon as one is right."""

    async def accept(self, ctx: Context, message: Inbound) -> Any:
        typed = await super().accept(ctx, message)
        organization = await join_organization(ctx.session, ctx.person, typed)
        if organization is None:
            raise Invalid(ctx.t(N_("No approved NGO has this code. Check it and send it again.")))
        return organization.name


async def _join_finish(ctx: Context) -> str | None:
    ctx.say(
        ctx.t(
            N_(
                "Welcome to “{name}”! You can now subscribe to tenders under “NGOs and tenders” "
                "in the menu."
            ),
            name=ctx.answers["code"],
        )
    )
    return None


def build() -> Flow:
    """Someone not yet in an NGO joins one with the code its members gave them."""
    return Flow(
        "ngo_join",
        [
            AskJoinCode(
                "code",
                N_(
                    "Send the join code of your NGO (like 7QH4-M2XP). Its members can find it in the bot."
                ),
                max_length=40,
            ),
        ],
        _join_finish,
        allowed=may_register,
        refusal=N_(
            "An NGO can be joined by someone who has given consent (in the menu) and is not a "
            "member of an NGO yet."
        ),
    )
