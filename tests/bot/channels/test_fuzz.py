"""Thousands of random and hostile inputs through the Telegram and Twilio webhooks: the real
aiogram and twilio stacks, the whole ASGI app, the fake Bot API and the fake Twilio server.

Whatever comes — junk text in every script, NUL bytes, lone surrogates, digits of other scripts,
giant numbers, forged signatures, bodies that are not updates or not forms, huge bodies, stale and
forged buttons, other people's contacts, photos and places no column holds — the server answers
every request below 500, logs no traceback, answers every person who wrote, and is alive after.

People write in rounds: in each, every chat and phone sends one input at the same moment (their
own turns never race), hostile requests are mixed in, and the round waits for the outbox to drain
so each person's answer can be told apart from the next. Seeded, so a failure repeats.
"""

from __future__ import annotations

import asyncio
import gc
import json
import logging
import random
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Any

import httpx
from sqlalchemy import func, select
from twilio.request_validator import RequestValidator

from bot.channels.sms.optout import Command, sms_command
from bot.channels.sms.sender import STATUS_PATH
from bot.channels.telegram.channel import WEBHOOK_PATH
from bot.http import create_http_app
from bot.phones import normalize_phone
from bot.runtime import Runtime
from models import OutboxMessage, OutboxStatus
from models.base import utcnow
from tests.bot.channels.fuzz_inputs import (
    FROM,
    SECRET,
    carries_a_picture,
    form_text,
    junk,
    telegram_hostile,
    telegram_input,
    twilio_form,
)
from tests.conftest import clear, make_app
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.twilio_api import FakeTwilio

SEED = 20261201
DEFAULT_ROUNDS = 20
ROUNDS = int(__import__("os").environ.get("FUZZ_ROUNDS", DEFAULT_ROUNDS))  # fewer while working
CHATS = 30  # Telegram chats writing each round
PHONES = 30  # SMS numbers writing each round
HOSTILE = 200  # requests a round that are refused (forged, malformed, too large)
PUBLIC = "https://kenesh.example"
TOKEN = "123456:FUZZ-token"


@dataclass
class Tally:
    """What happened, for the assertions and the failure message."""

    sent: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    unanswered: list[str] = field(default_factory=list)

    def count(self, response: httpx.Response) -> httpx.Response:
        self.sent += 1
        self.statuses[response.status_code] = self.statuses.get(response.status_code, 0) + 1
        return response


class Harness:
    """One Kenesh process with both channels, and the clients that write to it."""

    def __init__(self, runtime: Runtime, telegram: FakeTelegram, twilio: FakeTwilio) -> None:
        self.runtime = runtime
        self.app = runtime.app
        self.telegram = telegram
        self.twilio = twilio
        self.http = create_http_app(self.app, runtime.channels.values())
        self.client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.http), base_url=PUBLIC
        )
        self.validator = RequestValidator(twilio.auth_token)
        self.tally = Tally()
        self.seen_calls = 0
        self.answers: dict[Any, int] = {}  # chat id or callback id -> replies seen

    async def telegram_post(self, body: bytes, secret: str = SECRET) -> httpx.Response:
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret, "Content-Type": "application/json"}
        return self.tally.count(await self.client.post(WEBHOOK_PATH, content=body, headers=headers))

    async def twilio_post(
        self, path: str, params: dict[str, str] | None, body: bytes | None = None, sign: bool = True
    ) -> httpx.Response:
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if sign and params is not None:
            headers["X-Twilio-Signature"] = self.validator.compute_signature(PUBLIC + path, params)
        elif not sign:
            headers["X-Twilio-Signature"] = "bm90IGEgc2lnbmF0dXJl"
        if body is None:
            return self.tally.count(await self.client.post(path, data=params, headers=headers))
        return self.tally.count(await self.client.post(path, content=body, headers=headers))

    def read_calls(self) -> None:
        """Count the Bot API's new successful sends and button answers, by chat and callback."""
        calls = self.telegram.calls
        for call in calls[self.seen_calls :]:
            if not call.ok:
                continue
            if call.method.lower() == "answercallbackquery":
                key: Any = ("callback", call.params.get("callback_query_id"))
            elif call.method in ("sendMessage", "sendPhoto", "sendDocument"):
                key = call.params.get("chat_id")
            else:
                continue
            self.answers[key] = self.answers.get(key, 0) + 1
        self.seen_calls = len(calls)

    async def settle(self, timeout: float = 30.0) -> None:
        """Wait until nothing due is left in the outbox."""
        deadline = time.monotonic() + timeout
        while True:
            async with self.app.sessions() as session:
                due = (OutboxMessage.status == OutboxStatus.sending) | (
                    (OutboxMessage.status == OutboxStatus.queued)
                    & (OutboxMessage.not_before.is_(None) | (OutboxMessage.not_before <= utcnow()))
                )
                pending = await session.scalar(
                    select(func.count()).select_from(OutboxMessage).where(due)
                )
            if not pending:
                return
            assert time.monotonic() < deadline, f"{pending} messages never went out"
            self.runtime.worker.wake()
            await asyncio.sleep(0.02)


