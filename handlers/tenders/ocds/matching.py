"""Finding our municipality, sector and NGO behind the parties and items of an OCDS release.

Codes are compared normalised: Unicode NFKC, case-folded, without spaces, hyphens or
underscores, so `roads-lighting` is the sector `roads_lighting`. A buyer's name is compared as
residents' searches compare names (`handlers.places.names`): without the words for its kind or
body, first as written, then across scripts, so "Кызыл-Кия", "г. Кызыл-Кия", "Мэрия города
Кызыл-Кия" and "Кызыл-Кыя шаары" are all the city of Kyzyl-Kiya. An identifier of scheme KG-INN
is the LSG body's tax number, matched to the register's INN. A merged unit's name leads to its
successor.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.conversation.folding import fold
from handlers.places.names import core, light
from handlers.places.search import current
from handlers.tenders.ocds.release import BUYER_PREFIX, SUPPLIER_PREFIX
from models import Category, Municipality, Organization

OTHER_SECTOR = "other"
IGNORED = re.compile(r"[\s\-_‐‑‒–—―−]+")
INN = re.compile(r"^\d{14}$")
INN_SCHEME = "KG-INN"


class MatchError(ValueError):
    """A party or item that names nothing, or several things, we know; the message says which."""


def normalize(text: str) -> str:
    """The form names and codes are compared in."""
    return IGNORED.sub("", unicodedata.normalize("NFKC", text).casefold())


def _texts(*values: Any) -> list[str]:
    return [value for value in values if isinstance(value, str) and value.strip()]


def _index(pairs: Iterable[tuple[str, Any]]) -> dict[str, list[Any]]:
    index: dict[str, list[Any]] = defaultdict(list)
    for text, thing in pairs:
        key = normalize(text)
        if key and thing not in index[key]:
            index[key].append(thing)
    return index


@dataclass
class BuyerNames:
    """What a release says about its buyer: identifiers that may be our codes, and names."""

    label: str
    codes: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    inns: list[str] = field(default_factory=list)  # identifiers of scheme KG-INN


def buyer_names(release: dict[str, Any]) -> BuyerNames:
    """The buyer reference and its party entry (or the one party with the buyer role)."""
    parties = [p for p in release.get("parties") or [] if isinstance(p, dict)]
    buyer = release.get("buyer") if isinstance(release.get("buyer"), dict) else None
    party = None
    if buyer is not None and buyer.get("id") is not None:
        party = next((p for p in parties if p.get("id") == buyer.get("id")), None)
    if buyer is None:
        buyers = [p for p in parties if "buyer" in (p.get("roles") or [])]
        party = buyers[0] if len(buyers) == 1 else None
    entries = [entry for entry in (buyer, party) if entry]
    codes: list[str] = []
    names: list[str] = []
    inns: list[str] = []
    for entry in entries:
        identifiers = [entry.get("identifier"), *(entry.get("additionalIdentifiers") or [])]
        identifiers = [i for i in identifiers if isinstance(i, dict)]
        codes += _texts(str(entry.get("id", "")), *(str(i.get("id", "")) for i in identifiers))
        names += _texts(entry.get("name"), *(i.get("legalName") for i in identifiers))
        inns += [
            str(i.get("id", "")).strip()
            for i in identifiers
            if str(i.get("scheme", "")).strip().upper() == INN_SCHEME
        ]
    label = repr(names[0]) if names else "(no name)"
    if codes:
        label += f" (id {codes[0]})"
    return BuyerNames(label, codes, names, [inn for inn in inns if INN.match(inn)])


class Places:
    """Every municipality, by normalised code, by INN and by its names (and its LSG body's) as
    written and folded across scripts; a merged unit's names stand for its successor."""

    def __init__(self, municipalities: list[Municipality]) -> None:
        by_id = {m.id: m for m in municipalities}
        self.by_code = _index((m.code, m) for m in municipalities)
        self.by_inn: dict[str, list[Municipality]] = defaultdict(list)
        self.by_light: dict[str, list[Municipality]] = defaultdict(list)
        self.by_fold: dict[str, list[Municipality]] = defaultdict(list)
        for unit in municipalities:
            standing = current(unit, by_id)
            if unit.inn and standing not in self.by_inn[unit.inn]:
                self.by_inn[unit.inn].append(standing)
            for name in [*unit.all_names(), *([unit.lsg_name] if unit.lsg_name else [])]:
                name = core(name)
                for index, key in ((self.by_light, light(name)), (self.by_fold, fold(name))):
                    if key and standing not in index[key]:
                        index[key].append(standing)

    @classmethod
    async def load(cls, session: AsyncSession) -> Places:
        return cls(list((await session.scalars(select(Municipality))).all()))

    def _codes(self, given: list[str]) -> list[Municipality]:
        prefix = normalize(BUYER_PREFIX)
        found: list[Municipality] = []
        for text in given:
            key = normalize(text)
            keys = [key, key.removeprefix(prefix)] if key.startswith(prefix) else [key]
            for candidate in keys:
                found += [m for m in self.by_code.get(candidate, []) if m not in found]
        return found

    def _names(self, names: list[str]) -> list[Municipality]:
        """The units the names name: as written if any does, else across scripts; a city or
        ayil aimak (a buyer is an LSG) over a rayon or oblast of the same name."""
        for index, key_of in ((self.by_light, light), (self.by_fold, fold)):
            found: list[Municipality] = []
            for name in names:
                found += [m for m in index.get(key_of(core(name)), []) if m not in found]
            leaves = [m for m in found if m.is_leaf_kind]
            if found:
                return leaves or found
        return []

    def match(self, buyer: BuyerNames) -> Municipality:
        """The one municipality the buyer names: by code first (ours are unique), then by
        KG-INN, else by name. MatchError when it names none, or several."""
        found = self._codes(buyer.codes)
        if not found:
            for inn in buyer.inns:
                found += [m for m in self.by_inn.get(inn, []) if m not in found]
        if not found:
            found = self._names(buyer.names)
        if len(found) == 1:
            return found[0]
        if not found:
            raise MatchError(
                f"buyer {buyer.label} is not a known municipality: give its code (as "
                f"identifier.id or party id {BUYER_PREFIX}<code>) or its name in ky, ru, en or uz"
            )
        codes = ", ".join(sorted(m.code for m in found))
        raise MatchError(
            f"buyer {buyer.label} is ambiguous: it matches several municipalities ({codes}); "
            f"give its code as identifier.id"
        )


class Sectors:
    """Every category (our sectors), by normalised code and by normalised name."""

    def __init__(self, categories: list[Category]) -> None:
        self.by_code = _index((c.code, c) for c in categories)
        self.by_name = _index((name, c) for c in categories for name in c.all_names())
        self.other = next((c for c in categories if c.code == OTHER_SECTOR), None)

    @classmethod
    async def load(cls, session: AsyncSession) -> Sectors:
        return cls(list((await session.scalars(select(Category))).all()))

    def match(self, items: list[Any]) -> Category:
        """The category the first item classification names (by code, else by name), or
        "other"."""
        for item in items:
            if not isinstance(item, dict):
                continue
            classes = [item.get("classification"), *(item.get("additionalClassifications") or [])]
            for found in (self._one(c) for c in classes if isinstance(c, dict)):
                if found is not None:
                    return found
        if self.other is None:
            raise MatchError(f'no category "{OTHER_SECTOR}" to file unclassified tenders under')
        return self.other

    def _one(self, classification: dict[str, Any]) -> Category | None:
        for text in _texts(str(classification.get("id", ""))):
            matches = self.by_code.get(normalize(text), [])
            if len(matches) == 1:
                return matches[0]
        for text in _texts(classification.get("description")):
            matches = self.by_name.get(normalize(text), [])
            if len(matches) == 1:
                return matches[0]
        return None


def supplier_inn(award: dict[str, Any], parties: list[Any]) -> tuple[str | None, str | None]:
    """(INN, name) of the award's first supplier, as far as the release tells them."""
    suppliers = [s for s in award.get("suppliers") or [] if isinstance(s, dict)]
    if not suppliers:
        return None, None
    supplier = suppliers[0]
    party = next(
        (p for p in parties if isinstance(p, dict) and p.get("id") == supplier.get("id")), {}
    )
    name = next(iter(_texts(supplier.get("name"), party.get("name"))), None)
    candidates = [str(supplier.get("id", "")).removeprefix(SUPPLIER_PREFIX)]
    for entry in (supplier, party):
        identifier = entry.get("identifier")
        if isinstance(identifier, dict):
            candidates.append(str(identifier.get("id", "")))
    inn = next((c for c in candidates if INN.match(c)), None)
    return inn, name


async def organizations_by_inn(session: AsyncSession, inns: set[str]) -> dict[str, Organization]:
    """Our NGOs with these tax numbers."""
    if not inns:
        return {}
    found = await session.scalars(select(Organization).where(Organization.inn.in_(inns)))
    return {organization.inn: organization for organization in found.all()}
