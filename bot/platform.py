"""What the platform itself declares through the domains' extension points (`bot.extensions`):
its commands and its job of the tick."""

from bot.channels.whatsapp.commands import WHATSAPP_COMMAND
from bot.commands import COMMANDS as OWN
from bot.delivery.prune import PRUNE

COMMANDS = (*OWN, WHATSAPP_COMMAND)
JOBS = (PRUNE,)

__all__ = ["COMMANDS", "JOBS"]
