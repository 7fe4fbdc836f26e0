"""Loading reference data (municipalities, need categories) from editable CSV files."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

import models
from bot.register import move_municipality
from models import Category, Municipality, MunicipalityKind

REFERENCE = Path(models.__file__).resolve().parent / "reference"  # the editable CSV files
MUNICIPALITIES_CSV = REFERENCE / "municipalities.csv"
CATEGORIES_CSV = REFERENCE / "categories.csv"

MUNICIPALITY_COLUMNS = ("code", "kind", "parent_code", "name_ky", "name_ru", "name_en")
# optional columns: other spellings ("|"), the successor's code after a reform, the LSG body's
# name and INN, a point, and the source the row was written from (official, or "unofficial: URL")
OPTIONAL_COLUMNS = ("name_uz", "variants", "successor", "lsg_name", "inn", "lat", "lon", "checked")
OPTIONAL = ("parent_code", *OPTIONAL_COLUMNS)
CATEGORY_COLUMNS = ("code", "position", "name_ky", "name_ru", "name_uz", "name_en")


class ReferenceDataError(ValueError):
    """A reference file is malformed; the message names the file, line and problem."""


@dataclass
class SeedReport:
    """How many rows a seed added and updated."""

    added: int = 0
    updated: int = 0
    merged: int = 0  # units given a successor by the file, their rows moved to it


def _rows(path: Path, required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            raise ReferenceDataError(f"{path.name}: missing columns {', '.join(missing)}")
        rows = []
        for line, row in enumerate(reader, start=2):
            clean = {k: (v or "").strip() for k, v in row.items() if k}
            for column in required:
                if not clean.get(column) and column not in OPTIONAL:
                    raise ReferenceDataError(f"{path.name}:{line}: {column} is empty")
            rows.append((line, clean))
        return rows


async def seed_municipalities(session: AsyncSession, path: Path = MUNICIPALITIES_CSV) -> SeedReport:
    """Insert or update municipalities by code; parents must come before their children.

    A row naming a `successor` (any row of the file, or a unit already stored) is merged into
    it once: its people and work move (`bot.register`). A successor set by `kenesh
    municipalities merge` is never undone by a file that leaves the column empty."""
    report = SeedReport()
    existing = {m.code: m for m in (await session.scalars(select(Municipality))).all()}
    successors: list[tuple[int, str, str]] = []
    for line, row in _rows(path, MUNICIPALITY_COLUMNS):
        code = row["code"].upper()
        try:
            kind = MunicipalityKind(row["kind"])
        except ValueError:
            raise ReferenceDataError(f"{path.name}:{line}: unknown kind {row['kind']!r}") from None
        parent = None
        if row.get("parent_code"):
            parent = existing.get(row["parent_code"].upper())
            if parent is None:
                raise ReferenceDataError(
                    f"{path.name}:{line}: parent {row['parent_code']} is not above it"
                )
        unit = existing.get(code)
        if unit is None:
            unit = Municipality(code=code)
            session.add(unit)
            existing[code] = unit
            report.added += 1
        values = _values(path, line, row, kind, parent)
        if unit.id is not None and any(getattr(unit, k) != v for k, v in values.items()):
            report.updated += 1
        for key, value in values.items():
            setattr(unit, key, value)
        await session.flush()
        if row.get("successor"):
            successors.append((line, code, row["successor"].upper()))
    for line, code, successor_code in successors:
        unit, successor = existing[code], existing.get(successor_code)
        if successor is None or successor is unit:
            raise ReferenceDataError(
                f"{path.name}:{line}: successor {successor_code} is not another unit of the file"
            )
        if unit.successor_id is None:
            await move_municipality(session, unit, successor)
            report.merged += 1
    return report


def _values(
    path: Path, line: int, row: dict[str, str], kind: MunicipalityKind, parent: Municipality | None
) -> dict[str, object]:
    """The stored columns of one row, checked."""
    point: list[float | None] = []
    for column in ("lat", "lon"):
        try:
            point.append(float(row[column]) if row.get(column) else None)
        except ValueError:
            raise ReferenceDataError(f"{path.name}:{line}: {column} must be a number") from None
    if (point[0] is None) != (point[1] is None):
        raise ReferenceDataError(f"{path.name}:{line}: lat and lon go together")
    inn = row.get("inn") or None
    if inn is not None and not (inn.isascii() and inn.isdigit() and len(inn) == 14):
        raise ReferenceDataError(f"{path.name}:{line}: inn must be 14 digits")
    return {
        "kind": kind,
        "parent_id": parent.id if parent else None,
        "name_ky": row["name_ky"],
        "name_ru": row["name_ru"],
        "name_en": row["name_en"],
        "name_uz": row.get("name_uz") or None,
        "variants": row.get("variants") or None,
        "lsg_name": row.get("lsg_name") or None,
        "inn": inn,
        "latitude": point[0],
        "longitude": point[1],
        "checked": row.get("checked") or None,
    }


async def seed_categories(session: AsyncSession, path: Path = CATEGORIES_CSV) -> SeedReport:
    """Insert or update need categories by code."""
    report = SeedReport()
    existing = {c.code: c for c in (await session.scalars(select(Category))).all()}
    for line, row in _rows(path, CATEGORY_COLUMNS):
        try:
            position = int(row["position"])
        except ValueError:
            raise ReferenceDataError(f"{path.name}:{line}: position must be a number") from None
        values = (position, row["name_ky"], row["name_ru"], row["name_uz"], row["name_en"])
        category = existing.get(row["code"])
        if category is None:
            category = Category(code=row["code"])
            session.add(category)
            existing[row["code"]] = category
            report.added += 1
        elif (
            category.position,
            category.name_ky,
            category.name_ru,
            category.name_uz,
            category.name_en,
        ) != values:
            report.updated += 1
        (
            category.position,
            category.name_ky,
            category.name_ru,
            category.name_uz,
            category.name_en,
        ) = values
    await session.flush()
    return report


async def seed_if_empty(session: AsyncSession) -> bool:
    """Load the bundled reference data into an empty database; True if it did."""
    if await session.scalar(select(func.count(Municipality.id))):
        return False
    await seed_municipalities(session)
    await seed_categories(session)
    return True
