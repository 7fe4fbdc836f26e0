"""What the platform itself declares through the domains' extension points (`bot.extensions`):
its commands, its job of the tick, the asides of identity (invite codes, shared phones), the bot's way into the web workspace and its audit log page."""

from bot.channels.whatsapp.commands import WHATSAPP_COMMAND
from bot.commands import COMMANDS as PLATFORM_COMMANDS
from bot.delivery.prune import PRUNE, RETAIN
from bot.identity.asides import ASIDES
from bot.web import bot_flow
from bot.web.audit_log import PAGES as AUDIT
from bot.web.commands import COMMAND as WEB

COMMANDS = (*PLATFORM_COMMANDS, WEB, WHATSAPP_COMMAND)
JOBS = (PRUNE, RETAIN)
FLOWS = (bot_flow.build,)
MENU = (bot_flow.ENTRY,)
PAGES = (AUDIT,)

__all__ = ["ASIDES", "COMMANDS", "FLOWS", "JOBS", "MENU", "PAGES"]
