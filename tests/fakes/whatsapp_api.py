"""A fake WhatsApp Cloud API (the Graph API's messages and media endpoints) on 127.0.0.1, for
driving Kenesh's real client (aiohttp) with every documented limit enforced.

- ``POST /{version}/{phone-number-id}/messages`` checks the bearer token (190 when wrong), the
  message against ``tests.fakes.whatsapp_limits``, the 24-hour window (131047 for anything but
  a template when the person has not written within 24 hours: ``opened(wa_id)`` records that
  they did), templates against ``approve(...)``'d ones, the rate per phone number (130429 over
  ``rate`` a second) and the messaging-limit tier (131048 beyond ``tier`` people reached by
  templates in 24 hours); ``fail_next`` injects any error.
- ``POST /{version}/{phone-number-id}/media`` stores a file (images: JPEG or PNG up to 5 MB;
  documents up to 100 MB); ``GET /{version}/{media-id}`` gives its URL, which serves the bytes.

Every accepted message is kept in ``fake.messages`` with its ``wamid``.
"""

from __future__ import annotations

import asyncio
import hashlib
import secrets
import time
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from tests.fakes.limits import twilio_limits
from tests.fakes.whatsapp_limits import (
    MISSING,
    check_interactive,
    check_media,
    check_template,
    check_text,
)

WINDOW = 24 * 3600
IMAGE_TYPES = {"image/jpeg", "image/png"}
MAX_IMAGE = 5 * 1024 * 1024
MAX_DOCUMENT = 100 * 1024 * 1024
REENGAGE = (131047, "Re-engagement message")
TIER_REACHED = (131048, "Spam rate limit hit")
THROTTLED = (130429, "Rate limit hit")


@dataclass
class Sent:
    """One accepted message: to whom, its type and JSON, its id; `text` is what the person
    reads (a template's filled-in body)."""

    to: str
    type: str
    body: dict[str, Any]
    wamid: str
    text: str


def graph_error(status: int, code: int, message: str, details: str = "") -> web.Response:
    """An error in the Graph API's shape."""
    error = {
        "message": f"(#{code}) {message}",
        "type": "OAuthException",
        "code": code,
        "error_data": {"messaging_product": "whatsapp", "details": details or message},
        "fbtrace_id": secrets.token_hex(8),
    }
    return web.json_response({"error": error}, status=status)


