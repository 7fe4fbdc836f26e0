"""Kyrgyz mobile operators, known from the number itself (numbers are not portable in the
Kyrgyz Republic), and how each treats a long SMS.

The table follows the national numbering plan as phonenumbers' carrier data has it (a test
checks the two agree), named by the brands residents know: Sky Mobile is Beeline, Alfa Telecom
is MegaCom, Nur Telecom is O!. The ranges of operators that have closed (Katel, Aktel/Fonex,
Winline, Sotel) are left out: such a number is "other" and gets ordinary concatenated SMS.
"""

from __future__ import annotations

BEELINE, MEGACOM, O_ = "beeline", "megacom", "o"
NAMES = {BEELINE: "Beeline", MEGACOM: "MegaCom", O_: "O!", "other": "other"}


def _span(first: int, last: int) -> list[str]:
    return [str(code) for code in range(first, last + 1)]


# the three digits after +996
PREFIXES: dict[str, str] = {
    **dict.fromkeys([*_span(220, 229), "600", *_span(770, 779)], BEELINE),
    **dict.fromkeys([*_span(550, 559), "755", "880", "888", "990", *_span(995, 999)], MEGACOM),
    **dict.fromkeys([*_span(500, 509), *_span(700, 709)], O_),
}


def operator_of(phone: str) -> str:
    """The operator of an E.164 number: beeline, megacom, o, or other (abroad, closed ones)."""
    if phone.startswith("+996") and len(phone) == 13:
        return PREFIXES.get(phone[4:7], "other")
    return "other"


def splits(phone: str, operators: frozenset[str]) -> bool:
    """Whether `phone`'s operator delivers the parts of a long SMS as loose messages (so it
    gets self-contained, numbered ones instead); `operators`: SMS_SPLIT_OPERATORS."""
    return operator_of(phone) in operators
