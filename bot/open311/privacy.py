"""What keeps personal data out of the public Open311 output.

Requests are built from a need's own columns only (never its reporter). Free text that residents
or staff typed can still hold a phone number, so numbers are masked in it; a photo is shown only
when it is a public URL an outside app sent, never a resident's Telegram or MMS photo."""

from __future__ import annotations

import re

import phonenumbers

from models import Need

MASK = "***"
REGION = "KG"
# Nine or more digits, however they are spaced: longer than any reference (N-000123) or
# house number, as long as a Kyrgyz number without its trunk 0 (555 123 456).
DIGIT_RUN = re.compile(r"\+?\d(?:[\s\-().]{0,3}\d){8,}")


def mask_phones(text: str | None) -> str | None:
    """`text` with every phone number in it replaced by ***."""
    if not text:
        return text
    matches = phonenumbers.PhoneNumberMatcher(text, REGION, leniency=phonenumbers.Leniency.VALID)
    spans = [(match.start, match.end) for match in matches]
    for start, end in reversed(spans):
        text = text[:start] + MASK + text[end:]
    return DIGIT_RUN.sub(MASK, text)


def public_media_url(need: Need) -> str | None:
    """The photo's URL when it came from an outside app (a need with no reporter and an http(s)
    URL); residents' photos are Telegram file ids or MMS links that stay with the municipality.
    A resident who deletes their data leaves no reporter but also no photo, so this holds."""
    ref = need.photo_ref or ""
    if need.reporter_id is None and ref.startswith(("https://", "http://")):
        return ref
    return None
