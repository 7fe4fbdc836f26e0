"""A webhook body checked into an aiogram Update, or refused with one short reason.

Telegram posts one Update as a JSON object of a few KB. Anything else that carries our secret
(a proxy's mistake, a replay, a bug) is refused with 400 and logged in one line, without its
content: a body may hold someone's message. Telegram retries a refused update a few times and
then drops it; each distinct body is logged once, not on every retry.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import OrderedDict
from typing import Any

from aiogram import Bot
from aiogram.types import Update
from pydantic import ValidationError

log = logging.getLogger("kenesh.telegram")

# A message of 4,096 characters (non-ASCII escaped as \\uXXXX by the Bot API) replying to another
# such message, with their entities, stays well within this.
BODY_LIMIT = 64 * 1024
# Telegram's ids (update, chat, user, message) all fit in a signed 64-bit integer.
INT64 = 2**63
REMEMBERED = 256  # distinct refused bodies remembered, so Telegram's retries are not logged again


class NotAnUpdate(ValueError):
    """The body is not a Telegram Update; `reason` says why, without any of its content."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _no_constant(name: str) -> float:
    raise NotAnUpdate(f"JSON with {name}")


def read_json(body: bytes) -> dict[str, Any]:
    """The JSON object in `body`, with no number beyond what Telegram's ids can be; NotAnUpdate
    when it is not one."""
    try:
        data = json.loads(body, parse_constant=_no_constant)
    except NotAnUpdate:
        raise
    except RecursionError:
        raise NotAnUpdate("JSON nested too deeply") from None
    except ValueError:  # UnicodeDecodeError is one
        raise NotAnUpdate("not JSON") from None
    if not isinstance(data, dict):
        raise NotAnUpdate(f"a JSON {type(data).__name__}, not an object")
    _check_integers(data)
    return data


def to_update(data: dict[str, Any], bot: Bot) -> Update:
    """`data` (from `read_json`) as aiogram's Update bound to `bot`; NotAnUpdate when it is not
    one."""
    try:
        return Update.model_validate(data, context={"bot": bot})
    except ValidationError as error:
        first = error.errors(include_input=False, include_url=False)[0]
        where = ".".join(str(part) for part in first["loc"])
        raise NotAnUpdate(f"{where}: {first['type']} ({error.error_count()} errors)") from None
    except RecursionError:
        raise NotAnUpdate("an update nested too deeply") from None


def _check_integers(data: dict[str, Any]) -> None:
    """Refuse integers no Telegram id can be (they would not fit our columns)."""
    stack: list[Any] = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
        elif isinstance(value, int) and not -INT64 <= value < INT64:
            raise NotAnUpdate("an integer beyond 64 bits")


class Refusals:
    """Logs each distinct refused body once (Telegram retries a refused update a few times)."""

    def __init__(self, size: int = REMEMBERED) -> None:
        self.size = size
        self._seen: OrderedDict[bytes, None] = OrderedDict()

    def log(self, body: bytes, reason: str) -> None:
        """One warning line the first time this body is refused; quiet for its retries."""
        digest = hashlib.sha256(body).digest()
        if digest in self._seen:
            self._seen.move_to_end(digest)
            log.debug("telegram webhook: refused again (%s)", reason)
            return
        self._seen[digest] = None
        if len(self._seen) > self.size:
            self._seen.popitem(last=False)
        log.warning("telegram webhook: refused a body that is not an update: %s", reason)
