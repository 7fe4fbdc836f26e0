"""The INN check: 14 digits, an organization's (first digit 0), a real registration date."""

from __future__ import annotations

from datetime import date

import pytest

from handlers.ngos.inn import InnProblem, InvalidInn, check_organization_inn, registration_date

TODAY = date(2026, 11, 26)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("01503201910012", "01503201910012"),
        ("0150 3201 9100 12", "01503201910012"),
        ("0-15032019-10012", "01503201910012"),
        ("02611202600001", "02611202600001"),  # registered today
        ("02902200012345", "02902200012345"),  # 29 February of a leap year
    ],
)
def test_an_organizations_inn_is_accepted(typed: str, expected: str) -> None:
    assert check_organization_inn(typed, TODAY) == expected


@pytest.mark.parametrize(
    ("typed", "problem"),
    [
        ("", InnProblem.format),
        ("0150320191001", InnProblem.format),  # 13 digits
        ("015032019100123", InnProblem.format),  # 15 digits
        ("0150320191001A", InnProblem.format),
        ("０１５０３２０１９１００１２", InnProblem.format),  # full-width digits
        ("31503201910012", InnProblem.format),  # no INN starts with 3
        ("11503198010012", InnProblem.personal),  # a man's
        ("21503198010012", InnProblem.personal),  # a woman's
        ("03202201910012", InnProblem.date),  # 32 February
        ("02902201910012", InnProblem.date),  # 29 February 2019
        ("01513201910012", InnProblem.date),  # month 13
        ("02711202600001", InnProblem.date),  # tomorrow
        ("01501300010012", InnProblem.date),  # the year 3000
        ("01501180010012", InnProblem.date),  # the year 1800
    ],
)
def test_anything_else_is_refused_with_the_reason(typed: str, problem: InnProblem) -> None:
    with pytest.raises(InvalidInn) as refused:
        check_organization_inn(typed, TODAY)
    assert refused.value.problem == problem


def test_digits_two_to_nine_are_the_registration_date() -> None:
    assert registration_date("01503201910012") == date(2019, 3, 15)
    assert registration_date("00000000000000") is None
