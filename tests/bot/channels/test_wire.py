"""The lean HTTP client against a raw socket server on 127.0.0.1 that answers each request the
way the test says: whole, chunked, close-delimited, cut, never, or not HTTP at all."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

import pytest
from aiogram import Bot
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramNetworkError

from bot.channels.telegram.session import JsonSession
from bot.channels.wire import Wire, WireError

OK = b'{"ok":true,"result":{"message_id":7}}'


def whole(body: bytes = OK, extra: bytes = b"", status: bytes = b"200 OK") -> bytes:
    return (
        b"HTTP/1.1 "
        + status
        + b"\r\nContent-Type: application/json\r\nContent-Length: "
        + str(len(body)).encode()
        + b"\r\n"
        + extra
        + b"\r\n"
        + body
    )


class Server:
    """Accepts connections; `answer(request_number)` gives the bytes to send back (None: say
    nothing) and whether to close the connection after them."""

    def __init__(self, answer: Callable[[int], tuple[bytes | None, bool]]) -> None:
        self.answer = answer
        self.connections = 0
        self.requests: list[bytes] = []
        self.server: asyncio.Server | None = None

    async def start(self) -> str:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        port = self.server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = next(
                    int(line.split(b":")[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length:")
                )
                self.requests.append(head + await reader.readexactly(length))
                data, close = self.answer(len(self.requests))
                if data is not None:
                    writer.write(data)
                    await writer.drain()
                if close:
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()

    async def stop(self) -> None:
        if self.server is not None:
            self.server.close()


@pytest.fixture
async def serve() -> AsyncIterator[Callable[..., asyncio.Future]]:
    servers: list[Server] = []

    async def start(answer: Callable[[int], tuple[bytes | None, bool]]) -> tuple[Server, str]:
        server = Server(answer)
        servers.append(server)
        return server, await server.start()

    yield start  # type: ignore[misc]
    for server in servers:
        await server.stop()


async def test_keep_alive_sends_every_request_on_one_connection(serve) -> None:
    server, origin = await serve(lambda n: (whole(), False))
    wire = Wire(origin)
    answers = [await wire.post("/bot1:x/sendMessage", b'{"a":1}', "application/json", 5)]
    answers.append(await wire.post("/bot1:x/sendMessage", b'{"a":2}', "application/json", 5))
    assert [(a.status, a.body) for a in answers] == [(200, OK), (200, OK)]
    assert server.connections == 1
    assert server.requests[1].startswith(b"POST /bot1:x/sendMessage HTTP/1.1\r\n")
    assert server.requests[1].endswith(b'\r\n\r\n{"a":2}')
    assert b"Content-Type: application/json\r\n" in server.requests[0]
    await wire.close()


async def test_a_chunked_answer_is_read_whole(serve) -> None:
    chunked = (
        b"HTTP/1.1 429 Too Many Requests\r\nTransfer-Encoding: chunked\r\n\r\n"
        b'5\r\n{"ok"\r\n5\r\n:fals\r\n2\r\ne}\r\n0\r\n\r\n'
    )
    _, origin = await serve(lambda n: (chunked, False))
    answer = await Wire(origin).post("/x", b"{}", "application/json", 5)
    assert (answer.status, answer.body) == (429, b'{"ok":false}')


async def test_an_answer_ended_by_closing_the_connection_is_read_whole(serve) -> None:
    server, origin = await serve(
        lambda n: (b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + OK, True)
    )
    wire = Wire(origin)
    first = await wire.post("/x", b"{}", "application/json", 5)
    second = await wire.post("/x", b"{}", "application/json", 5)
    assert first.body == second.body == OK
    assert server.connections == 2  # the server said close: not reused


async def test_connection_close_is_honoured(serve) -> None:
    server, origin = await serve(lambda n: (whole(extra=b"Connection: close\r\n"), True))
    wire = Wire(origin)
    for _ in range(3):
        assert (await wire.post("/x", b"{}", "application/json", 5)).status == 200
    assert server.connections == 3


async def test_an_answer_cut_short_is_an_error_and_the_next_post_reconnects(serve) -> None:
    server, origin = await serve(lambda n: (whole()[:30], True) if n == 1 else (whole(), False))
    wire = Wire(origin)
    with pytest.raises(WireError):
        await wire.post("/x", b"{}", "application/json", 5)
    assert (await wire.post("/x", b"{}", "application/json", 5)).body == OK
    assert server.connections == 2


async def test_a_server_that_never_answers_times_out_and_its_connection_is_dropped(
    serve,
) -> None:
    server, origin = await serve(lambda n: (None, False) if n == 1 else (whole(), False))
    wire = Wire(origin)
    with pytest.raises(TimeoutError):
        await wire.post("/x", b"{}", "application/json", 0.2)
    assert (await wire.post("/x", b"{}", "application/json", 5)).body == OK
    assert server.connections == 2  # the silent one is not used again


async def test_an_answer_that_is_not_http_is_an_error(serve) -> None:
    _, origin = await serve(lambda n: (b"SSH-2.0-OpenSSH_9.2\r\n", True))
    with pytest.raises(WireError):
        await Wire(origin).post("/x", b"{}", "application/json", 5)


async def test_a_connection_the_server_closed_while_idle_is_not_reused(serve) -> None:
    server, origin = await serve(lambda n: (whole(), n == 1))  # closes after its first answer
    wire = Wire(origin)
    assert (await wire.post("/x", b"{}", "application/json", 5)).body == OK
    await asyncio.sleep(0.05)  # the close reaches us
    assert (await wire.post("/x", b"{}", "application/json", 5)).body == OK
    assert server.connections == 2


async def test_the_session_turns_a_refused_connection_into_aiograms_network_error(
    serve,
) -> None:
    server, origin = await serve(lambda n: (whole(), False))
    await server.stop()
    server.server and await server.server.wait_closed()
    session = JsonSession(api=TelegramAPIServer.from_base(origin), timeout=2)
    bot = Bot("123456:TEST-token", session=session)
    with pytest.raises(TelegramNetworkError) as raised:
        await session.send_text(bot, 42, "hello", None)
    assert "TEST-token" not in str(raised.value)  # the token is in the path: never in errors
    await session.close()


async def test_the_session_reads_the_message_id_and_hands_errors_to_aiogram(serve) -> None:
    answers = {
        1: whole(),
        2: whole(
            b'{"ok":false,"error_code":403,"description":"Forbidden: bot was blocked"}',
            status=b"403 Forbidden",
        ),
    }
    server, origin = await serve(lambda n: (answers[n], False))
    session = JsonSession(api=TelegramAPIServer.from_base(origin), timeout=2)
    bot = Bot("123456:TEST-token", session=session)
    assert await session.send_text(bot, 42, "сәлем", None, paid=True) == 7
    with pytest.raises(Exception, match="blocked") as raised:
        await session.send_text(bot, 43, "hello", None)
    assert type(raised.value).__name__ == "TelegramForbiddenError"
    first = server.requests[0]
    assert first.startswith(b"POST /bot123456:TEST-token/sendMessage HTTP/1.1\r\n")
    assert first.endswith(b'{"chat_id": 42, "text": "\\u0441\\u04d9\\u043b\\u0435\\u043c", '
                          b'"allow_paid_broadcast": true}')  # fmt: skip
    assert server.connections == 1
    await session.close()
