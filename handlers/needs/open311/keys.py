"""Open311 API keys: random, shown once, stored only as their SHA-256."""

from __future__ import annotations

import hashlib
import secrets

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import audit
from models import ApiKey, Municipality
from models.base import utcnow
from models.db import add_once

# 32 random bytes: a 43-character url-safe key
KEY_BYTES = 32
NAME_LENGTH = 100


class ApiKeyError(ValueError):
    """A key cannot be created or revoked; the message says why, for the operator."""


def hash_key(key: str) -> str:
    """The SHA-256 (hex) under which a key is stored and looked up."""
    return hashlib.sha256(key.encode()).hexdigest()


async def create_api_key(
    session: AsyncSession, name: str, municipality: str | None = None
) -> tuple[ApiKey, str]:
    """A new key for the app called `name`: the stored row and the key itself (shown once).
    A key bound to a `municipality` (its code) reports there without a jurisdiction_id."""
    name = name.strip()
    if not name or len(name) > NAME_LENGTH:
        raise ApiKeyError(f"a key name has 1 to {NAME_LENGTH} characters")
    place = None
    if municipality:
        code = municipality.strip().upper()
        place = await session.scalar(select(Municipality).where(Municipality.code == code))
        if place is None or not place.is_current or not place.is_leaf_kind:
            raise ApiKeyError(f"{code} is not a current city or ayil aimak code")
    key = secrets.token_urlsafe(KEY_BYTES)
    row = ApiKey(name=name, key_hash=hash_key(key), municipality_id=place.id if place else None)
    if not await add_once(session, row):
        raise ApiKeyError(f"an API key named {name!r} exists already: choose another name")
    bound = f" municipality={place.code}" if place else ""
    await audit.record(session, None, "open311_key", "ok", f"api_key={row.id} created{bound}")
    return row, key


async def revoke_api_key(session: AsyncSession, name: str) -> ApiKey:
    """Stop the key called `name` from working; refused if there is none or it is revoked."""
    row = await session.scalar(select(ApiKey).where(ApiKey.name == name.strip()))
    if row is None:
        raise ApiKeyError(f"no API key is named {name.strip()!r}")
    if row.revoked_at is not None:
        raise ApiKeyError(f"the API key {row.name!r} is revoked already")
    row.revoked_at = utcnow()
    await audit.record(session, None, "open311_key", "ok", f"api_key={row.id} revoked")
    return row


async def list_api_keys(session: AsyncSession) -> list[ApiKey]:
    """Every key, oldest first (names and dates only: the keys themselves are not stored)."""
    return list((await session.scalars(select(ApiKey).order_by(ApiKey.id))).all())


async def find_api_key(session: AsyncSession, given: str) -> ApiKey | None:
    """The key row a request's `api_key` belongs to (revoked or not), or None."""
    if not given:
        return None
    return await session.scalar(select(ApiKey).where(ApiKey.key_hash == hash_key(given)))
