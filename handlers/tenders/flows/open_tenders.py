"""NGO members: the open tenders that match their subscriptions, soonest deadline first, and
one tender's details on demand."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.conversation.context import Context
from bot.conversation.flow import FINISH, Flow
from bot.conversation.messages import Inbound
from bot.conversation.steps import Choose, Invalid, Option, translated_options
from bot.formats import format_time
from bot.i18n import N_
from bot.text import shorten
from handlers.ngos.subscriptions import subscriptions_of
from handlers.tenders.alerts import details
from handlers.tenders.tenders import open_tenders_for
from models import Category, Municipality, Person, Role, Tender

OTHERS, DONE = "others", "done"
ACTIONS = ((OTHERS, N_("Other open tenders")), (DONE, N_("Done")))


def _is_member(person: Person) -> bool:
    return person.role == Role.ngo_member or person.organization_id is not None


async def _open(ctx: Context) -> list[Tender]:
    return await open_tenders_for(ctx.session, ctx.person)


async def _tender_options(ctx: Context) -> Sequence[Option]:
    options = []
    names: dict[int, str] = {}
    for tender in await _open(ctx):
        if tender.municipality_id not in names:
            unit = await ctx.session.get(Municipality, tender.municipality_id)
            names[tender.municipality_id] = unit.name(ctx.language)
        when = format_time(tender.deadline, ctx.settings.timezone, ctx.language)
        if ctx.caps.compact:
            label = f"{tender.reference} · {when[5:]} · {shorten(tender.title, 25)}"
        else:
            place = names[tender.municipality_id]
            label = f"{tender.reference} · {shorten(tender.title, 40)} · {place} · {when}"
        options.append(Option(str(tender.id), label, aliases=(tender.reference,)))
    return options


async def _has_tenders(ctx: Context) -> bool:
    return bool(await _open(ctx))


class ChooseOpenTender(Choose):
    """One of the listed tenders, also by its number; only tenders still open and followed."""

    async def accept(self, ctx: Context, message: Inbound) -> Any:
        value = await super().accept(ctx, message)
        if int(value) not in {t.id for t in await _open(ctx)}:
            raise Invalid(ctx.t(N_("This tender is no longer open.")))
        return value


async def _detail(ctx: Context) -> str:
    tender = await ctx.session.get(Tender, int(ctx.answers["tender"]))
    unit = await ctx.session.get(Municipality, tender.municipality_id)
    category = await ctx.session.get(Category, tender.category_id)
    heading = f"{tender.reference} · {unit.name(ctx.language)}: {tender.title}"
    lines = [heading, *details(ctx.translator, tender, category, ctx.settings.timezone)]
    if ctx.caps.compact:
        return "\n".join([shorten(heading, 70), *lines[2:4]])  # budget and deadline
    lines.append(ctx.t(N_("Full text: {description}"), description=tender.description))
    return "\n".join(lines)


async def _actions(ctx: Context) -> Sequence[Option]:
    return translated_options(ctx, ACTIONS)


async def _nothing_open(ctx: Context) -> str:
    """Why there is nothing to list: no subscriptions, all paused, or no open tender now."""
    subscriptions = await subscriptions_of(ctx.session, ctx.person)
    if not subscriptions:
        return ctx.t(
            N_(
                "You do not follow any tenders yet. Choose the municipalities and sectors under “NGOs and tenders” → “Tender subscriptions” in the menu."
            )
        )
    if all(s.paused for s in subscriptions):
        return ctx.t(
            N_(
                "Your subscriptions are paused. Resume them under “NGOs and tenders” → “Tender subscriptions” in the menu to see open tenders."
            )
        )
    return ctx.t(
        N_(
            "No tender matching your subscriptions is open now. You will get an alert when one is published."
        )
    )


async def _finish(ctx: Context) -> str | None:
    if "tender" not in ctx.answers:
        ctx.say(await _nothing_open(ctx))
        return None
    return "open_tenders" if ctx.answers.get("action") == OTHERS else None


def build() -> Flow:
    """NGO members read the open tenders they follow."""
    return Flow(
        "open_tenders",
        [
            ChooseOpenTender(
                "tender",
                N_("Open tenders you follow, soonest deadline first. Choose one for details."),
                _tender_options,
                short=N_("Open tenders:"),
                when=_has_tenders,
            ),
            Choose(
                "action",
                _detail,
                _actions,
                when=lambda ctx: "tender" in ctx.answers,
                next=lambda ctx: FINISH,
            ),
        ],
        _finish,
        allowed=_is_member,
        refusal=N_("Sorry, this is only for members of NGOs."),
    )