class FakeGraph:
    """One WhatsApp Business phone number's side of the Cloud API."""

    def __init__(
        self,
        token: str = "test-whatsapp-token",
        phone_number_id: str = "106540352242922",
        *,
        rate: float | None = None,
        tier: int | None = None,
        clock: Any = time.time,
    ) -> None:
        self.token, self.phone_number_id = token, phone_number_id
        self.rate, self.tier, self.clock = rate, tier, clock
        self.limits = twilio_limits(rate)
        self.messages: list[Sent] = []
        self.refused: list[tuple[int, dict[str, Any]]] = []  # (error code, request body)
        self.media: dict[str, tuple[str, bytes]] = {}  # id -> (mime, bytes)
        self.approved: dict[tuple[str, str], str] = {}  # (name, language) -> body
        self.windows: dict[str, float] = {}  # wa_id -> when they last wrote
        self.reached: dict[str, float] = {}  # wa_id -> when a template last reached them
        self._failures: list[tuple[str | None, int, int, str, int]] = []
        self._runner: web.AppRunner | None = None
        self._port: int | None = None

    async def start(self, port: int = 0) -> None:
        """Serve on 127.0.0.1 on `port` (0: a free one)."""
        app = web.Application(client_max_size=MAX_DOCUMENT + 1024 * 1024)
        app.router.add_post("/{version}/{phone}/messages", self._send)
        app.router.add_post("/{version}/{phone}/media", self._upload)
        app.router.add_get("/_media/{media_id}", self._bytes)
        app.router.add_get("/{version}/{media_id}", self._media_url)
        self._runner = web.AppRunner(app, shutdown_timeout=1.0, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", port).start()
        self._port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        """Shut the server down."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``: WHATSAPP_API_URL."""
        return f"http://127.0.0.1:{self._port}"

    # -- the test's side ----------------------------------------------------------------------

    def opened(self, wa_id: str, at: float | None = None) -> None:
        """The person wrote (their window opens for 24 hours)."""
        self.windows[wa_id.lstrip("+")] = self.clock() if at is None else at

    def close_window(self, wa_id: str) -> None:
        """As if the person's last message were more than 24 hours old."""
        self.windows[wa_id.lstrip("+")] = self.clock() - WINDOW - 1

    def approve(self, name: str, language: str, body: str) -> None:
        """Meta approved template `name` in `language` with `body` ({{1}} for the parameter)."""
        self.approved[(name, language)] = body

    def received(self, data: bytes, mime: str = "image/jpeg") -> str:
        """A file a person sent: its media id."""
        media_id = str(secrets.randbelow(10**15))
        self.media[media_id] = (mime, data)
        return media_id

    def fail_next(
        self, code: int, message: str = "Injected", *, to: str | None = None, status: int = 400
    ) -> None:
        """Answer the next send (to `to`, if given) with this error."""
        self._failures.append((to, status, code, message, 1))

    def sent_to(self, wa_id: str) -> list[Sent]:
        """Messages accepted for `wa_id`, oldest first."""
        return [m for m in self.messages if m.to == wa_id.lstrip("+")]

    async def wait_for(
        self, count: int, to: str | None = None, timeout: float = 10.0
    ) -> list[Sent]:
        """Wait for at least `count` accepted messages (to `to`, if given)."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.sent_to(to) if to else list(self.messages)
            if len(found) >= count:
                return found
            if time.monotonic() > deadline:
                raise AssertionError(f"expected {count} message(s), got {len(found)}: {found}")
            await asyncio.sleep(0.01)

    # -- handlers -----------------------------------------------------------------------------

    def _authorized(self, request: web.Request) -> bool:
        return request.headers.get("Authorization") == f"Bearer {self.token}"

    def _take_failure(self, to: str) -> tuple[int, int, str] | None:
        for index, (wanted, status, code, message, _) in enumerate(self._failures):
            if wanted is None or wanted.lstrip("+") == to:
                del self._failures[index]
                return status, code, message
        return None

    async def _send(self, request: web.Request) -> web.Response:
        if not self._authorized(request):
            return graph_error(401, 190, "Invalid OAuth access token")
        if request.match_info["phone"] != self.phone_number_id:
            return graph_error(400, 100, "Unsupported post request: unknown phone number id")
        try:
            body = await request.json()
        except ValueError:
            return graph_error(400, 100, "Invalid parameter", "the body is not JSON")
        to, kind = str(body.get("to", "")), body.get("type", "text")
        if body.get("messaging_product") != "whatsapp" or not to.isdigit():
            return self._refuse(body, MISSING, "messaging_product and to (digits) are required")
        failure = self._take_failure(to)
        if failure is not None:
            status, code, message = failure
            self.refused.append((code, body))
            return graph_error(status, code, message)
        if self.limits.check(self.phone_number_id):
            self.refused.append((THROTTLED[0], body))
            return graph_error(400, *THROTTLED)
        problem, text = self._check(kind, body)
        if problem is not None:
            return self._refuse(body, *problem)
        now = self.clock()
        if kind != "template" and now - self.windows.get(to, float("-inf")) >= WINDOW:
            return self._refuse(body, *REENGAGE)
        if kind == "template":
            recent = {k for k, at in self.reached.items() if now - at < WINDOW}
            if self.tier is not None and to not in recent and len(recent) >= self.tier:
                return self._refuse(body, *TIER_REACHED)
            self.reached[to] = now
        wamid = "wamid." + secrets.token_urlsafe(24)
        self.messages.append(Sent(to, kind, body, wamid, text))
        answer = {
            "messaging_product": "whatsapp",
            "contacts": [{"input": to, "wa_id": to}],
            "messages": [{"id": wamid}],
        }
        return web.json_response(answer)

    def _refuse(self, body: dict[str, Any], code: int, details: str) -> web.Response:
        self.refused.append((code, body))
        return graph_error(400, code, details, details)

    def _check(self, kind: str, body: dict[str, Any]) -> tuple[Any, str]:
        """(problem or None, the text the person reads)."""
        content = body.get(kind)
        if not isinstance(content, dict):
            return (MISSING, f"{kind} object is required"), ""
        if kind == "text":
            return check_text(content), content.get("body", "")
        if kind in ("image", "document"):
            return check_media(kind, content, set(self.media)), content.get("caption", "")
        if kind == "interactive":
            return check_interactive(content), (content.get("body") or {}).get("text", "")
        if kind == "template":
            problem, filled = check_template(content, self.approved)
            return problem, filled or ""
        return (131051, f"unsupported message type {kind}"), ""

    async def _upload(self, request: web.Request) -> web.Response:
        if not self._authorized(request):
            return graph_error(401, 190, "Invalid OAuth access token")
        form = await request.post()
        upload = form.get("file")
        if form.get("messaging_product") != "whatsapp" or not hasattr(upload, "file"):
            return graph_error(400, 131008, "Required parameter is missing", "file")
        data = upload.file.read()
        mime = str(form.get("type") or upload.content_type)
        image = mime.startswith("image/")
        if (image and mime not in IMAGE_TYPES) or len(data) > (
            MAX_IMAGE if image else MAX_DOCUMENT
        ):
            return graph_error(400, 131053, "Media upload error", f"{mime}, {len(data)} bytes")
        media_id = str(secrets.randbelow(10**15))
        self.media[media_id] = (mime, data)
        return web.json_response({"id": media_id})

    async def _media_url(self, request: web.Request) -> web.Response:
        if not self._authorized(request):
            return graph_error(401, 190, "Invalid OAuth access token")
        media_id = request.match_info["media_id"]
        if media_id not in self.media:
            return graph_error(404, 100, "Unsupported get request: unknown media id")
        mime, data = self.media[media_id]
        return web.json_response(
            {
                "messaging_product": "whatsapp",
                "url": f"{self.base_url}/_media/{media_id}",
                "mime_type": mime,
                "sha256": hashlib.sha256(data).hexdigest(),
                "file_size": len(data),
                "id": media_id,
            }
        )

    async def _bytes(self, request: web.Request) -> web.Response:
        if not self._authorized(request):
            return web.Response(status=401)
        mime, data = self.media.get(request.match_info["media_id"], ("", b""))
        if not mime:
            return web.Response(status=404)
        return web.Response(body=data, content_type=mime)
