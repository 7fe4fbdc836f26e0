"""Join codes: members of an approved NGO see theirs (and may replace it); anyone else joins an
NGO by sending its code. Two small flows about one thing: `build` joins, `build_code` shows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.audit import PermissionDenied
from bot.conversation.context import Context
from bot.conversation.flow import Flow
from bot.conversation.messages import Inbound
from bot.conversation.steps import Ask, Choose, Invalid, Option
from bot.i18n import N_
from bot.services.ngos import (
    approved_organization_of,
    join_organization,
    may_register,
    regenerate_join_code,
)
from models import Person, Role

NEW_CODE, DONE = "new", "done"
CODE_ACTIONS = ((NEW_CODE, N_("Make a new code")), (DONE, N_("Done")))


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
    return [
        Option(key, ctx.t(label), aliases=ctx.all_translations(label))
        for key, label in CODE_ACTIONS
        if approved or key == DONE
    ]


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


def is_member(person: Person) -> bool:
    """A member of an NGO with the rights of one (approval itself is checked by the services)."""
    return person.organization_id is not None and person.role != Role.resident


def build_code() -> Flow:
    """A member of an approved NGO sees the code colleagues join with, and may replace it."""
    return Flow(
        "ngo_code",
        [Choose("action", _code_prompt, _code_options)],
        _code_finish,
        allowed=is_member,
        refusal=N_("This is only for members of an approved NGO."),
    )
