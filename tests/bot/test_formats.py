"""Numbers, decimals and times as each language's readers write them (Babel, CLDR)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from bot.formats import format_day, format_fixed, format_number, format_time

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("language", "number", "fixed", "time", "day"),
    [
        ("ky", f"150{NBSP}000", "4,0", "05.01.2027 09:30", "05.01.2027"),
        ("ru", f"150{NBSP}000", "4,0", "05.01.2027, 09:30", "05.01.2027"),
        ("uz", f"150{NBSP}000", "4,0", "05/01/2027, 09:30", "05/01/2027"),
        ("en", "150,000", "4.0", "05/01/2027, 09:30", "05/01/2027"),  # day first, 24 hours
    ],
)
def test_each_language_writes_its_own_way(language, number, fixed, time, day) -> None:
    assert format_number(Decimal(150000), language) == number
    assert format_fixed(4, language) == fixed
    moment = datetime(2027, 1, 5, 3, 30, tzinfo=UTC)  # 09:30 in Bishkek
    assert format_time(moment, "Asia/Bishkek", language) == time
    assert format_day(date(2027, 1, 5), language) == day


def test_cents_and_no_time() -> None:
    assert format_fixed(Decimal("1234.5"), "ru", 2) == f"1{NBSP}234,50"
    assert format_time(None, "Asia/Bishkek", "ru") == "—"