async def start(database, telegram: FakeTelegram, twilio: FakeTwilio) -> Harness:
    app = make_app(
        database,
        public_url=PUBLIC,
        telegram_bot_token=TOKEN,
        telegram_api_url=telegram.base_url,
        telegram_webhook_secret=SECRET,
        telegram_rate=1000,
        twilio_account_sid=twilio.account_sid,
        twilio_auth_token=twilio.auth_token,
        twilio_from=FROM,
        twilio_api_url=twilio.base_url,
        sms_rate=1000,
    )
    runtime = Runtime(app)
    runtime.worker.idle_seconds = 0.05
    runtime.channels["telegram"].sender.backoff = (0.01, 0.02, 0.04)
    runtime.channels["telegram"].sender.per_address_interval = 0.0  # pacing has its own tests
    await runtime.start()
    return Harness(runtime, telegram, twilio)


# -- Twilio -------------------------------------------------------------------------------------


async def twilio_hostile(rng: random.Random, harness: Harness, sid: int) -> tuple[int, set[int]]:
    """A Twilio request to refuse; its status and the statuses that may answer it."""
    kind = rng.random()
    path = rng.choice(["/sms/twilio", STATUS_PATH, STATUS_PATH + "?outbox=1,%C2%B2,x"])
    form = twilio_form(rng, "+996555999999", sid)
    if kind < 0.3:
        response = await harness.twilio_post(path, form, sign=False)
        return response.status_code, {403}
    if kind < 0.5:
        body = rng.choice([b"\xff", b"Body=\xc3\x28", bytes(rng.randrange(256) for _ in range(50))])
        response = await harness.twilio_post(path, None, body=body, sign=False)
        return response.status_code, {403}
    if kind < 0.6:
        response = await harness.twilio_post(path, None, body=b"Body=" + b"x" * 40_000)
        return response.status_code, {413}
    if kind < 0.8:  # signed, but from a number nobody can have
        form["From"] = rng.choice(["", "abc", "+1", form_text(junk(rng)[:40]), "0" * 30])
        response = await harness.twilio_post("/sms/twilio", form)
        return response.status_code, {200}
    status = {  # a signed status callback, true or made up
        "MessageSid": rng.choice([f"SM{sid:032x}", "", form_text(junk(rng)[:60])]),
        "MessageStatus": rng.choice(["delivered", "failed", "sent", form_text(junk(rng)[:30])]),
        # not 21610 (unsubscribed): a true report of it stops the number, which the test's
        # model of who must be answered does not follow (its own tests do)
        "ErrorCode": rng.choice(["", "30003", "30005", "²", form_text(junk(rng)[:10])]),
        "AccountSid": "AC",
    }
    status_path = rng.choice(
        [STATUS_PATH, STATUS_PATH + "?outbox=1", STATUS_PATH + "?outbox=%C2%B2"]
    )
    response = await harness.twilio_post(status_path, status)
    return response.status_code, {204}


# -- the test -----------------------------------------------------------------------------------


