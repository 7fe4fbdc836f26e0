"""Tokens of the workspace: random, signed with SECRET_KEY, stored only as their hash.

A token travels as `RANDOM.MAC`. The MAC (HMAC-SHA-256 with the workspace's key, derived from
SECRET_KEY by `bot.keys`) lets a forged or mistyped one be refused before the database is asked,
and rotating SECRET_KEY voids every link and session at once. The database keeps the SHA-256 of RANDOM, never RANDOM itself.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from bot.keys import signing_key
from bot.settings import Settings

RANDOM_BYTES = 24
MAC_BYTES = 16


def workspace_key(settings: Settings) -> bytes:
    """The workspace's signing key (without SECRET_KEY, this process's own: see bot.keys)."""
    return signing_key(settings, "web workspace")


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _mac(key: bytes, purpose: str, random: str) -> str:
    return _b64(hmac.new(key, f"{purpose}:{random}".encode(), hashlib.sha256).digest()[:MAC_BYTES])


def digest(random: str) -> str:
    """What the database stores of a token."""
    return hashlib.sha256(random.encode()).hexdigest()


def issue(key: bytes, purpose: str) -> tuple[str, str]:
    """A new signed token for `purpose` ("link", "session") and the digest to store."""
    random = _b64(secrets.token_bytes(RANDOM_BYTES))
    return f"{random}.{_mac(key, purpose, random)}", digest(random)


def verify(key: bytes, purpose: str, token: str) -> str | None:
    """The digest of a token signed with `key` for `purpose`, or None if it is not one."""
    random, dot, mac = token.partition(".")
    if not dot or not random or len(token) > 200:
        return None
    if not hmac.compare_digest(mac.encode(), _mac(key, purpose, random).encode()):
        return None
    return digest(random)


def new_csrf() -> str:
    """A session's form token."""
    return _b64(secrets.token_bytes(RANDOM_BYTES))


def same(a: str | None, b: str | None) -> bool:
    """Whether two secrets are equal, in constant time (False when either is missing)."""
    return bool(a) and bool(b) and hmac.compare_digest(str(a).encode(), str(b).encode())
