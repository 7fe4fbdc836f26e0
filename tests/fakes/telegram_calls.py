"""What the fake Bot API (``tests.fakes.telegram_api``) records and reads of each request: the
calls as it answered them, the failures a test injected, and what a send delivers."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import Any

from tests.fakes.telegram_requests import Upload
from tests.fakes.telegram_updates import Params

TRUE_VALUES = (True, "true", "True")


@dataclass
class Call:
    """One recorded Bot API request; ``result`` is what a successful call returned."""

    method: str
    params: Params
    token: str
    status: int
    result: Any = None
    at: float = 0.0  # when the fake took it (its limits' clock, after any injected hang)

    @property
    def ok(self) -> bool:
        """Whether the call succeeded (HTTP 200)."""
        return self.status == 200

    def __str__(self) -> str:
        return f"{self.method}({self.params}) -> {self.status}"


@dataclass
class Failure:
    method: str
    status: int
    description: str
    chat_id: int | str | None
    retry_after: int | None
    remaining: int


def inline_markup(params: Params) -> Params:
    """``{"reply_markup": …}`` if the call has an inline keyboard (the only kind a Message has)."""
    markup = params.get("reply_markup")
    is_inline = isinstance(markup, dict) and "inline_keyboard" in markup
    return {"reply_markup": markup} if is_inline else {}


def is_paid(params: Params) -> bool:
    return params.get("allow_paid_broadcast") in TRUE_VALUES


def delivered_content(method: str, params: Params) -> Hashable:
    """What a send delivers (text, caption, file), to spot a repeated delivery."""
    file = params.get("photo") or params.get("document")
    file = hash(file.data) if isinstance(file, Upload) else str(file)
    return method, params.get("text"), params.get("caption"), file
