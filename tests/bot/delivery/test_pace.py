"""Pacing: the channel's rate in every sliding second, one message a second to one chat, and a
429 holding the whole channel. (Upper bounds on what goes out, lower bounds on gaps: a busy
machine can only make the gaps longer.)"""

from __future__ import annotations

import asyncio
import itertools
import time

from bot.delivery.pace import SAFETY, Pace
from tests.fakes.request_log import most_in_window


async def times(pace: Pace, addresses: list[str]) -> list[float]:
    stamps = []
    for address in addresses:
        await pace.wait(address)
        stamps.append(time.time())
    return stamps


async def test_one_chat_gets_at_most_one_message_a_second() -> None:
    stamps = await times(Pace(rate=1000, per_address=1.0), ["chat-1", "chat-1", "chat-1"])
    assert all(later - earlier >= 1.0 for earlier, later in itertools.pairwise(stamps))


async def test_different_chats_only_share_the_channel_rate() -> None:
    stamps = await times(Pace(rate=20, per_address=1.0), [f"chat-{i}" for i in range(11)])
    elapsed = stamps[-1] - stamps[0]
    assert elapsed >= 10 / 20 - 0.01  # ten gaps at 20 a second
    assert elapsed < 1.0  # nobody waited a per-chat second


async def test_concurrent_senders_share_the_slots() -> None:
    pace = Pace(rate=50)
    started = time.time()
    await asyncio.gather(*(pace.wait(f"chat-{i}") for i in range(26)))
    assert time.time() - started >= 25 / 50 - 0.01


async def test_a_stalled_process_never_catches_up_in_a_burst() -> None:
    pace = Pace(rate=30)
    stamps: list[float] = []

    async def send(address: str) -> None:
        await pace.wait(address)
        stamps.append(time.time())
        if len(stamps) == 20:
            time.sleep(0.2)  # noqa: ASYNC251 (the loop is blocked: six slots pass unused)

    await asyncio.gather(*(send(f"chat-{i}") for i in range(70)))
    assert len(stamps) == 70
    assert most_in_window(stamps) <= 30  # a catch-up would put 31 to 39 in some second
    assert most_in_window(stamps, 1.0 + SAFETY) <= 30  # with room for the provider's jitter


async def test_a_429_holds_the_whole_channel_and_slows_it() -> None:
    pace = Pace(rate=100)
    await pace.wait("first")
    started = time.time()
    await pace.throttled(0.5)  # one chat's send was refused
    await pace.throttled(0.5)  # another in flight at the same time: the same burst, counted once
    stamps = await asyncio.gather(*(times(pace, [f"other-{i}"]) for i in range(5)))
    assert min(stamp for [stamp] in stamps) >= started + 0.5  # the others waited too
    assert pace.rate is not None and pace.rate < 100  # the limit was lower than configured
    assert pace.throttled_times == 1


async def test_slots_are_reserved_through_the_shared_window() -> None:
    asked: list[tuple[int, float, float]] = []
    later = time.time() + 0.3  # another process holds the next 0.3 s

    async def reserve(count: int, interval: float, not_before: float) -> float:
        asked.append((count, interval, not_before))
        start = max(later, not_before) if len(asked) == 1 else time.time()
        return start

    pace = Pace(rate=40, reserve=reserve)
    stamps = await times(pace, [f"chat-{i}" for i in range(22)])
    assert min(stamps) >= later  # none in the other process's time
    assert asked[0][0] == 20 and asked[0][1] == (1 + SAFETY) / 40  # half a second at a time
    assert len(asked) == 2


async def test_no_slot_to_be_had_is_an_error_for_every_waiter() -> None:
    async def reserve(count: int, interval: float, not_before: float) -> float:
        raise ConnectionError("database is down")

    pace = Pace(rate=10, reserve=reserve)
    results = await asyncio.gather(pace.wait("a"), pace.wait("b"), return_exceptions=True)
    assert all(isinstance(result, ConnectionError) for result in results)
