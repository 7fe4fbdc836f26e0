"""Pacing: the channel's rate, and one message a second to one chat. (Lower bounds only: a busy
machine can only make the gaps longer.)"""

from __future__ import annotations

import asyncio
import itertools

from bot.delivery.pace import Pace


async def times(pace: Pace, addresses: list[str]) -> list[float]:
    loop = asyncio.get_running_loop()
    stamps = []
    for address in addresses:
        await pace.wait(address)
        stamps.append(loop.time())
    return stamps


async def test_one_chat_gets_at_most_one_message_a_second() -> None:
    stamps = await times(Pace(rate=1000, per_address=1.0), ["chat-1", "chat-1", "chat-1"])
    assert all(later - earlier >= 0.99 for earlier, later in itertools.pairwise(stamps))


async def test_different_chats_only_share_the_channel_rate() -> None:
    stamps = await times(Pace(rate=20, per_address=1.0), [f"chat-{i}" for i in range(11)])
    elapsed = stamps[-1] - stamps[0]
    assert elapsed >= 10 / 20 - 0.01  # ten gaps at 20 a second
    assert elapsed < 1.0  # nobody waited a per-chat second


async def test_concurrent_senders_share_the_slots() -> None:
    pace = Pace(rate=50)
    loop = asyncio.get_running_loop()
    started = loop.time()
    await asyncio.gather(*(pace.wait(f"chat-{i}") for i in range(26)))
    assert loop.time() - started >= 25 / 50 - 0.01
