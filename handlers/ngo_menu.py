"""NGOs and tenders: the one place for everything about NGOs — registering or joining one, and
for members of an approved NGO their tenders, subscriptions and join code."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence

from bot.conversation.context import Context
from bot.conversation.flow import Flow
from bot.conversation.steps import Choose, Option
from bot.i18n import N_
from bot.services.ngos import approved_organization_of, may_register, organization_of
from models import ConsentStatus, Person

REGISTER, JOIN, OPEN_TENDERS = "ngo_register", "ngo_join", "open_tenders"
ITEMS: tuple[tuple[str, str], ...] = (
    (REGISTER, N_("Register an NGO")),
    (JOIN, N_("Join an NGO")),
    (OPEN_TENDERS, N_("Open tenders")),
    ("subscriptions", N_("Tender subscriptions")),
    ("ngo_code", N_("Join code for colleagues")),
)


def _no_flows() -> Collection[str]:
    return ()


def build(flow_names: Callable[[], Collection[str]] = _no_flows) -> Flow:
    """The hub. `flow_names` tells which flows exist, so an item shows only once its flow does
    (open tenders are another module's)."""

    async def options(ctx: Context) -> Sequence[Option]:
        if may_register(ctx.person):
            shown = {REGISTER, JOIN}
        elif await approved_organization_of(ctx.session, ctx.person) is not None:
            shown = {key for key, _ in ITEMS} - {REGISTER, JOIN}
        else:
            shown = set()  # a pending application: nothing to do but wait
        if OPEN_TENDERS not in flow_names():
            shown.discard(OPEN_TENDERS)
        return [
            Option(key, ctx.t(label), aliases=ctx.all_translations(label))
            for key, label in ITEMS
            if key in shown
        ]

    async def has_options(ctx: Context) -> bool:
        return bool(await options(ctx))

    return Flow(
        "ngo_menu",
        [Choose("action", _prompt, options, when=has_options)],
        _finish,
        allowed=_consented,
        refusal=N_("First give your consent to the processing of your data (in the menu)."),
    )


async def _prompt(ctx: Context) -> str:
    organization = await organization_of(ctx.session, ctx.person)
    if organization is None:
        return ctx.t(
            N_(
                "NGOs and tenders: NGOs register here, and their members get the tenders of "
                "municipalities. What would you like to do?"
            )
        )
    return ctx.t(N_("NGOs and tenders. Your NGO: “{name}”."), name=organization.name)


async def _finish(ctx: Context) -> str | None:
    if "action" in ctx.answers:
        return str(ctx.answers["action"])
    organization = await organization_of(ctx.session, ctx.person)
    ctx.say(
        ctx.t(
            N_(
                "The application of “{name}” is waiting for review by municipal staff. We will "
                "write to you once it is decided."
            ),
            name=organization.name if organization else "—",
        )
    )
    return None


def _consented(person: Person) -> bool:
    return person.consent == ConsentStatus.given
