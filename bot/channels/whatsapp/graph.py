"""The WhatsApp Cloud API over plain HTTP (aiohttp, which aiogram already brings).

Three endpoints are all Kenesh needs: `/{phone-number-id}/messages` to send,
`/{phone-number-id}/media` to upload a file, and `/{media-id}` (then the URL it gives) to
download one. Errors come back in the Graph API's shape, `{"error": {"code", "message",
"error_data": {"details"}}}`, and become `GraphError`.
"""

from __future__ import annotations

from typing import Any

import aiohttp

from bot.conversation.messages import Document
from bot.settings import Settings


class GraphError(Exception):
    """An answer of the Graph API other than success: the HTTP status, Meta's error code and
    its message (never the recipient's number: Meta does not quote it)."""

    def __init__(self, status: int, code: int | None, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message

    @property
    def reason(self) -> str:
        """A short reason for the outbox row."""
        return f"whatsapp {self.code or self.status}: {self.message}"[:300]


class Graph:
    """One business phone number's calls to the Cloud API."""

    def __init__(self, settings: Settings) -> None:
        if not (settings.whatsapp_token and settings.whatsapp_phone_number_id):
            raise ValueError("WhatsApp needs WHATSAPP_TOKEN and WHATSAPP_PHONE_NUMBER_ID")
        self.base = f"{settings.whatsapp_api_url.rstrip('/')}/{settings.whatsapp_api_version}"
        self.phone_number_id = settings.whatsapp_phone_number_id
        self._headers = {"Authorization": f"Bearer {settings.whatsapp_token}"}
        self.timeout = settings.send_timeout_seconds  # of each call (SEND_TIMEOUT_SECONDS)
        self._session: aiohttp.ClientSession | None = None

    @property
    def session(self) -> aiohttp.ClientSession:
        """The HTTP session, made on first use (it belongs to the running loop)."""
        if self._session is None or self._session.closed:
            timeout = aiohttp.ClientTimeout(total=self.timeout)
            self._session = aiohttp.ClientSession(headers=self._headers, timeout=timeout)
        return self._session

    async def send(self, to: str, message: dict[str, Any]) -> str:
        """Send one message to the WhatsApp id `to`; its message id (`wamid.…`)."""
        body = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to}
        url = f"{self.base}/{self.phone_number_id}/messages"
        async with self.session.post(url, json=body | message) as response:
            answer = await _json(response)
        return str(answer["messages"][0]["id"])

    async def upload(self, name: str, mime: str, data: bytes) -> str:
        """Upload a file for sending; its media id."""
        form = aiohttp.FormData()
        form.add_field("messaging_product", "whatsapp")
        form.add_field("type", mime)
        form.add_field("file", data, filename=name, content_type=mime)
        url = f"{self.base}/{self.phone_number_id}/media"
        async with self.session.post(url, data=form) as response:
            answer = await _json(response)
        return str(answer["id"])

    async def download(self, media_id: str) -> Document:
        """A file someone sent: its URL read from the media endpoint, then its bytes (the URL
        needs the token too, and lasts minutes)."""
        async with self.session.get(f"{self.base}/{media_id}") as response:
            meta = await _json(response)
        async with self.session.get(meta["url"]) as response:
            if response.status != 200:
                raise GraphError(response.status, None, "media download failed")
            data = await response.read()
        mime = str(meta.get("mime_type") or "application/octet-stream").split(";")[0]
        return Document(f"{media_id}.{mime.rsplit('/', 1)[-1]}", mime, data)

    async def close(self) -> None:
        """Close the HTTP session."""
        if self._session is not None:
            await self._session.close()


async def _json(response: aiohttp.ClientResponse) -> dict[str, Any]:
    try:
        answer = await response.json(content_type=None)
    except ValueError:
        answer = {}
    if response.status >= 400 or not isinstance(answer, dict) or "error" in answer:
        error = answer.get("error", {}) if isinstance(answer, dict) else {}
        details = (error.get("error_data") or {}).get("details") or error.get("message") or ""
        code = error.get("code")
        raise GraphError(response.status, code if isinstance(code, int) else None, str(details))
    return answer
