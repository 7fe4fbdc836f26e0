"""What the workspace's forms choose from, for every domain's pages: the reference data's
categories and municipalities, and reading a chosen id or a typed phone number back."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.phones import normalize_phone
from models import Category, Municipality, MunicipalityKind


async def categories(session: AsyncSession) -> Sequence[Category]:
    """Categories in their reference order."""
    return (await session.scalars(select(Category).order_by(Category.position, Category.id))).all()


async def municipalities(session: AsyncSession, language: str) -> list[Municipality]:
    """Every municipality (city or ayil aimak) by name, for admins' choices."""
    rows = await session.scalars(
        select(Municipality).where(
            Municipality.kind.in_((MunicipalityKind.city, MunicipalityKind.ayil_aimak))
        )
    )
    return sorted(rows.all(), key=lambda m: m.name(language))


def as_id(text: str, allowed: Sequence[int]) -> int | None:
    """A chosen id, if it is one of `allowed`."""
    return int(text) if text.isdecimal() and len(text) < 10 and int(text) in allowed else None


def as_phone(text: str) -> str | None:
    """A typed phone number in E.164, or None if it is not one."""
    return normalize_phone(text) if text else None
