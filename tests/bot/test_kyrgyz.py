"""Kyrgyz endings after a rendered placeholder follow the value as it is read aloud."""

from __future__ import annotations

import pytest

from bot.i18n import translator
from bot.kyrgyz import inflect, number_last_word


@pytest.mark.parametrize(
    ("n", "word"),
    [(0, "нөл"), (3, "үч"), (10, "он"), (25, "беш"), (40, "кырк"), (100, "жүз"), (1100, "жүз"),
     (3000, "миң"), (2027, "жети"), (10**6, "миллион"), (2 * 10**9, "миллиард")],
)  # fmt: skip
def test_the_last_word_of_a_number(n: int, word: str) -> None:
    assert number_last_word(n) == word


@pytest.mark.parametrize(
    ("value", "case", "inflected"),
    [
        # ablative: д after vowels and voiced sounds, т after voiceless; a/e/o/ө by harmony
        (1, "дан", "1ден"), (3, "дан", "3төн"), (5, "дан", "5тен"), (6, "дан", "6дан"),
        (9, "дан", "9дан"), (10, "дан", "10дон"), (40, "дан", "40тан"), (50, "дан", "50дөн"),
        (100, "дан", "100дөн"),
        # dative: г / к
        (3, "га", "3кө"), (5, "га", "5ке"), (6, "га", "6га"), (9, "га", "9га"), (10, "га", "10го"),
        (40, "га", "40ка"), (12, "га", "12ге"),
        # a time on the hour is read as its hour, otherwise its minutes; a date as its year
        ("10:00", "дан", "10:00дон"), ("09:30", "дан", "09:30дан"), ("14:05", "да", "14:05те"),
        ("05.01.2027 10:00", "да", "05.01.2027 10:00до"), ("05.01.2027", "га", "05.01.2027ге"),
        # words: names of places
        ("Бишкек", "дан", "Бишкектен"), ("Ош", "га", "Ошко"), ("Барпы", "нын", "Барпынын"),
        ("Токтогул", "да", "Токтогулда"), ("Талас", "ны", "Таласты"), ("Жалал-Абад", "нын", "Жалал-Абаддын"),
    ],
)  # fmt: skip
def test_endings(value: object, case: str, inflected: str) -> None:
    assert inflect(value, case) == inflected


def test_a_kyrgyz_message_inflects_its_placeholder() -> None:
    ky = translator("ky")
    assert ky.t("Write 2 to {n} options.", n=3) == "2ден 3кө чейин вариант жазыңыз."
    assert ky.t("Write 2 to {n} options.", n=6) == "2ден 6га чейин вариант жазыңыз."
    assert ky.t("Sending since {time}.", time="01.12.2026 10:00").startswith("01.12.2026 10:00дон")
    # other languages ignore nothing and add nothing
    assert translator("ru").t("Write 2 to {n} options.", n=3) == "Напишите от 2 до 3 вариантов."
