"""Counting SMS segments: GSM-7 with its extension table, and UCS-2."""

from __future__ import annotations

import pytest

from bot.channels.sms.segments import count_segments, fits, to_gsm


@pytest.mark.parametrize(
    ("text", "encoding", "count"),
    [
        ("a" * 160, "GSM-7", 1),
        ("a" * 161, "GSM-7", 2),
        ("a" * 306, "GSM-7", 2),
        ("a" * 307, "GSM-7", 3),
        ("[" * 80, "GSM-7", 1),  # extension characters take two septets
        ("[" * 81, "GSM-7", 2),
        ("ж" * 70, "UCS-2", 1),
        ("ж" * 71, "UCS-2", 2),
        ("ж" * 201, "UCS-2", 3),
        ("ж" * 202, "UCS-2", 4),
        ("a" * 159 + "ө", "UCS-2", 3),  # one Kyrgyz letter makes it all UCS-2
        # an emoji beyond the BMP is a surrogate pair: two UTF-16 units
        ("😀" * 35, "UCS-2", 1),
        ("😀" * 36, "UCS-2", 2),
        ("ж" * 69 + "😀", "UCS-2", 2),  # 71 units
        # a pair is never cut between parts: 33 emoji (66 units) fill a part of 67
        ("😀" * 66, "UCS-2", 2),
        ("😀" * 67, "UCS-2", 3),
        ("жж" + "😀" * 66, "UCS-2", 3),  # 134 units (two parts' worth), yet a pair is left over
        # a ZWJ family: three emoji and two joiners, eight units
        ("👨‍👩‍👧" * 8 + "жжжжжж", "UCS-2", 1),  # 70 units
        ("👨‍👩‍👧" * 9, "UCS-2", 2),  # 72 units
        ("a" * 152 + "[" + "a" * 152, "GSM-7", 3),  # 306 septets; the escape stays with its "["
    ],
)
def test_segment_counts(text: str, encoding: str, count: int) -> None:
    found = count_segments(text)
    assert (found.encoding, found.count) == (encoding, count)


def test_typographic_punctuation_is_made_plain_only_when_that_saves() -> None:
    assert to_gsm("O‘zbekcha — “tanlang”") == 'O\'zbekcha - "tanlang"'
    assert to_gsm("Тил — “тандаңыз”") == "Тил — “тандаңыз”"  # Cyrillic is UCS-2 anyway
    assert fits("ж" * 201) and not fits("ж" * 202)
