"""Finding our municipality, sector and NGO behind the parties and items of an OCDS release.

Names and codes are compared normalised: Unicode NFKC, case-folded, without spaces, hyphens or
underscores, so "Кара-Алма айыл аймагы", "кара алма айыл аймагы" and "KARA-ALMA AYIL AIMAK" are
the same buyer, and `roads-lighting` is the sector `roads_lighting`.
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

from handlers.tenders.ocds.release import BUYER_PREFIX, SUPPLIER_PREFIX
from models import Category, Municipality, Organization

OTHER_SECTOR = "other"
IGNORED = re.compile(r"[\s\-_‐‑‒–—―−]+")
INN = re.compile(r"^\d{14}$")


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
    for entry in entries:
        identifiers = [entry.get("identifier"), *(entry.get("additionalIdentifiers") or [])]
        identifiers = [i for i in identifiers if isinstance(i, dict)]
        codes += _texts(str(entry.get("id", "")), *(str(i.get("id", "")) for i in identifiers))
        names += _texts(entry.get("name"), *(i.get("legalName") for i in identifiers))
    label = repr(names[0]) if names else "(no name)"
    if codes:
        label += f" (id {codes[0]})"
    return BuyerNames(label, codes, names)


class Places:
    """Every municipality, by normalised code and by normalised name in each language."""

    def __init__(self, municipalities: list[Municipality]) -> None:
        self.by_code = _index((m.code, m) for m in municipalities)
        self.by_name = _index((name, m) for m in municipalities for name in m.all_names())

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

    def match(self, buyer: BuyerNames) -> Municipality:
        """The one municipality the buyer names: by code first (ours are unique), else by name.
        MatchError when it names none, or several."""
        found = self._codes(buyer.codes)
        if not found:
            for name in buyer.names:
                found += [m for m in self.by_name.get(normalize(name), []) if m not in found]
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
