"""Everything `kenesh serve` runs besides the HTTP server: channels and the outbox worker."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import timedelta
from math import ceil
from time import monotonic

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.app import App
from bot.channels import REGISTRY
from bot.channels.base import Channel
from bot.delivery.quiet import quiet_hours
from bot.delivery.sender import Sender, lane_of
from bot.delivery.worker import OutboxWorker
from bot.schedule import Tick
from bot.settings import Settings

log = logging.getLogger("kenesh")


def check_lease(settings: Settings, senders: Iterable[Sender]) -> None:
    """Refuse a lease shorter than one send can take: it is the backstop when renewals fail
    (the database restarting), and a send outliving it could be taken and sent again."""
    lease = settings.outbox_stale_seconds
    for sender in senders:
        longest = getattr(sender, "longest_send", 0.0)
        if lease < longest:
            raise ValueError(
                f"OUTBOX_STALE_SECONDS={lease:g} is shorter than one {sender.channel} send can "
                f"take: {longest:g} s (SEND_TIMEOUT_SECONDS={settings.send_timeout_seconds:g} "
                f"for each of {getattr(sender, 'attempts', 1)} attempts, and the pauses between); set "
                f"OUTBOX_STALE_SECONDS to at least {ceil(longest)} or lower SEND_TIMEOUT_SECONDS"
            )


class Runtime:
    """The connected channels of one process, and the worker that delivers their messages."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.scheduler = AsyncIOScheduler(timezone=app.settings.timezone)
        self._ran_at: dict[str, float] = {}  # monotonic time each job last ran
        settings = app.settings
        self.worker = OutboxWorker(
            app.sessions,
            [],
            metrics=app.metrics,
            lease=timedelta(seconds=settings.outbox_stale_seconds),
            quiet=quiet_hours(settings.quiet_hours, settings.timezone),
        )
        self.channels: dict[str, Channel] = {}
        for channel_type in REGISTRY:
            if channel_type.connect is not None and channel_type.enabled(settings):
                self.channels[channel_type.code] = channel_type.connect(
                    app.conversation, self.worker.wake
                )
        self.worker.senders = {
            lane_of(sender): sender
            for channel in self.channels.values()
            for sender in getattr(channel, "senders", [channel.sender])
        }
        check_lease(settings, self.worker.senders.values())

    async def start(self) -> None:
        """Start the worker and the schedule's ticker, then each channel."""
        await self.worker.start()
        self.scheduler.add_job(
            self.tick, "interval", seconds=self.app.settings.schedule_tick_seconds, max_instances=1
        )
        self.scheduler.start()
        for channel_type in REGISTRY:
            channel = self.channels.get(channel_type.code)
            if channel is not None:
                await channel.start()
            elif channel_type.off:
                log.info(channel_type.off)

    async def tick(self) -> None:
        """Run each job of the tick (the domains' and the platform's), each in a transaction of
        its own: a failing job is logged and tried again at the next tick, the others go on."""
        did_something = False
        tick = Tick(self.app.settings, self.app.conversation)
        for job in self.app.jobs:
            if job.every and monotonic() - self._ran_at.get(job.name, float("-inf")) < job.every:
                continue
            self._ran_at[job.name] = monotonic()
            try:
                async with self.app.sessions() as session, session.begin():
                    result = await job.run(session, tick)
            except Exception:
                log.exception("schedule tick: %s failed; trying again at the next", job.name)
                continue
            if result:
                log.info(job.done, result)
                did_something = True
        if did_something:
            self.worker.wake()

    async def stop(self) -> None:
        """Stop channels receiving first (no new work), then the worker, then release the
        channels' connections (the worker may have been sending through them)."""
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
        for channel in self.channels.values():
            await channel.stop()
        await self.worker.stop()
        for channel in self.channels.values():
            await channel.close()
