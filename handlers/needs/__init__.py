"""Needs: what residents report their community needs — reporting one, following one's own,
supporting the priorities of a municipality (or one need a link points at), staff triage, and the same needs as Open311
GeoReport v2 service requests for outside apps."""

from bot.conversation.context import Context
from bot.conversation.menu import MenuEntry
from bot.i18n import N_
from handlers.needs import commands
from handlers.needs.flows import my_needs, priorities, report_need, staff_needs, support_link
from handlers.needs.links import open_linked_need
from handlers.needs.open311 import build_open311_router
from handlers.needs.pages import PAGES as NEEDS_PAGES
from handlers.needs.public import PUBLIC as NEEDS_PUBLIC
from handlers.needs.public_need import PUBLIC as NEED_PAGE
from models import ConsentStatus


def _consented(ctx: Context) -> bool:
    return ctx.person.consent == ConsentStatus.given


def _staff(ctx: Context) -> bool:
    return ctx.person.is_staff


FLOWS = (
    report_need.build,
    my_needs.build,
    priorities.build,
    staff_needs.build,
    support_link.build,
)

MENU = (
    MenuEntry("report_need", N_("Report a need"), 20, _consented),
    MenuEntry("my_needs", N_("My reports"), 30, _consented),
    MenuEntry("priorities", N_("Priorities of my community"), 40),
    MenuEntry("staff_needs", N_("Needs of my municipality (staff)"), 80, _staff),
)

COMMANDS = (commands.COMMAND,)

ROUTES = (build_open311_router,)

PAGES = (NEEDS_PAGES,)

# a link to one need ("support this too" on its public page) opens the bot at that need
ASIDES = (open_linked_need,)

# the need's own page, and the priorities it adds to a municipality's page
PUBLIC = (NEED_PAGE, NEEDS_PUBLIC)
