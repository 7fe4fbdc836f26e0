"""The open data as of one moment: the data sets, their CSV files, and the workbook made the
first time someone asks for it. `Latest` keeps the newest one and rebuilds it in the background
once it is `seconds` old — readers get the one at hand meanwhile, so a burst of downloads reads
the database once and only the very first reader ever waits."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from handlers.reports.open_data.schema import Dataset

log = logging.getLogger("kenesh.open_data")


@dataclass
class Snapshot:
    """The data sets and their files as built at `made_at` (local time); `about` heads the
    workbook, which `workbook` makes once, in a thread, when first asked."""

    made_at: str
    datasets: list[Dataset]
    csv: dict[str, bytes]
    about: list[tuple[str, str]]
    make_workbook: Callable[[list[Dataset], list[tuple[str, str]]], bytes]
    _xlsx: bytes | None = None
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def workbook(self) -> bytes:
        """The XLSX of every data set (tens of seconds of CPU for a big country: off the loop)."""
        async with self._lock:
            if self._xlsx is None:
                self._xlsx = await asyncio.to_thread(self.make_workbook, self.datasets, self.about)
        return self._xlsx


class Latest:
    """The newest snapshot `build` made, rebuilt in the background when older than `seconds`."""

    def __init__(
        self,
        build: Callable[[], Awaitable[Snapshot]],
        seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.build = build
        self.seconds = seconds
        self.clock = clock
        self._value: tuple[float, Snapshot] | None = None
        self._first = asyncio.Lock()
        self._refresh: asyncio.Task[None] | None = None

    async def get(self) -> Snapshot:
        """The snapshot at hand (the first one is waited for)."""
        if self._value is None:
            async with self._first:
                if self._value is None:
                    self._value = (self.clock(), await self.build())
        made, snapshot = self._value
        if self.clock() - made > self.seconds and (self._refresh is None or self._refresh.done()):
            self._refresh = asyncio.create_task(self._rebuild())
        return snapshot

    async def _rebuild(self) -> None:
        try:
            self._value = (self.clock(), await self.build())
        except Exception:  # the old snapshot stays; the next reader tries again
            log.exception("could not rebuild the open data")
