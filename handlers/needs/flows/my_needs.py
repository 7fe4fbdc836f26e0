"""My needs ("My reports" in the menu): the needs a person reported, with their status and the
latest staff comment."""

from __future__ import annotations

from bot.conversation.context import Context
from bot.conversation.flow import Flow
from bot.i18n import N_
from bot.text import shorten
from handlers.needs.needs import STATUS_NAMES, category_name, needs_of

SHOWN = 10


async def _finish(ctx: Context) -> str | None:
    shown = 3 if ctx.caps.compact else SHOWN
    needs = await needs_of(ctx.session, ctx.person, limit=shown + 1)
    if not needs:
        ctx.say(ctx.t(N_("You have not reported any needs yet.")))
        return None
    blocks = [ctx.t(N_("Your reports:"))]
    for need in needs[:shown]:
        category = await category_name(ctx.session, need.category_id, ctx.language)
        block = f"{need.reference} · {category} · {ctx.t(STATUS_NAMES[need.status])}\n{shorten(need.description, 30 if ctx.caps.compact else 80)}"
        if need.staff_comment:
            block += "\n" + ctx.t(
                N_("Comment from the municipality: {comment}"), comment=need.staff_comment
            )
        blocks.append(block)
    if len(needs) > shown:
        blocks.append(ctx.t(N_("Only your {n} latest reports are shown."), n=shown))
    ctx.say("\n\n".join(blocks))
    return None


def build() -> Flow:
    """A list, then back to the menu."""
    return Flow("my_needs", [], _finish)
