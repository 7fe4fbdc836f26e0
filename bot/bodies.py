"""Request bodies read within a limit, so a huge or endless body costs us nothing.

Every request passes through `BodyLimit`, which refuses one whose Content-Length is over the
app-wide limit at once, and stops one that streams past it while it is being read. An endpoint
that reads a body of its own sets a tighter limit for its purpose with `read_body` (a Telegram
update is a few KB, a Twilio form smaller still). Either way the answer is 413 and the body is
never held whole in memory.
"""

from __future__ import annotations

import logging

from fastapi import HTTPException, Request
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("kenesh.http")

# Bodies of endpoints that set no limit of their own (none of ours needs as much).
DEFAULT_LIMIT = 1024 * 1024


class BodyTooLarge(HTTPException):
    """A request body over its endpoint's limit: answered 413."""

    def __init__(self, limit: int) -> None:
        super().__init__(413, f"the request body is larger than {limit} bytes")
        self.limit = limit


def _declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def read_body(request: Request, limit: int) -> bytes:
    """The whole body of `request`, or BodyTooLarge as soon as it is known to pass `limit`
    bytes (from Content-Length, or while it arrives)."""
    declared = _declared_length(request.scope)
    if declared is not None and declared > limit:
        log.warning(
            "http: refused a %d-byte body on %s (limit %d)", declared, _path(request), limit
        )
        raise BodyTooLarge(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            log.warning("http: refused a body past %d bytes on %s", limit, _path(request))
            raise BodyTooLarge(limit)
        chunks.append(chunk)
    return b"".join(chunks)


async def read_limited(scope: Scope, receive: Receive, limit: int) -> bytes:
    """`read_body` for a bare ASGI endpoint: the whole body, or BodyTooLarge; ClientDisconnect
    if the client goes away first."""
    declared = _declared_length(scope)
    if declared is not None and declared > limit:
        log.warning("http: refused a %d-byte body on %s (limit %d)", declared, scope["path"], limit)
        raise BodyTooLarge(limit)
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientDisconnect()
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            log.warning("http: refused a body past %d bytes on %s", limit, scope["path"])
            raise BodyTooLarge(limit)
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


async def answer(
    send: Send,
    status: int,
    body: bytes = b"",
    media_type: bytes | None = None,
    headers: tuple[tuple[bytes, bytes], ...] = (),
) -> None:
    """A whole answer from a bare ASGI endpoint."""
    head = [(b"content-length", str(len(body)).encode()), *headers]
    if media_type:
        head.append((b"content-type", media_type))
    await send({"type": "http.response.start", "status": status, "headers": head})
    await send({"type": "http.response.body", "body": body})


async def answer_json(send: Send, status: int, body: bytes) -> None:
    """A whole JSON answer from a bare ASGI endpoint."""
    await answer(send, status, body, b"application/json")


def _path(request: Request) -> str:
    return request.url.path


class BodyLimit:
    """ASGI middleware: no request body passes `limit` bytes, whatever the endpoint reads."""

    def __init__(self, app: ASGIApp, limit: int = DEFAULT_LIMIT) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _declared_length(scope)
        if declared is not None and declared > self.limit:
            log.warning("http: refused a %d-byte body on %s", declared, scope.get("path", ""))
            await _too_large(send, self.limit)
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    log.warning(
                        "http: refused a body past %d bytes on %s", self.limit, scope.get("path")
                    )
                    raise BodyTooLarge(self.limit)
            return message

        await self.app(scope, limited, send)


async def _too_large(send: Send, limit: int) -> None:
    body = f'{{"detail":"the request body is larger than {limit} bytes"}}'.encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
