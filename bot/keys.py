"""Keys that sign what Kenesh hands out (report links; later web sessions), from `SECRET_KEY`.

One secret of Kenesh's own, not a provider's: rotating Twilio or Telegram credentials must not
void links already sent. Each use gets a key of its own, derived from SECRET_KEY by HMAC with
the use's name, so a token made for one use is never valid for another.

Without SECRET_KEY, a process makes a random key when it starts and warns: good enough for the
simulator and a local `kenesh serve`, but links and sessions then die with the process and are
not shared by several processes. `kenesh serve` with a PUBLIC_URL (reachable from outside) refuses
to start without SECRET_KEY (`require_secret_key`).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from functools import cache

from bot.settings import Settings

log = logging.getLogger("kenesh")

MIN_LENGTH = 32
GENERATE = 'python3 -c "import secrets; print(secrets.token_urlsafe(32))"'


@cache
def _process_key() -> bytes:
    """A random key for this process alone, made once (no SECRET_KEY)."""
    log.warning(
        "SECRET_KEY is not set: signing with a key of this process only "
        "(links and sessions end when it stops)"
    )
    return secrets.token_bytes(32)


def signing_key(settings: Settings, purpose: str) -> bytes:
    """The HMAC key for `purpose` (e.g. "report links"), derived from SECRET_KEY."""
    secret = (
        settings.secret_key.get_secret_value().encode()
        if settings.secret_key is not None
        else _process_key()
    )
    return hmac.new(secret, b"kenesh:" + purpose.encode(), hashlib.sha256).digest()


def require_secret_key(settings: Settings) -> None:
    """Refuse to serve the public without SECRET_KEY: a random key per process would void every
    link at each restart and differ between processes."""
    if settings.secret_key is None and settings.public_url:
        raise ValueError(
            "SECRET_KEY is required when PUBLIC_URL is set (it signs report links); "
            f"make one with: {GENERATE}"
        )
