"""Numbers, decimals, dates and times as a reader of each language writes them (Babel's CLDR
data): `1 234 567,5` and `05.01.2027 09:30` in Kyrgyz and Russian, `1,234,567.5` in English."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_skeleton
from babel.numbers import format_decimal

# The CLDR locale of each language. The readers are in Kyrgyzstan; English is international
# English (day first, 24-hour clock), not American.
LOCALES = {"ky": "ky_KG", "ru": "ru_KG", "uz": "uz_Latn_UZ", "en": "en_001"}


@cache
def _locale(language: str | None) -> Locale:
    return Locale.parse(LOCALES.get(language or "", LOCALES["ky"]))


def format_number(value: int | float | Decimal, language: str | None, places: int = 0) -> str:
    """`value` with the reader's digit grouping and decimal sign, `places` decimals (at most)."""
    pattern = "#,##0" + ("." + "#" * places if places else "")
    return format_decimal(value, format=pattern, locale=_locale(language))


def format_fixed(value: float | Decimal, language: str | None, places: int = 1) -> str:
    """`value` with exactly `places` decimals: an average rating reads `4,0` in Russian."""
    pattern = "#,##0." + "0" * places
    return format_decimal(value, format=pattern, locale=_locale(language))


def format_day(day: date, language: str | None) -> str:
    """A day, numeric, four-digit year: `05.01.2027` (ky, ru), `05/01/2027` (uz, en)."""
    return format_skeleton("yMMdd", day, locale=_locale(language))


def local_day(moment: datetime, zone: str) -> date:
    """The day `moment` falls on in `zone`."""
    return moment.astimezone(ZoneInfo(zone)).date()


def format_time(moment: datetime | None, zone: str, language: str | None) -> str:
    """`moment` in `zone`, day and minute, as the reader writes it ("—" for none)."""
    if moment is None:
        return "—"
    local = moment.astimezone(ZoneInfo(zone))
    locale = _locale(language)
    pattern = locale.datetime_formats["short"]
    return pattern.replace("{1}", format_day(local, language)).replace(
        "{0}", format_skeleton("Hm", local, locale=locale)
    )
