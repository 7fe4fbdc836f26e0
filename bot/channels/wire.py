"""A lean HTTP/1.1 client for posting to one provider: keep-alive connections, one request at a
time on each, answers parsed by httptools (llhttp in C, the parser uvicorn serves us with).

aiohttp's client is general — cookies, redirects, proxies, multipart, tracing — and a request
through it costs about a third of a broadcast send's CPU. A broadcast posts thousands of small
JSON bodies to one host; here a request is one `write` of bytes formatted ahead and an answer is
fed to the C parser, which handles Content-Length, chunked and close-delimited bodies alike.

A connection goes back to the pool only after a whole answer the server let it keep; a timeout,
a cancel or a broken answer closes it. Nothing is retried here: a POST the server may have acted
on is the caller's to judge.
"""

from __future__ import annotations

import asyncio
import ssl
from collections import deque
from dataclasses import dataclass
from urllib.parse import urlsplit

import certifi
import httptools

DEFAULT_LIMIT = 100  # simultaneous connections, as aiohttp's connector


class WireError(ConnectionError):
    """The connection failed, or the answer was cut or not HTTP."""


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    body: bytes


class _Connection(asyncio.Protocol):
    """One keep-alive connection; `exchange` sends a request and waits for its whole answer."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.closed = False
        self.keep_alive = True
        self._parser = httptools.HttpResponseParser(self)
        self._answer: asyncio.Future[Answer] | None = None
        self._body: list[bytes] = []
        self._headers_done = False
        self._delimited = False  # a Content-Length or chunked: the end is known without a close

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        answer = self._answer
        if answer is None or answer.done():
            return
        if self._headers_done and not self._delimited and exc is None:
            self._finish()  # a body that ends with the connection
        else:
            answer.set_exception(WireError("the connection closed before a whole answer"))

    def data_received(self, data: bytes) -> None:
        if self._answer is None:  # nothing asked: a server that talks unasked is not trusted
            self.close()
            return
        try:
            self._parser.feed_data(data)
        except httptools.HttpParserError as error:
            if not self._answer.done():
                self._answer.set_exception(WireError(f"not an HTTP answer: {error}"))
            self.close()

    # httptools' callbacks
    def on_header(self, name: bytes, value: bytes) -> None:
        if name.lower() in (b"content-length", b"transfer-encoding"):
            self._delimited = True

    def on_headers_complete(self) -> None:
        self._headers_done = True

    def on_body(self, body: bytes) -> None:
        self._body.append(body)

    def on_message_complete(self) -> None:
        self._finish()

    def _finish(self) -> None:
        answer = self._answer
        if answer is None or answer.done():
            return
        self.keep_alive = not self.closed and self._parser.should_keep_alive()
        answer.set_result(Answer(self._parser.get_status_code(), b"".join(self._body)))

    async def exchange(self, request: bytes) -> Answer:
        if self.closed or self.transport is None or self.transport.is_closing():
            raise WireError("the connection is closed")
        self._answer = asyncio.get_running_loop().create_future()
        self._body = []
        self._headers_done = self._delimited = False
        self.transport.write(request)
        try:
            return await self._answer
        finally:
            self._answer = None

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()


class Wire:
    """Posts to one origin (`scheme://host[:port]`) over a pool of keep-alive connections."""

    def __init__(self, origin: str, *, limit: int = DEFAULT_LIMIT) -> None:
        parts = urlsplit(origin)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("an http:// or https:// origin")
        self.host = parts.hostname
        self.port = parts.port or (443 if parts.scheme == "https" else 80)
        default = (parts.scheme == "https" and self.port == 443) or self.port == 80
        self._host_header = parts.netloc.rsplit("@", 1)[-1] if not default else self.host
        self._ssl = (
            ssl.create_default_context(cafile=certifi.where()) if parts.scheme == "https" else None
        )
        self._idle: deque[_Connection] = deque()
        self._slots = asyncio.Semaphore(limit)
        self._open: set[_Connection] = set()

    async def post(self, path: str, body: bytes, content_type: str, seconds: float) -> Answer:
        """POST `body` to `path`; the answer, whatever its status. TimeoutError past `seconds`
        (waiting for a free connection included), WireError or OSError when it cannot be had."""
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {self._host_header}\r\nAccept: */*\r\n"
            f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode("latin-1")
        async with asyncio.timeout(seconds), self._slots:
            connection = self._take() or await self._connect()
            try:
                answer = await connection.exchange(head + body)
            except BaseException:
                self._drop(connection)
                raise
            if connection.keep_alive and not connection.closed:
                self._idle.append(connection)
            else:
                self._drop(connection)
            return answer

    def _take(self) -> _Connection | None:
        while self._idle:
            connection = self._idle.pop()  # the most recently used: least likely timed out
            if not connection.closed:
                return connection
            self._open.discard(connection)
        return None

    async def _connect(self) -> _Connection:
        loop = asyncio.get_running_loop()
        _, connection = await loop.create_connection(
            _Connection,
            self.host,
            self.port,
            ssl=self._ssl,
            server_hostname=self.host if self._ssl else None,
        )
        self._open.add(connection)
        return connection

    def _drop(self, connection: _Connection) -> None:
        connection.close()
        self._open.discard(connection)

    async def close(self) -> None:
        """Close every connection; the next post opens new ones."""
        for connection in list(self._open):
            self._drop(connection)
        self._idle.clear()
        await asyncio.sleep(0)  # let the transports finish closing
