"""The join code: members of an approved NGO see the code colleagues join with, and may
replace it (the old one stops working)."""

from __future__ import annotations

from collections.abc import Sequence

from bot.audit import PermissionDenied
from bot.conversation.context import Context
from bot.conversation.flow import Flow
from bot.conversation.steps import Choose, Option, translated_options
from bot.i18n import N_
from handlers.ngos.ngos import approved_organization_of, is_member, regenerate_join_code

NEW_CODE, DONE = "new", "done"
CODE_ACTIONS = ((NEW_CODE, N_("Make a new code")), (DONE, N_("Done")))


async def _code_prompt(ctx: Context) -> str:
    organization = await approved_organization_of(ctx.session, ctx.person)
    if organization is None or organization.join_code is None:
        return ctx.t(N_("Your NGO gets a join code once municipal staff approve it."))
    return ctx.t(
        N_(
            "The join code of “{name}”: {code}\nColleagues choose “Join an NGO” under “NGOs and "
            "tenders” and send this code."
        ),
        name=organization.name,
        code=organization.join_code,
    )


async def _code_options(ctx: Context) -> Sequence[Option]:
    approved = await approved_organization_of(ctx.session, ctx.person) is not None
    return translated_options(ctx, [a for a in CODE_ACTIONS if approved or a[0] == DONE])


async def _code_finish(ctx: Context) -> str | None:
    if ctx.answers["action"] != NEW_CODE:
        return None
    try:
        code = await regenerate_join_code(ctx.session, ctx.person)
    except PermissionDenied:
        ctx.say(ctx.t(N_("Your NGO gets a join code once municipal staff approve it.")))
        return None
    ctx.say(ctx.t(N_("The new join code is {code}. The old one no longer works."), code=code))
    return None


def build() -> Flow:
    """A member of an approved NGO sees the code colleagues join with, and may replace it."""
    return Flow(
        "ngo_code",
        [Choose("action", _code_prompt, _code_options)],
        _code_finish,
        allowed=is_member,
        refusal=N_("This is only for members of an approved NGO."),
    )
