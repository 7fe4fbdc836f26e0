"""Fitting text where room is short: a list line, an SMS, an alert."""

from __future__ import annotations


def shorten(text: str, limit: int) -> str:
    """`text` cut at a word boundary to about `limit` characters."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",.;:") + "…"
