"""Phone numbers: one canonical E.164 form, so `0555 123 456` and `+996555123456` are one person."""

from __future__ import annotations

import re

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


MASK = "***"
# The shortest phone number anywhere has seven digits with its country code (Niue's +683 1234),
# and a Kyrgyz one nine without it: a text with fewer digits in all holds no number.
FEWEST_DIGITS = 7
# Nine or more digits, however they are spaced: longer than any reference (N-000123) or
# house number, as long as a Kyrgyz number without its trunk 0 (555 123 456).
DIGIT_RUN = re.compile(r"\+?\d(?:[\s\-().]{0,3}\d){8,}")


def mask_phones(text: str | None, region: str = DEFAULT_REGION) -> str | None:
    """`text` with every phone number in it replaced by ***: for public output and for logs
    (a provider's error message can quote the number it refused)."""
    if not text or sum(ch.isdigit() for ch in text) < FEWEST_DIGITS:
        return text  # most texts: no number to look for, at no cost (the matcher is slow)
    matches = phonenumbers.PhoneNumberMatcher(text, region, leniency=phonenumbers.Leniency.VALID)
    spans = [(match.start, match.end) for match in matches]
    for start, end in reversed(spans):
        text = text[:start] + MASK + text[end:]
    return DIGIT_RUN.sub(MASK, text)


def partly_hidden(phone: str | None, region: str = DEFAULT_REGION) -> str:
    """“+996 *** *** 456”: enough of a number to tell two people apart on a staff page that
    needs no full number ("—" for none)."""
    if not phone:
        return "—"
    try:
        country = phonenumbers.parse(phone, region).country_code
    except phonenumbers.NumberParseException:
        return MASK
    return f"+{country} {MASK} {MASK} {phone[-3:]}"
