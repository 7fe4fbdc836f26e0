"""Broadcasts: announcements to residents or NGOs of a municipality (or all), in several
languages, filtered and previewed, sent now or at a set time; their authors follow the
progress and get one report when nothing is left to send."""

from sqlalchemy.ext.asyncio import AsyncSession

from bot.conversation.context import Context
from bot.conversation.menu import MenuEntry
from bot.i18n import N_
from bot.schedule import Job, Tick
from handlers.broadcasts import commands
from handlers.broadcasts.broadcasts import queue_due
from handlers.broadcasts.flows import broadcast, my_broadcasts
from handlers.broadcasts.pages import PAGES as BROADCASTS_PAGES
from handlers.broadcasts.progress import finish_broadcasts
from handlers.broadcasts.public import PUBLIC as BROADCASTS_PUBLIC


def _staff(ctx: Context) -> bool:
    return ctx.person.is_staff


async def _queue_due(session: AsyncSession, tick: Tick) -> list[int]:
    return await queue_due(session)


async def _finish(session: AsyncSession, tick: Tick) -> list[int]:
    return await finish_broadcasts(session)


FLOWS = (broadcast.build, my_broadcasts.build)

MENU = (
    MenuEntry("broadcast", N_("Announcement (staff)"), 90, _staff),
    MenuEntry("my_broadcasts", N_("My announcements (staff)"), 100, _staff),
)

COMMANDS = (commands.COMMAND,)

JOBS = (
    Job("queue due broadcasts", _queue_due, "queued broadcasts %s"),
    Job("finish broadcasts", _finish, "finished broadcasts %s; reports queued for their authors"),
)

PAGES = (BROADCASTS_PAGES,)

PUBLIC = (BROADCASTS_PUBLIC,)
