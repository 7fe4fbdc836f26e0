"""How people and other systems write the name of a unit, and the forms names are compared in.

"Барпы айыл аймагы", "айыльный аймак Барпы", "Barpy ayil aimak", "с. Барпы" and "Барпы айыл
өкмөтү" all name Barpy: the kind of unit and the body that governs it are words around the
name, not the name. `core` drops them; `light` compares in the script the name was written in
(so "Каракол" is not "Кара-Көл"), `fold` across scripts and transliterations.
"""

from __future__ import annotations

import re
import unicodedata

from bot.conversation.folding import fold

# Words (folded) that say what kind of unit or body a name is, in ky, ru, en and uz; a typed
# name and a procurement buyer's name are compared without them.
KIND_WORDS = frozenset(
    fold(word)
    for word in (
        # Kyrgyz
        "айыл", "аймагы", "аймак", "аймагынын", "шаары", "шаарынын", "шаарчасы", "району",
        "облусу", "өкмөтү", "мэриясы", "кеңеши", "а",
        # Russian
        "айыльный", "айылный", "аильный", "айылного", "айыльного", "аймака", "округ", "город",
        "города", "г", "гор", "пгт", "поселок", "посёлок", "городского", "типа", "район",
        "района", "область", "области", "обл", "мэрия", "мэрии", "окмоту", "окмотусу",
        "орган", "органа", "местного", "самоуправления", "омсу", "исполнительный",
        "муниципалитет", "село", "с", "администрация", "управа",
        # English
        "ayil", "aiyl", "ail", "aimak", "aimagy", "aymak", "city", "town", "district", "region",
        "oblast", "rayon", "raion", "village", "municipality", "mayor", "mayors", "office", "of",
        "the", "hall", "urban", "type", "settlement", "government", "local", "self",
        # Uzbek
        "aymog‘i", "aymogi", "shahri", "shaharchasi", "tumani", "viloyati", "qishlog‘i",
        "hokimligi", "meriyasi",
    )
)  # fmt: skip

# Where a written name splits into words: spaces and punctuation, but not the hyphen of
# "Кара-Суу", and not the Uzbek o‘/g‘ marks.
_WORD_BREAKS = re.compile(r"[\s,.;:()«»\"“”/\\!?]+")


def words(text: str) -> list[str]:
    """The words of a written name, in its own script."""
    return [w for w in _WORD_BREAKS.split(unicodedata.normalize("NFKC", text)) if w.strip("-")]


def core(text: str) -> str:
    """The name without the words that say its kind or body: "айыльный аймак Барпы" → "Барпы"."""
    kept = [w for w in words(text) if fold(w) and not _is_kind_word(w)]
    return " ".join(kept)


def _is_kind_word(word: str) -> bool:
    # "айыл-аймагы" is two kind words joined; "Кара-Суу" is a name
    return all(fold(part) in KIND_WORDS for part in word.split("-") if part)


def light(text: str) -> str:
    """Case, spaces and hyphens ignored, letters kept as written: "Кара-Көл" → "каракөл"."""
    lowered = unicodedata.normalize("NFKC", text).casefold().replace("ё", "е")
    return "".join(ch for ch in lowered if ch.isalnum())


def edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance of `a` and `b`, or `limit + 1` once it is certainly above `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, left in enumerate(a, 1):
        current = [i]
        for j, right in enumerate(b, 1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (left != right))
            )
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]
