"""What the platform itself declares through the domains' extension points (`bot.extensions`):
its commands, its job of the tick, and the bot's way into the web workspace."""

from bot.commands import COMMANDS as PLATFORM_COMMANDS
from bot.delivery.prune import PRUNE
from bot.web import bot_flow
from bot.web.commands import COMMAND as WEB

COMMANDS = (*PLATFORM_COMMANDS, WEB)
JOBS = (PRUNE,)
FLOWS = (bot_flow.build,)
MENU = (bot_flow.ENTRY,)

__all__ = ["COMMANDS", "FLOWS", "JOBS", "MENU"]
