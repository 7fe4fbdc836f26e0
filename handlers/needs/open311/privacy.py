"""What keeps personal data out of the public Open311 output.

Requests are built from a need's own columns only (never its reporter). Free text that residents
or staff typed can still hold a phone number, so numbers are masked in it; a photo is shown only
when it is a public URL an outside app sent, never a resident's Telegram or MMS photo."""

from __future__ import annotations

from bot.phones import MASK, mask_phones
from models import Need

__all__ = ["MASK", "mask_phones", "public_media_url"]


def public_media_url(need: Need) -> str | None:
    """The photo's URL when it came from an outside app (a need with no reporter and an http(s)
    URL); residents' photos are Telegram file ids or MMS links that stay with the municipality.
    A resident who deletes their data leaves no reporter but also no photo, so this holds."""
    ref = need.photo_ref or ""
    if need.reporter_id is None and ref.startswith(("https://", "http://")):
        return ref
    return None
