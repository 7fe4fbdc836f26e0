"""Finding the unit a person means from what they typed, without ever guessing wrong quietly.

Matches are ranked in tiers, and only the best tier that has any is offered:
1. the whole name, letters as written ("Каракол" is Karakol, not Kara-Köl, whose name folds
   to the same Latin letters);
2. the whole name in any script or transliteration ("Karakol", "каракол", "KARAKOL");
3. a whole word of the name, or a name that is a whole word of what was typed ("село Барпы");
4. the beginning of a name ("Бар");
5. the rest: a name that contains what was typed, or differs by a typing slip or two.
Merged units are found by their old names and lead to their successor. A unit people live in
(a city or ayil aimak) that is alone in its tier is the answer, the others in the tier its
alternatives; the person confirms before anything is stored.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from bot.conversation.folding import fold
from handlers.places.names import core, edit_distance, light, words
from models import Municipality

LITERAL, FOLDED, WORD, PREFIX, NEAR = range(5)
MIN_LENGTH = 3  # typed keys shorter than this find nothing (too many names begin so)
# longer than any unit's name with its kind words ("Кара-Куль шаарынын мэриясы" is 25): a
# pasted message finds nothing rather than being compared with every name in the country
MAX_LENGTH = 120


@dataclass
class Found:
    """The result of a search: the units of the best tier, leaves first, and for a unit found by
    a merged unit's name, that old unit (`via[successor id]`)."""

    units: list[Municipality] = field(default_factory=list)
    via: dict[int, Municipality] = field(default_factory=dict)

    @property
    def leaves(self) -> list[Municipality]:
        return [u for u in self.units if u.is_leaf_kind]

    def best(self) -> Municipality | None:
        """The one unit meant, when the tier holds exactly one place people live in (or one
        unit at all); None when the person must choose."""
        if len(self.units) == 1:
            return self.units[0]
        leaves = self.leaves
        return leaves[0] if len(leaves) == 1 else None


@dataclass(frozen=True)
class _Keys:
    light: str
    folded: str
    words: tuple[str, ...]  # folded words of a name of several words


@lru_cache(maxsize=4096)
def _keys(name: str) -> _Keys | None:
    """The forms a unit's name is compared in (kept: a search compares every name in the
    register, and the register changes only by hand)."""
    name = core(name)
    if not name:
        return None
    parts = tuple(fold(w) for w in words(name))
    return _Keys(light(name), fold(name), parts if len(parts) > 1 else ())


@dataclass(frozen=True)
class _Query:
    keys: _Keys
    words: frozenset[str]  # the folded words typed
    light_words: frozenset[str]  # the same, letters as written


def _query(typed: str) -> _Query | None:
    """What was typed, in the forms names are compared in; None if it cannot name a unit: too
    short, or longer than any name (a pasted message is not a place)."""
    if len(typed) > MAX_LENGTH:
        return None
    typed_core = core(typed) or typed
    keys = _keys(typed_core)
    if keys is None or len(keys.folded) < MIN_LENGTH:
        return None
    typed_words = words(typed_core)
    return _Query(
        keys, frozenset(fold(w) for w in typed_words), frozenset(light(w) for w in typed_words)
    )


def _allowance(length: int) -> int:
    return 0 if length < 4 else 1 if length < 6 else 2 if length < 10 else 3


def tier(unit: Municipality, typed: str | _Query | None) -> int | None:
    """How well `typed` names `unit` (LITERAL best … NEAR), or None if it does not."""
    query = _query(typed) if isinstance(typed, str) else typed
    if query is None:
        return None
    typed_keys = query.keys
    best: int | None = None
    for name in unit.all_names():
        keys = _keys(name)
        if keys is None:
            continue
        if typed_keys.light == keys.light:
            return LITERAL
        if typed_keys.folded == keys.folded:
            found = FOLDED
        elif (
            keys.light in query.light_words
            or keys.folded in query.words
            or typed_keys.folded in keys.words
        ):
            found = WORD
        elif keys.folded.startswith(typed_keys.folded):
            found = PREFIX
        elif (len(typed_keys.folded) >= 4 and typed_keys.folded in keys.folded) or edit_distance(
            typed_keys.folded, keys.folded, _allowance(len(typed_keys.folded))
        ) <= _allowance(len(typed_keys.folded)):
            found = NEAR
        else:
            continue
        best = found if best is None else min(best, found)
    return best


def current(unit: Municipality, by_id: dict[int, Municipality]) -> Municipality:
    """The unit that stands for `unit` today: its successor's successor …, or itself."""
    seen = {unit.id}
    while unit.successor_id is not None and unit.successor_id in by_id:
        unit = by_id[unit.successor_id]
        if unit.id in seen:  # a cycle written by hand in the CSV: stop rather than spin
            break
        seen.add(unit.id)
    return unit


def search(units: Sequence[Municipality], typed: str, within: Iterable[int] | None = None) -> Found:
    """The units `typed` names best (see the module's tiers); `within` limits them to these ids."""
    by_id = {u.id: u for u in units}
    allowed = set(within) if within is not None else None
    ranked: dict[int, list[tuple[Municipality, Municipality]]] = {}
    query = _query(typed)
    if query is None:
        return Found()
    for unit in units:
        found = tier(unit, query)
        if found is None:
            continue
        standing = current(unit, by_id)
        if allowed is not None and standing.id not in allowed:
            continue
        ranked.setdefault(found, []).append((standing, unit))
    if not ranked:
        return Found()
    result = Found()
    for standing, matched in ranked[min(ranked)]:
        if standing not in result.units:
            result.units.append(standing)
        if matched is not standing and standing.is_current:
            result.via.setdefault(standing.id, matched)
        elif matched is standing:
            result.via.pop(standing.id, None)
    result.units.sort(key=lambda u: (not u.is_leaf_kind, u.kind != "city", u.name_en.casefold()))
    return result


def descendants(units: Sequence[Municipality], root_id: int) -> set[int]:
    """The ids of every unit under `root_id` (not itself)."""
    children: dict[int | None, list[int]] = {}
    for unit in units:
        children.setdefault(unit.parent_id, []).append(unit.id)
    found: set[int] = set()
    stack = list(children.get(root_id, []))
    while stack:
        unit_id = stack.pop()
        if unit_id not in found:
            found.add(unit_id)
            stack.extend(children.get(unit_id, []))
    return found


def path(unit: Municipality, by_id: dict[int, Municipality], language: str) -> list[str]:
    """The names of the units above `unit`, nearest first (its rayon, then its oblast)."""
    names = []
    parent = by_id.get(unit.parent_id or 0)
    while parent is not None:
        names.append(parent.name(language))
        parent = by_id.get(parent.parent_id or 0)
    return names


def label(
    unit: Municipality, by_id: dict[int, Municipality], language: str, levels: int = 2
) -> str:
    """The name with up to `levels` units above it: "Barpy ayil aimak (Suzak District, Jalal-Abad
    Region)". Two units of one name are always told apart by their rayon."""
    above = path(unit, by_id, language)[:levels]
    name = unit.name(language)
    return f"{name} ({', '.join(above)})" if above else name
