"""Loading reference data (municipalities, need categories) from editable CSV files."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

import models
from models import Category, Municipality, MunicipalityKind

REFERENCE = Path(models.__file__).resolve().parent / "reference"  # the editable CSV files
MUNICIPALITIES_CSV = REFERENCE / "municipalities.csv"
CATEGORIES_CSV = REFERENCE / "categories.csv"

MUNICIPALITY_COLUMNS = ("code", "kind", "parent_code", "name_ky", "name_ru", "name_en")
CATEGORY_COLUMNS = ("code", "position", "name_ky", "name_ru", "name_uz", "name_en")


class ReferenceDataError(ValueError):
    """A reference file is malformed; the message names the file, line and problem."""


@dataclass
class SeedReport:
    """How many rows a seed added and updated."""

    added: int = 0
    updated: int = 0


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
                if not clean.get(column) and column != "parent_code":
                    raise ReferenceDataError(f"{path.name}:{line}: {column} is empty")
            rows.append((line, clean))
        return rows


async def seed_municipalities(session: AsyncSession, path: Path = MUNICIPALITIES_CSV) -> SeedReport:
    """Insert or update municipalities by code; parents must come before their children."""
    report = SeedReport()
    existing = {m.code: m for m in (await session.scalars(select(Municipality))).all()}
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
        elif _differs(unit, row, kind, parent):
            report.updated += 1
        unit.kind = kind
        unit.parent_id = parent.id if parent else None
        unit.name_ky, unit.name_ru, unit.name_en = row["name_ky"], row["name_ru"], row["name_en"]
        unit.name_uz = row.get("name_uz") or None
        await session.flush()
    return report


def _differs(
    unit: Municipality, row: dict[str, str], kind: MunicipalityKind, parent: Municipality | None
) -> bool:
    return (
        unit.kind != kind
        or unit.parent_id != (parent.id if parent else None)
        or (unit.name_ky, unit.name_ru, unit.name_en, unit.name_uz)
        != (row["name_ky"], row["name_ru"], row["name_en"], row.get("name_uz") or None)
    )


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
