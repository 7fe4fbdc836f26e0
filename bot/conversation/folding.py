"""Folding typed text so answers match whatever script and spelling a person used.

"Жалал-Абад", "Джалал-Абад", "jalal abad" and "JALAL-ABAD" all fold to "jalalabad".
"""

from __future__ import annotations

import unicodedata

_CYRILLIC = {
    "а": "a", "б": "b", "в": "v", "г": "g", "ғ": "g", "д": "d", "е": "e", "ё": "yo", "ж": "j",
    "з": "z", "и": "i", "й": "y", "к": "k", "қ": "q", "л": "l", "м": "m", "н": "n", "ң": "ng",
    "о": "o", "ө": "o", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ү": "u", "ў": "o",
    "ф": "f", "х": "h", "ҳ": "h", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sh", "ъ": "", "ы": "y",
    "ь": "", "э": "e", "ю": "yu", "я": "ya",
}  # fmt: skip

# Spellings that differ between transliteration schemes; applied after the table above.
_LATIN_VARIANTS = (
    ("dzh", "j"),
    ("dj", "j"),
    ("zh", "j"),
    ("kh", "h"),
    ("ts", "s"),
    ("iy", "i"),
    ("yy", "i"),
)


def fold(text: str) -> str:
    """A spelling-insensitive key: lower case, Latin letters and digits only."""
    lowered = unicodedata.normalize("NFKC", text).casefold()
    latin = "".join(_CYRILLIC.get(ch, ch) for ch in lowered)
    # drop accents and the Uzbek o‘/g‘ marks, keep letters and digits
    plain = unicodedata.normalize("NFKD", latin)
    key = "".join(ch for ch in plain if ch.isascii() and ch.isalnum())
    for variant, canonical in _LATIN_VARIANTS:
        key = key.replace(variant, canonical)
    return key


def normalize_spaces(text: str) -> str:
    """Collapse runs of white space and trim: what a person meant to type."""
    return " ".join(text.split())
