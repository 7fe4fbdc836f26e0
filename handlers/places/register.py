"""The register of municipalities as operators keep it: listing codes, merging and renaming
units when a reform comes, and the places people typed that it lacks.

A merge or rename moves every row of the old unit in the caller's transaction
(`bot.register.move_municipality`), keeps the old unit as history (`successor`), and is
audited. The old names keep finding the unit that took it over.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import audit
from bot.register import move_municipality
from handlers.places.search import current, descendants, label, search
from models import Municipality, MunicipalityKind, UnlistedPlace

NAME_LANGUAGES = ("ky", "ru", "en", "uz")


class RegisterError(ValueError):
    """A register change that cannot be made; the message says why, for the operator."""


@dataclass
class Change:
    """What a merge or rename did: the unit that stands now, the units it took over, the rows
    moved (per table and column), and the CSV lines that make the file say the same."""

    unit: Municipality
    taken: list[Municipality] = field(default_factory=list)
    moved: dict[str, int] = field(default_factory=dict)
    created: bool = False


async def units(session: AsyncSession) -> list[Municipality]:
    """Every unit, current and historical, in register order."""
    return list((await session.scalars(select(Municipality).order_by(Municipality.id))).all())


async def find_unit(session: AsyncSession, code: str) -> Municipality:
    """The unit of `code` (any case); RegisterError if there is none."""
    unit = await session.scalar(
        select(Municipality).where(Municipality.code == code.strip().upper())
    )
    if unit is None:
        raise RegisterError(f"no municipality has the code {code.strip().upper()!r}")
    return unit


async def list_units(
    session: AsyncSession, oblast: str | None = None, text: str | None = None
) -> list[tuple[Municipality, str]]:
    """(unit, its English label) of the current units, under `oblast` and matching `text` if
    given (the residents' search, so an operator finds what they would)."""
    every = await units(session)
    by_id = {u.id: u for u in every}
    chosen = [u for u in every if u.is_current]
    if oblast:
        root = await find_unit(session, oblast)
        within = descendants(every, root.id) | {root.id}
        chosen = [u for u in chosen if u.id in within]
    if text:
        found = search(every, text, {u.id for u in chosen})
        chosen = found.units
    return [(u, label(u, by_id, "en")) for u in chosen]


def _names(given: dict[str, str | None]) -> dict[str, str]:
    return {f"name_{lang}": given[lang].strip() for lang in NAME_LANGUAGES if given.get(lang)}


async def merge_units(
    session: AsyncSession,
    old_codes: list[str],
    into: str,
    names: dict[str, str | None],
    person_id: int | None = None,
) -> Change:
    """Merge the units of `old_codes` into `into`: one of them, an existing unit, or a new one
    (then ky, ru and en names are required; it goes under the old units' common parent). The
    units must be of one kind; none may already be merged."""
    olds = [await find_unit(session, code) for code in dict.fromkeys(old_codes)]
    existing = await session.scalar(
        select(Municipality).where(Municipality.code == into.strip().upper())
    )
    for unit in [*olds, *([existing] if existing else [])]:
        if not unit.is_current:
            raise RegisterError(f"{unit.code} was merged already (into its successor)")
    kinds = {u.kind for u in olds} | ({existing.kind} if existing else set())
    if len(kinds) != 1:
        raise RegisterError("merge units of one kind (ayil aimaks with ayil aimaks, …)")
    change = Change(unit=existing) if existing else Change(unit=None, created=True)  # type: ignore[arg-type]
    if existing is None:
        given = _names(names)
        missing = [lang for lang in ("ky", "ru", "en") if f"name_{lang}" not in given]
        if missing:
            raise RegisterError(
                f"{into.strip().upper()} is a new unit: give its names (--name-{missing[0]} …)"
            )
        parents = {u.parent_id for u in olds}
        if len(parents) != 1:
            raise RegisterError("the units are under different parents: merge into one of them")
        change.unit = Municipality(
            code=into.strip().upper(), kind=olds[0].kind, parent_id=parents.pop(), **given
        )
        session.add(change.unit)
        await session.flush()
    else:
        for key, value in _names(names).items():
            setattr(change.unit, key, value)
    for old in olds:
        if old.id == change.unit.id:
            continue
        for key, count in (await move_municipality(session, old, change.unit)).items():
            change.moved[key] = change.moved.get(key, 0) + count
        change.taken.append(old)
        _inherit(change.unit, old)
    if not change.taken:
        raise RegisterError("name at least one unit to merge besides the one it goes into")
    await audit.record(
        session,
        person_id,
        "merge_municipality",
        "ok",
        f"into={change.unit.code} from={','.join(u.code for u in change.taken)}",
    )
    return change


def _inherit(unit: Municipality, old: Municipality) -> None:
    """What a unit that takes another over keeps of it when it has none of its own."""
    if unit.latitude is None and old.latitude is not None:
        unit.latitude, unit.longitude = old.latitude, old.longitude


async def rename_unit(
    session: AsyncSession,
    code: str,
    names: dict[str, str | None],
    new_code: str | None = None,
    person_id: int | None = None,
) -> Change:
    """Give a unit new names; its old ones become variants, so they still find it. With
    `new_code`, a new unit of that code takes it over (the old one stays as history)."""
    unit = await find_unit(session, code)
    if not unit.is_current:
        raise RegisterError(f"{unit.code} was merged already: rename its successor")
    given = _names(names)
    if not given:
        raise RegisterError(
            "give at least one new name (--name-ky, --name-ru, --name-en, --name-uz)"
        )
    old_names = [n for n in unit.all_names() if n]
    if new_code is None:
        for key, value in given.items():
            setattr(unit, key, value)
        unit.variants = _variants(old_names, unit)
        await audit.record(session, person_id, "rename_municipality", "ok", f"unit={unit.code}")
        return Change(unit=unit)
    if await session.scalar(
        select(Municipality.id).where(Municipality.code == new_code.strip().upper())
    ):
        raise RegisterError(f"the code {new_code.strip().upper()} is taken")
    fresh = Municipality(
        code=new_code.strip().upper(),
        kind=unit.kind,
        parent_id=unit.parent_id,
        name_ky=given.get("name_ky", unit.name_ky),
        name_ru=given.get("name_ru", unit.name_ru),
        name_en=given.get("name_en", unit.name_en),
        name_uz=given.get("name_uz", unit.name_uz),
        lsg_name=unit.lsg_name,
        inn=unit.inn,
        latitude=unit.latitude,
        longitude=unit.longitude,
    )
    fresh.variants = _variants(old_names, fresh)
    session.add(fresh)
    await session.flush()
    # the old unit's own children (a rayon's aimaks) now hang under the new one
    for child in await session.scalars(
        select(Municipality).where(Municipality.parent_id == unit.id)
    ):
        child.parent_id = fresh.id
    change = Change(unit=fresh, taken=[unit], created=True)
    change.moved = await move_municipality(session, unit, fresh)
    await audit.record(
        session, person_id, "rename_municipality", "ok", f"unit={unit.code} into={fresh.code}"
    )
    return change


def _variants(old_names: list[str], unit: Municipality) -> str | None:
    current_names = {unit.name_ky, unit.name_ru, unit.name_en, unit.name_uz}
    kept = [n for n in dict.fromkeys(old_names) if n not in current_names]
    return "|".join(kept) or None


async def unlisted_places(session: AsyncSession) -> list[tuple[str, Municipality, int]]:
    """(typed place, the unit people went on at, how many typed it), most typed first."""
    rows = await session.execute(
        select(UnlistedPlace.text, UnlistedPlace.municipality_id, func.count())
        .group_by(UnlistedPlace.text, UnlistedPlace.municipality_id)
        .order_by(func.count().desc(), UnlistedPlace.text)
    )
    by_id = {u.id: u for u in await units(session)}
    return [(text, by_id[unit_id], count) for text, unit_id, count in rows.all()]


async def nearest_unit(
    session: AsyncSession, latitude: float, longitude: float
) -> Municipality | None:
    """The current city or ayil aimak whose point is nearest (by great-circle distance) to the
    given one, among those with a point; None when none has one or two are equally near."""
    every = await units(session)
    by_id = {u.id: u for u in every}
    best: list[tuple[float, Municipality]] = []
    for unit in every:
        if unit.latitude is None or unit.longitude is None or not unit.is_leaf_kind:
            continue
        standing = current(unit, by_id)
        best.append((_distance(latitude, longitude, unit.latitude, unit.longitude), standing))
    if not best:
        return None
    best.sort(key=lambda pair: pair[0])
    if len(best) > 1 and best[1][0] - best[0][0] < 1e-9 and best[1][1] is not best[0][1]:
        return None
    return best[0][1]


def _distance(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Kilometres between two points on the Earth (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))


def csv_line(unit: Municipality, by_id: dict[int, Municipality]) -> str:
    """The unit as a line of municipalities.csv, so the file can say what the database does."""
    parent = by_id.get(unit.parent_id or 0)
    successor = by_id.get(unit.successor_id or 0)
    values = [
        unit.code,
        str(MunicipalityKind(unit.kind)),
        parent.code if parent else "",
        unit.name_ky,
        unit.name_ru,
        unit.name_en,
        unit.name_uz or "",
        unit.variants or "",
        successor.code if successor else "",
        unit.lsg_name or "",
        unit.inn or "",
        "" if unit.latitude is None else f"{unit.latitude:.4f}",
        "" if unit.longitude is None else f"{unit.longitude:.4f}",
        unit.checked or "",
    ]
    return ",".join(f'"{v}"' if "," in v or '"' in v else v for v in values)
