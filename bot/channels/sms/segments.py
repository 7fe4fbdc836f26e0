"""How many SMS segments a text costs: GSM-7 (160, or 153 per part) or UCS-2 (70, or 67 per part).

A single character outside the GSM-7 alphabet — Cyrillic, ‘, an emoji — makes the whole message
UCS-2, so `to_gsm` replaces typographic punctuation with plain equivalents where that alone is
what stands in the way.
"""

from __future__ import annotations

from dataclasses import dataclass

GSM_BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = set("^{}\\[~]|€\f")  # each takes an escape and the character: two septets
MAX_SEGMENTS = 3

PLAIN = str.maketrans({
    "‘": "'", "’": "'", "ʻ": "'", "ʼ": "'", "`": "'", "“": '"', "”": '"', "«": '"', "»": '"',
    "—": "-", "–": "-", "…": "...", "·": "-", "▲": "+", "\u00a0": " ",
})  # fmt: skip


@dataclass(frozen=True)
class Segments:
    """The encoding a text needs, its length in that encoding's units, and the segments."""

    encoding: str
    units: int
    count: int


def count_segments(text: str) -> Segments:
    """Segments for `text` as one (possibly concatenated) SMS.

    UCS-2 counts UTF-16 code units: an emoji outside the Basic Multilingual Plane is a surrogate
    pair, two units (a ZWJ sequence is several characters, each counted). Parts are filled as
    phones and carriers fill them: a surrogate pair, or a GSM escape and its character, is never
    cut between two parts, so a part may hold one unit less."""
    if all(ch in GSM_BASIC or ch in GSM_EXTENSION for ch in text):
        costs = [2 if ch in GSM_EXTENSION else 1 for ch in text]
        single, part, encoding = 160, 153, "GSM-7"
    else:
        costs = [2 if ord(ch) > 0xFFFF else 1 for ch in text]
        single, part, encoding = 70, 67, "UCS-2"
    units = sum(costs)
    return Segments(encoding, units, 1 if units <= single else _parts(costs, part))


def _parts(costs: list[int], size: int) -> int:
    """Parts of `size` units filled in order, no character cut in two."""
    count, room = 1, size
    for cost in costs:
        if cost > room:
            count, room = count + 1, size
        room -= cost
    return count


def to_gsm(text: str) -> str:
    """`text` with typographic punctuation made plain, if that makes it GSM-7 (cheaper)."""
    plain = text.translate(PLAIN)
    return plain if count_segments(plain).encoding == "GSM-7" else text


def fits(text: str, segments: int = MAX_SEGMENTS) -> bool:
    """Whether `text` costs at most `segments` segments once made as cheap as it can be."""
    return count_segments(to_gsm(text)).count <= segments
