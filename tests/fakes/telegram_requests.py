"""Reading Bot API requests for the fake Telegram server: parameters from the query string, JSON,
urlencoded and multipart bodies (uploads included), and the error envelope."""

from __future__ import annotations

import contextlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.fakes.telegram_updates import Params

INT_PARAMS = {"chat_id", "message_id", "offset", "limit", "timeout", "user_id"}
TEXT_PARAMS = {"text", "caption"}  # never JSON-decoded, even when they look like JSON


@dataclass
class Upload:
    """A file uploaded in a multipart request; ``attach://`` references resolve to it."""

    filename: str | None
    content_type: str
    data: bytes = field(repr=False)


class ApiError(Exception):
    """An error answer in the Bot API envelope; the HTTP status equals ``error_code``."""

    def __init__(self, status: int, description: str, parameters: Params | None = None) -> None:
        super().__init__(description)
        self.status, self.description, self.parameters = status, description, parameters

    def body(self) -> Params:
        """The JSON error envelope."""
        body = {"ok": False, "error_code": self.status, "description": self.description}
        return body | ({"parameters": self.parameters} if self.parameters else {})


def convert_param(key: str, value: Any) -> Any:
    """Numeric ids to int; JSON objects/arrays (e.g. ``reply_markup``) to dicts/lists."""
    if not isinstance(value, str):
        return value
    if key in INT_PARAMS and re.fullmatch(r"-?\d+", value):
        return int(value)
    if key not in TEXT_PARAMS and value[:1] in ("{", "["):
        with contextlib.suppress(ValueError):
            decoded = json.loads(value)
            if isinstance(decoded, dict | list):
                return decoded
    return value


async def read_params(request: web.Request) -> Params:
    """Query-string, JSON, urlencoded and multipart parameters, merged and converted."""
    params: Params = dict(request.query)
    if request.content_type == "application/json":
        raw = await request.read()
        try:
            data = json.loads(raw) if raw.strip() else {}
        except ValueError as error:
            raise ApiError(400, f"Bad Request: can't parse JSON body: {error}") from None
        params.update(data if isinstance(data, dict) else {})
    elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for key, value in (await request.post()).items():
            if isinstance(value, web.FileField):
                value = Upload(value.filename, value.content_type, value.file.read())
            params[key] = value
    attached = set()
    for key, value in list(params.items()):
        name = value.removeprefix("attach://") if isinstance(value, str) else ""
        if value != name and isinstance(params.get(name), Upload):
            params[key] = params[name]
            attached.add(name)
    return {key: convert_param(key, value) for key, value in params.items() if key not in attached}


def require(params: Params, key: str) -> Any:
    """`params[key]`, or a 400 when it is missing or empty."""
    if params.get(key) in (None, ""):
        raise ApiError(400, f"Bad Request: {key} is empty")
    return params[key]
