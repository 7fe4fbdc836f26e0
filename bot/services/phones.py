"""Phone numbers: one canonical E.164 form, so `0555 123 456` and `+996555123456` are one person."""

from __future__ import annotations

import phonenumbers

DEFAULT_REGION = "KG"


def normalize_phone(text: str, region: str = DEFAULT_REGION) -> str | None:
    """The E.164 form of a typed or shared number, or None if it is not a valid number."""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
