"""What becomes of a message after a try: sent, due again (when), or failed for good."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.delivery.sender import Delivery, Outcome
from models import OutboxStatus
from models.base import utcnow

RETRY_DELAY = timedelta(seconds=30)  # doubled at each further attempt
MAX_RETRY_DELAY = timedelta(minutes=30)


def retry_delay(attempts: int) -> timedelta:
    """How long a message waits after its `attempts`-th transient failure."""
    return min(RETRY_DELAY * 2 ** max(attempts - 1, 0), MAX_RETRY_DELAY)


def after(
    attempts: int, delivery: Delivery, max_attempts: int
) -> tuple[OutboxStatus, datetime | None, int]:
    """The status, the time it is due again and the tries counted, after try number
    `attempts` ended in `delivery`."""
    if delivery.outcome == Outcome.sent:
        return OutboxStatus.sent, None, attempts
    if delivery.outcome == Outcome.held:
        # the route is down: due again at once, the try not counted; its lane claims
        # nothing while it is down (a trial now and then), and a move re-routes it
        return OutboxStatus.queued, None, attempts - 1
    if delivery.outcome == Outcome.later:  # a daily limit: wait, the try not counted
        return OutboxStatus.queued, delivery.not_before, attempts - 1
    if delivery.outcome == Outcome.retry and attempts < max_attempts:
        return OutboxStatus.queued, utcnow() + retry_delay(attempts), attempts
    return OutboxStatus.failed, None, attempts
