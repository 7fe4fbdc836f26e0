"""What the needs pages share: the lists their forms choose from, and reading them back."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.phones import normalize_phone
from models import Category, Municipality, MunicipalityKind, NeedStatus

# the statuses staff set (new is where every need starts)
SETTABLE = tuple(status for status in NeedStatus if status != NeedStatus.new)


async def categories(session: AsyncSession) -> Sequence[Category]:
    """Need categories in their reference order."""
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
