"""ASGI middleware around every public request: the per-client limit (429 with Retry-After,
said in the reader's language), an ETag on every page so a phone that has it gets 304 and no
body, a short shared cache, and the same security headers as the workspace (no inline script,
never in a frame)."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot.web.site import HEADERS as WORKSPACE_HEADERS

if TYPE_CHECKING:
    from bot.web.public.site import PublicSite

ASSETS = "/assets/"
# the workspace's headers, except that public pages may be cached and carry no secret in their
# addresses (a need's link may tell the site it came from where it points)
HEADERS = {
    **{k: v for k, v in WORKSPACE_HEADERS.items() if k not in ("cache-control", "referrer-policy")},
    "referrer-policy": "strict-origin-when-cross-origin",
}
VARY = "Accept-Language, Cookie"  # the language comes from these when the URL does not say


def etag_of(body: bytes) -> str:
    """A weak validator of a page's bytes (weak: a proxy may compress it)."""
    return f'W/"{hashlib.sha256(body).hexdigest()[:20]}"'


def _matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    if header.strip() == "*":
        return True
    bare = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == bare for tag in header.split(","))


class PublicGuard:
    """The limit, validators, cache and security headers of the public site."""

    def __init__(self, app: ASGIApp, site: PublicSite) -> None:
        self.app = app
        self.site = site

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        asset = path.startswith(ASSETS)
        if not asset:
            client = (scope.get("client") or ("unknown", 0))[0]
            wait = self.site.limit.take(client)
            if wait:
                response = self.site.problem_response(Request(scope), 429, *self.site.TOO_MANY)
                response.headers["retry-after"] = str(wait)
                response.headers["cache-control"] = "no-store"
                await self._with_headers(response, scope, receive, send)
                return
        start: Message | None = None
        chunks: list[bytes] = []

        async def buffer(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            if message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
                if message.get("more_body"):
                    return
                assert start is not None
                await self._finish(scope, start, b"".join(chunks), asset, send)
                return
            await send(message)

        await self.app(scope, receive, buffer)

    async def _finish(
        self, scope: Scope, start: Message, body: bytes, asset: bool, send: Send
    ) -> None:
        headers = {k.decode().lower(): v.decode() for k, v in start.get("headers", [])}
        cookies = [v for k, v in start.get("headers", []) if k.decode().lower() == "set-cookie"]
        status = start["status"]
        if status == 200 and scope["method"] == "GET" and not asset:
            etag = headers.setdefault("etag", etag_of(body))
            shared = "private" if cookies else "public"
            headers["cache-control"] = f"{shared}, max-age={self.site.max_age}"
            request_headers = {k.decode().lower(): v.decode() for k, v in scope["headers"]}
            if _matches(request_headers.get("if-none-match"), etag):
                status, body = 304, b""
                for name in ("content-length", "content-type"):
                    headers.pop(name, None)
        elif asset and status in (200, 304):
            # an asset's URL carries its version (?v=…): a new file is a new URL
            headers["cache-control"] = "public, max-age=31536000, immutable"
        else:
            headers.setdefault("cache-control", "no-store")
        if not asset:
            headers["vary"] = VARY
        headers.update(HEADERS)
        raw = [(k.encode(), v.encode()) for k, v in headers.items() if k != "set-cookie"]
        raw += [(b"set-cookie", value) for value in cookies]
        await send({"type": "http.response.start", "status": status, "headers": raw})
        await send({"type": "http.response.body", "body": body})

    async def _with_headers(self, response, scope: Scope, receive: Receive, send: Send) -> None:
        for name, value in HEADERS.items():
            response.headers[name] = value
        await response(scope, receive, send)
