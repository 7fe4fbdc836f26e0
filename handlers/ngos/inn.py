"""The Kyrgyz INN (taxpayer number) of an organization: what can be checked without the tax
service's register.

An INN has 14 digits. The first tells whose it is: 0 for an organization, 1 or 2 for a person
(1 men, 2 women). For an organization the next eight digits are its registration date as DDMMYYYY
(for a person, the birth date), and the last five are a serial number. So a typed number can be
refused when it is not 14 digits, when it is a person's, or when its date is not a real day or
lies in the future. Whether the number was really issued only the tax service knows.
"""

from __future__ import annotations

import enum
from datetime import date

INN_LENGTH = 14
ORGANIZATION_DIGIT = "0"
PERSONAL_DIGITS = ("1", "2")
EARLIEST_YEAR = 1900  # anything older is a typing mistake, not an NGO


class InnProblem(enum.StrEnum):
    """Why a typed number is not an organization's INN."""

    format = "format"  # not 14 digits, or a first digit no INN has
    personal = "personal"  # a person's INN (first digit 1 or 2)
    date = "date"  # digits 2–9 are not a real date, or a future one


class InvalidInn(ValueError):
    """The number is not an organization's INN; `problem` says why."""

    def __init__(self, problem: InnProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


def registration_date(inn: str) -> date | None:
    """The date in digits 2–9 (DDMMYYYY), or None when they are not a real date."""
    digits = inn[1:9]
    try:
        day, month, year = int(digits[0:2]), int(digits[2:4]), int(digits[4:8])
        found = date(year, month, day)
    except ValueError:
        return None
    return found if found.year >= EARLIEST_YEAR else None


def check_organization_inn(text: str, today: date) -> str:
    """The 14 digits of an organization's INN typed in `text` (spaces and dashes ignored).

    Raises InvalidInn when it cannot be an organization's INN issued by `today`.
    """
    inn = "".join(ch for ch in text if ch not in " -\u00a0")
    if len(inn) != INN_LENGTH or not inn.isascii() or not inn.isdigit():
        raise InvalidInn(InnProblem.format)
    if inn[0] in PERSONAL_DIGITS:
        raise InvalidInn(InnProblem.personal)
    if inn[0] != ORGANIZATION_DIGIT:
        raise InvalidInn(InnProblem.format)
    registered = registration_date(inn)
    if registered is None or registered > today:
        raise InvalidInn(InnProblem.date)
    return inn
