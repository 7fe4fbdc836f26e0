"""NGOs: registering one (with its INN, municipalities and sectors), staff review, members who
join with a code, and their tender subscriptions — with the NGO hub menu they all live in."""

from bot.conversation.context import Context
from bot.conversation.menu import Menu, MenuEntry
from bot.i18n import N_
from handlers.ngos.flows import ngo_code, ngo_join, ngo_register, ngo_review, subscriptions
from handlers.ngos.ngos import approved_organization_of, may_register, organization_of
from handlers.ngos.pages import PAGES as NGO_PAGES
from models import ConsentStatus, Person

HUB = "ngo_menu"  # the NGOs and tenders hub; other domains add their entries to it


def _consented(ctx: Context) -> bool:
    return ctx.person.consent == ConsentStatus.given


def _staff(ctx: Context) -> bool:
    return ctx.person.is_staff


def _may_register(ctx: Context) -> bool:
    return may_register(ctx.person)


async def approved_member(ctx: Context) -> bool:
    """A member of an approved NGO (entries of the hub for them)."""
    if may_register(ctx.person):
        return False
    return await approved_organization_of(ctx.session, ctx.person) is not None


async def _hub_prompt(ctx: Context) -> str:
    organization = await organization_of(ctx.session, ctx.person)
    if organization is None:
        return ctx.t(
            N_(
                "NGOs and tenders: NGOs register here, and their members get the tenders of "
                "municipalities. What would you like to do?"
            )
        )
    return ctx.t(N_("NGOs and tenders. Your NGO: “{name}”."), name=organization.name)


async def _hub_empty(ctx: Context) -> str | None:
    """A pending application: nothing to do but wait."""
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


def _consented_person(person: Person) -> bool:
    return person.consent == ConsentStatus.given


FLOWS = (
    ngo_register.build,
    ngo_join.build,
    ngo_code.build,
    subscriptions.build,
    ngo_review.build,
)

MENUS = (
    Menu(
        HUB,
        _hub_prompt,
        empty=_hub_empty,
        allowed=_consented_person,
        refusal=N_("First give your consent to the processing of your data (in the menu)."),
    ),
)

MENU = (
    MenuEntry(HUB, N_("NGOs and tenders"), 60, _consented),
    MenuEntry("ngo_review", N_("NGO applications (staff)"), 140, _staff),
    MenuEntry("ngo_register", N_("Register an NGO"), 10, _may_register, HUB),
    MenuEntry("ngo_join", N_("Join an NGO"), 20, _may_register, HUB),
    MenuEntry("subscriptions", N_("Tender subscriptions"), 40, approved_member, HUB),
    MenuEntry("ngo_code", N_("Join code for colleagues"), 50, approved_member, HUB),
)

PAGES = (NGO_PAGES,)
