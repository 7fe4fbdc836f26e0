"""Fitting text where room is short: a list line, an SMS, an alert, a chat message."""

from __future__ import annotations


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
