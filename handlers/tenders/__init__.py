"""Tenders: municipal social-procurement tenders — staff draft, publish, edit, extend, cancel and
award them; subscribed NGO members are alerted and reminded; everything is published as OCDS
1.1 releases (and imported from other publishers' packages)."""

from sqlalchemy.ext.asyncio import AsyncSession

from bot.conversation.context import Context
from bot.conversation.menu import MenuEntry
from bot.i18n import N_
from bot.schedule import Job, Tick
from handlers.ngos import HUB, approved_member
from handlers.tenders import commands
from handlers.tenders.alerts import send_due_reminders
from handlers.tenders.flows import open_tenders, staff_tenders, tender_new
from handlers.tenders.pages import PAGES as TENDERS_PAGES
from handlers.tenders.public import PUBLIC as TENDERS_PUBLIC
from handlers.tenders.routes import ocds_routes
from models import Role


async def _send_due_reminders(session: AsyncSession, tick: Tick) -> int:
    return await send_due_reminders(session, tick.settings)


def _staff(ctx: Context) -> bool:
    return ctx.person.is_staff


def _ngo_member(ctx: Context) -> bool:
    return ctx.person.role == Role.ngo_member and ctx.person.organization_id is not None


FLOWS = (staff_tenders.build, tender_new.build, open_tenders.build)

MENU = (
    # NGO members: the shortest way to what they need
    MenuEntry("open_tenders", N_("Open tenders"), 70, _ngo_member),
    MenuEntry("staff_tenders", N_("Tenders (staff)"), 120, _staff),
    MenuEntry("open_tenders", N_("Open tenders"), 30, approved_member, HUB),
)

COMMANDS = (commands.COMMAND,)

JOBS = (Job("tender reminders", _send_due_reminders, "tender reminders queued for %s subscribers"),)

ROUTES = (ocds_routes,)

PAGES = (TENDERS_PAGES,)

PUBLIC = (TENDERS_PUBLIC,)
