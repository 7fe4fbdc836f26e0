"""The fakes run as their own process (``python -m tests.fakes.serve``), as benchmarks use them."""

from __future__ import annotations

import aiohttp
import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.rest import Client

from tests.fakes.request_log import read_log, summarize
from tests.fakes.serve import parse_args, serving
from tests.fakes.test_telegram_limits import make_bot, send_all
from tests.processes import free_port

COUNTS = ("ok", "throttled", "failed", "duplicates", "recipients")
ACCOUNT, AUTH_TOKEN = "AC" + "12" * 16, "bench-token"


async def fetch_stats(base_url: str) -> dict:
    """``GET /_fake/stats``."""
    async with aiohttp.ClientSession() as http, http.get(f"{base_url}/_fake/stats") as response:
        return await response.json()


async def reset(base_url: str) -> None:
    """``POST /_fake/reset``."""
    async with aiohttp.ClientSession() as http, http.post(f"{base_url}/_fake/reset") as response:
        assert response.status == 200


async def test_serve_telegram(tmp_path) -> None:
    port, log = free_port(), tmp_path / "requests.log"
    options = ("--rate", "100", "--per-chat", "0.1", "--lean", "--log", str(log))
    async with serving("telegram", *options, port=port) as served:
        assert served.base_url == f"http://127.0.0.1:{port}"
        bot = make_bot(served.base_url)
        try:
            waits = await send_all(bot, [(1, "a"), (1, "b"), (2, "a"), (3, "a")])
        finally:
            await bot.session.close()
        assert waits[0] == 0 and waits[1] == 10 and waits[2:] == [0, 0]  # one per 10 s a chat
        stats = await fetch_stats(served.base_url)
        await reset(served.base_url)
        after_reset = await fetch_stats(served.base_url)
    assert served.process.returncode == 0  # stopped by SIGTERM
    assert {key: stats[key] for key in COUNTS} == {
        "ok": 3,
        "throttled": 1,
        "failed": 0,
        "duplicates": 0,
        "recipients": 3,
    }
    assert stats["settings"]["per_chat"] == 0.1 and stats["settings"]["lean"] is True
    assert 1 <= stats["max_per_second"] <= 3
    assert after_reset["ok"] == 0 and after_reset["first_sent_at"] is None
    logged = read_log(log)  # every request, refused ones too
    assert [(send.recipient, send.status) for send in logged] == [
        ("1", 200),
        ("1", 429),
        ("2", 200),
        ("3", 200),
    ]
    summary = summarize(logged, expected=["1", "2", "3", "4"])
    assert (summary.accepted, summary.throttled, summary.lost, summary.duplicates) == (3, 1, 1, 0)


async def test_serve_twilio() -> None:
    options = ("--rate", "0.2", "--lean", "--account-sid", ACCOUNT, "--auth-token", AUTH_TOKEN)
    async with serving("twilio", *options, port=free_port()) as served:
        http = AsyncTwilioHttpClient()
        client = Client(ACCOUNT, AUTH_TOKEN, http_client=http)
        client.api.base_url = served.base_url
        try:
            for sender in ("+1", "+2"):  # a bucket each, of one message per 5 seconds
                await client.messages.create_async(to="+996555123456", from_=sender, body="hi")
            with pytest.raises(TwilioRestException) as error:
                await client.messages.create_async(to="+996555000111", from_="+1", body="x")
        finally:
            await http.close()
        stats = await fetch_stats(served.base_url)
    assert (error.value.status, error.value.code) == (429, 20429)
    assert {key: stats[key] for key in COUNTS} == {
        "ok": 2,
        "throttled": 1,
        "failed": 0,
        "duplicates": 1,
        "recipients": 1,
    }
    assert stats["settings"] == {
        "service": "twilio",
        "rate": 0.2,
        "lean": True,
        "account_sid": ACCOUNT,
    }
    assert served.process.returncode == 0


@pytest.mark.parametrize(
    "argv",
    [
        ["twilio", "--port", "0", "--per-chat", "1"],
        ["twilio", "--port", "0", "--paid-rate", "1"],
        ["telegram", "--port", "0", "--auth-token", "x"],
        ["sms", "--port", "0"],
        ["telegram"],
    ],
)
def test_options_that_do_not_apply_are_refused(argv: list[str]) -> None:
    with pytest.raises(SystemExit):
        parse_args(argv)


def test_options() -> None:
    args = parse_args(["telegram", "--port", "0", "--rate", "30", "--per-chat", "1", "--lean"])
    assert (args.rate, args.paid_rate, args.per_chat, args.lean) == (30, None, 1, True)
