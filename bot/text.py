"""Text as people type it and as we keep it: cleaned of what no screen or database should get,
numbers read in any script, and fitted where room is short (a list line, an SMS, an alert, a chat message)."""

from __future__ import annotations

import re
import unicodedata

# Control characters but tab and line breaks, and lone surrogates: PostgreSQL refuses NUL and
# surrogates, XML 1.0 refuses the rest, and no screen shows any of them.
_UNWANTED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
_LINE_BREAK = re.compile("\r\n?|[\u2028\u2029\x85]")
# More digits than any number a person gives us (an option, an amount, an id) can have.
MAX_DIGITS = 18


def clean_text(text: str) -> str:
    """`text` fit to store and show: control characters and lone surrogates removed, every kind
    of line break made a plain one. Letters, emoji and their joiners stay as typed."""
    if text.isascii() and text.isprintable():
        return text  # the common case, at no cost
    return _UNWANTED.sub("", _LINE_BREAK.sub("\n", text))


def has_control(text: str) -> bool:
    """Whether `text` holds anything `clean_text` would remove or change."""
    return clean_text(text) != text


def typed_number(text: str) -> int | None:
    """The whole number `text` is written as, in any script's digits: 3, ٣ (Arabic-Indic), ３
    (full width), ³ (superscript). None for anything else, or a number too long to be one."""
    text = text.strip()
    if not text or len(text) > MAX_DIGITS:
        return None
    value = 0
    for char in text:
        digit = unicodedata.digit(char, None)
        if digit is None:
            return None
        value = value * 10 + digit
    return value


def shorten(text: str, limit: int) -> str:
    """`text` cut at a word boundary to about `limit` characters."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",.;:") + "…"


def split_text(text: str, limit: int = 4096) -> list[str]:
    """Pieces of at most `limit` characters, cut at a paragraph, line or word where possible."""
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[:limit]
        cut = limit  # no good boundary in the second half: a hard cut beats a tiny piece
        for boundary in ("\n\n", "\n", " "):
            position = window.rfind(boundary)
            if position >= limit // 2:
                cut = position
                break
        pieces.append(rest[:cut].rstrip())
        rest = rest[cut:].lstrip()
    if rest or not pieces:
        pieces.append(rest)
    return pieces
