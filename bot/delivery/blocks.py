"""Addresses this worker found blocked while a claim was already in hand.

A claim reads each address's opted-out and unreachable flags once. A send that learns the
address can no longer receive (SMS 21610, Telegram 403) writes the flag, but a claim taken a
moment before — while that send was in flight — still holds the address's next messages as
sendable; were they sent, a stopped number would be tried again. So the worker remembers when it
blocked an address, and a message claimed before that is skipped instead of sent."""

from __future__ import annotations

import time

from models.outbox import FAREWELL


class RecentBlocks:
    """When (monotonic time) this worker blocked each address, and why."""

    def __init__(self) -> None:
        self._blocked: dict[int, tuple[float, str]] = {}

    @staticmethod
    def now() -> float:
        return time.monotonic()

    def note(self, address_id: int, reason: str, oldest_claim: float | None) -> None:
        """`address_id` was just blocked (`reason`: opted_out, unreachable); entries older than
        the oldest claim still in hand can no longer matter and go."""
        if oldest_claim is not None:
            self._blocked = {k: v for k, v in self._blocked.items() if v[0] >= oldest_claim}
        else:
            self._blocked.clear()
        self._blocked[address_id] = (self.now(), reason)

    def stale(self, address_id: int, claimed_at: float, kind: str) -> str | None:
        """Why a message claimed at `claimed_at` must not go (its address was blocked since), or
        None. STOP's own confirmation still goes to an opted-out number, as at claim time."""
        found = self._blocked.get(address_id)
        if found is None or found[0] < claimed_at:
            return None
        reason = found[1]
        return None if reason == "opted_out" and kind == FAREWELL else reason
