"""The open data snapshot: built once for any number of readers, rebuilt in the background when
old while readers keep the one at hand, and kept when a rebuild fails."""

from __future__ import annotations

import asyncio

from handlers.reports.open_data.snapshot import Latest, Snapshot


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _snapshot(made_at: str) -> Snapshot:
    return Snapshot(made_at, [], {}, [], lambda datasets, about: made_at.encode())


async def test_readers_share_one_build_and_an_old_one_is_replaced_behind_them() -> None:
    clock = Clock()
    builds: list[str] = []
    release = asyncio.Event()

    async def build() -> Snapshot:
        builds.append(f"build {len(builds) + 1}")
        if len(builds) > 1:
            await release.wait()  # a slow rebuild: readers must not wait for it
        return _snapshot(builds[-1])

    latest = Latest(build, 600, clock)
    first = await asyncio.gather(*(latest.get() for _ in range(50)))
    assert {s.made_at for s in first} == {"build 1"} and builds == ["build 1"]
    clock.now = 601
    during = await asyncio.gather(*(latest.get() for _ in range(50)))
    assert {s.made_at for s in during} == {"build 1"}  # the old one, at once
    assert builds == ["build 1", "build 2"]  # one rebuild however many asked
    release.set()
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert (await latest.get()).made_at == "build 2"
    assert await (await latest.get()).workbook() == b"build 2"


async def test_a_failed_rebuild_keeps_the_old_snapshot() -> None:
    clock = Clock()
    calls = 0

    async def build() -> Snapshot:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise RuntimeError("the database is away")
        return _snapshot(f"build {calls}")

    latest = Latest(build, 600, clock)
    assert (await latest.get()).made_at == "build 1"
    clock.now = 601
    assert (await latest.get()).made_at == "build 1"
    await asyncio.sleep(0)
    assert (await latest.get()).made_at == "build 1"  # kept; this reader asks for another
    await asyncio.sleep(0)
    assert (await latest.get()).made_at == "build 3"