async def test_thousands_of_random_and_hostile_inputs_never_break_the_server(
    database, caplog
) -> None:
    await clear(database)
    # what earlier tests left for the garbage collector (an engine's connections) is collected
    # now, so what it logs is not counted as this server's
    gc.collect()
    caplog.set_level(logging.WARNING)
    caplog.clear()
    rng = random.Random(SEED)
    telegram, twilio = FakeTelegram(max_poll_wait=0.2), FakeTwilio()
    await telegram.start()
    await twilio.start()
    harness = await start(database, telegram, twilio)
    chats = [7_000_000 + n for n in range(CHATS)]
    phones = [f"+99655501{n:04d}" for n in range(PHONES)]
    stopped: set[str] = set()
    sid = 0
    try:
        for round_number in range(ROUNDS):
            harness.read_calls()
            before = dict(harness.answers)
            expected: list[tuple[Any, str]] = []
            tasks = []
            for chat in chats:
                update, answerer = telegram_input(rng, telegram, chat)
                expected.append((answerer, f"chat {chat}: {json.dumps(update)[:300]}"))
                tasks.append(harness.telegram_post(json.dumps(update).encode()))
            sms_expect: list[tuple[str, bool]] = []
            for phone in phones:
                sid += 1
                form = twilio_form(rng, phone, sid)
                command = None if carries_a_picture(form) else sms_command(form["Body"])
                answers = phone not in stopped or command == Command.start
                if command == Command.stop:
                    stopped.add(phone)
                elif command == Command.start:
                    stopped.discard(phone)
                sms_expect.append((f"phone {phone}: {form['Body'][:200]!r}", answers))
                tasks.append(harness.twilio_post("/sms/twilio", form))
            hostile = []
            for _ in range(HOSTILE // 2):
                body, secret, allowed = telegram_hostile(rng, telegram)
                hostile.append((allowed, harness.telegram_post(body, secret)))
            for _ in range(HOSTILE - HOSTILE // 2):
                sid += 1
                hostile.append((None, twilio_hostile(rng, harness, sid)))
            results = await asyncio.gather(*tasks, *(coro for _, coro in hostile))

            telegram_results = results[: len(chats)]
            sms_results = results[len(chats) : len(chats) + len(phones)]
            for response, (_, what) in zip(telegram_results, expected, strict=True):
                assert response.status_code == 200, f"round {round_number}, {what}: {response}"
            for response, (what, answers) in zip(sms_results, sms_expect, strict=True):
                assert response.status_code == 200, f"round {round_number}, {what}: {response}"
                replies = list(ET.fromstring(response.text).iter("Message"))
                if answers and not replies:
                    harness.tally.unanswered.append(f"round {round_number}, {what}")
            for (allowed, _), result in zip(
                hostile, results[len(chats) + len(phones) :], strict=True
            ):
                status, allowed = (result.status_code, allowed) if allowed is not None else result
                assert status in allowed and status < 500, f"round {round_number}: {status}"

            await harness.settle()
            harness.read_calls()
            for answerer, what in expected:
                if harness.answers.get(answerer, 0) <= before.get(answerer, 0):
                    harness.tally.unanswered.append(f"round {round_number}, {what}")

        assert not harness.tally.unanswered, "\n".join(harness.tally.unanswered[:10])
        assert harness.tally.sent >= ROUNDS * (CHATS + PHONES + HOSTILE), harness.tally
        assert all(status < 500 for status in harness.tally.statuses), harness.tally.statuses
        problems = [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]
        assert not problems, "\n".join(
            f"{r.levelname} {r.name}: {r.getMessage()}" for r in problems[:10]
        )
        # alive: healthy, and a newcomer on each channel is greeted
        assert (await harness.client.get("/healthz")).status_code == 200
        update = telegram.message(8_000_001, text="/start")
        assert (await harness.telegram_post(json.dumps(update).encode())).status_code == 200
        await harness.settle()
        assert telegram.sent_to(8_000_001)
        sid += 1
        greeting = await harness.twilio_post("/sms/twilio", twilio_form(rng, "+996555777777", sid))
        assert "<Message" in greeting.text
    finally:
        await harness.client.aclose()
        await harness.runtime.stop()
        await telegram.stop()
        await twilio.stop()


def test_the_phones_of_the_fuzz_are_real_numbers() -> None:
    # otherwise "every person who wrote got an answer" would hold for no one
    assert all(normalize_phone(f"+99655501{n:04d}") for n in range(PHONES))


def test_the_fuzz_sends_at_least_five_thousand_inputs() -> None:
    assert DEFAULT_ROUNDS * (CHATS + PHONES + HOSTILE) >= 5000
