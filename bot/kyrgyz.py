"""Kyrgyz case endings after a placeholder: `{time:дан}` in a Kyrgyz message becomes
"10:00дон", "10:30дан", "5тен". The ending follows the last vowel (vowel harmony) and the last
sound (voiced or voiceless) of the value as it is read aloud, so a number is read as words.

Rule-based on purpose: the `kyrgyz` package on PyPI (0.1, young) inflects words; what we need
is the ending after a rendered number, time or name, which these few rules settle.
"""

from __future__ import annotations

import re

# The ending of each case, as a translator writes it after a placeholder's colon, and its
# forms: (after a voiced sound or a vowel, after a voiceless consonant), before harmony.
CASES = {
    "дан": ("д", "т", "low"),  # ablative: from
    "да": ("д", "т", "low"),  # locative: at, in
    "га": ("г", "к", "low"),  # dative: to
    "нын": ("н", "т", "high"),  # genitive: of ("д" after a voiced consonant, below)
    "ны": ("н", "т", "high"),  # accusative
}
ENDING_TAIL = {"дан": "н", "да": "", "га": "", "нын": "н", "ны": ""}
# The vowel of an ending after the value's last vowel. Low endings: а after а ы у (уулдан,
# тогуздан), о after о (ондон), е after е и э, ө after ө ү (жүздөн). High ones: ы after а ы,
# у after о у, и after е и э, ү after ө ү.
HARMONY = {
    "low": {**dict.fromkeys("аыуяю", "а"), **dict.fromkeys("оё", "о"), **dict.fromkeys("еиэ", "е"),
            **dict.fromkeys("өү", "ө")},
    "high": {**dict.fromkeys("аыя", "ы"), **dict.fromkeys("оуёю", "у"), **dict.fromkeys("еиэ", "и"),
             **dict.fromkeys("өү", "ү")},
}  # fmt: skip
VOICELESS = set("птксшчфхцщ")
VOICED = set("бвгджзйлмнңр")

UNITS = ("нөл", "бир", "эки", "үч", "төрт", "беш", "алты", "жети", "сегиз", "тогуз")
TENS = (
    "", "он", "жыйырма", "отуз", "кырк", "элүү", "алтымыш", "жетимиш", "сексен", "токсон",
)  # fmt: skip
# each power's word and how many of it fit before the next power (9 hundreds, 999 thousands)
POWERS = ((100, 10, "жүз"), (1000, 1000, "миң"), (10**6, 1000, "миллион"), (10**9, 0, "миллиард"))


def spoken_last_word(value: str) -> str:
    """The last word of `value` as it is read aloud: a trailing number as its last number
    word ("2027" → "жети"), a time on the hour as its hour ("10:00" → "он")."""
    text = value.strip().rstrip('.»”")')
    on_the_hour = re.search(r"(\d{1,2}):00$", text)
    if on_the_hour:
        return number_last_word(int(on_the_hour.group(1)))
    digits = re.search(r"(\d+)$", text)
    if digits:
        return number_last_word(int(digits.group(1)))
    words = re.findall(r"[^\W\d_]+", text.lower())
    return words[-1] if words else ""


def number_last_word(n: int) -> str:
    """The last word of the Kyrgyz number `n`: 25 → "беш", 40 → "кырк", 3000 → "миң"."""
    if n % 10 or n == 0:
        return UNITS[n % 10]
    if n % 100:
        return TENS[n // 10 % 10]
    for power, size, word in POWERS:
        if not size or n // power % size:
            return word
    raise AssertionError(n)  # the last power always answers


def ending(value: str, case: str) -> str:
    """The ending of `case` (one of CASES, as written: "дан", "га", …) after `value`."""
    after_voiced, after_voiceless, height = CASES[case]
    word = spoken_last_word(value)
    last_vowel = next((c for c in reversed(word) if c in HARMONY[height]), "а")
    vowel = HARMONY[height][last_vowel]
    last = word[-1:] if word else "а"
    if last in VOICELESS:
        consonant = after_voiceless
    elif case in ("нын", "ны") and last in VOICED:
        consonant = "д"
    else:
        consonant = after_voiced
    return consonant + vowel + ENDING_TAIL[case]


def inflect(value: object, case: str) -> str:
    """`value` with the ending of `case` attached: inflect("10:00", "дан") → "10:00дон"."""
    text = str(value)
    return text + ending(text, case)
