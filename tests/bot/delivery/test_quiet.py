"""QUIET_HOURS: the span, wrapping past midnight, in TIMEZONE; malformed settings refused."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.delivery.quiet import quiet_hours
from bot.settings import Settings


@pytest.mark.parametrize(
    ("utc_hour", "quiet"),
    [(13, False), (14, True), (20, True), (2, True), (3, False)],  # Bishkek = UTC+6
)
def test_quiet_from_20_to_09_in_bishkek(utc_hour: int, quiet: bool) -> None:
    hours = quiet_hours("20:00-09:00", "Asia/Bishkek")
    hours.clock = lambda: datetime(2026, 12, 1, utc_hour, 0, tzinfo=UTC)
    assert hours.now() is quiet


def test_empty_means_none_and_nonsense_is_refused() -> None:
    assert quiet_hours("", "Asia/Bishkek") is None
    with pytest.raises(ValueError, match="QUIET_HOURS"):
        Settings(quiet_hours="8pm-9am")
    with pytest.raises(ValueError, match="QUIET_HOURS"):
        Settings(quiet_hours="25:00-09:00")
