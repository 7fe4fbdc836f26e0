"""What the platform itself declares through the domains' extension points (`bot.extensions`):
its commands and its job of the tick."""

from bot.commands import COMMANDS
from bot.delivery.prune import PRUNE

JOBS = (PRUNE,)

__all__ = ["COMMANDS", "JOBS"]
