"""Everything `kenesh serve` runs besides the HTTP server: channels and the outbox worker."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from time import monotonic
from typing import Any

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import App
from bot.channels import REGISTRY
from bot.channels.base import Channel
from bot.delivery.prune import drop_sent_files
from bot.delivery.worker import OutboxWorker
from bot.services.broadcast_progress import finish_broadcasts
from bot.services.broadcasts import queue_due
from bot.services.tender_alerts import send_due_reminders
from handlers.survey_invite import survey_job

log = logging.getLogger("kenesh")
PRUNE_EVERY = 3600.0  # seconds between dropping sent files from the outbox


class Runtime:
    """The connected channels of one process, and the worker that delivers their messages."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.scheduler = AsyncIOScheduler(timezone=app.settings.timezone)
        self._pruned_at = float("-inf")
        settings = app.settings
        self.worker = OutboxWorker(
            app.sessions,
            [],
            metrics=app.metrics,
            stale=timedelta(seconds=settings.outbox_stale_seconds),
        )
        self.channels: dict[str, Channel] = {}
        for channel_type in REGISTRY:
            if channel_type.connect is not None and channel_type.enabled(settings):
                self.channels[channel_type.code] = channel_type.connect(
                    app.conversation, self.worker.wake
                )
        self.worker.senders = {
            channel.sender.channel: channel.sender for channel in self.channels.values()
        }

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
        """Queue the broadcasts that are due, finish those with nothing left to send (their
        authors get the report), send the tender reminders that are due, and the survey
        invitations and reminders that are due. The schedule lives in the database (rows locked
        with SKIP LOCKED), so it survives restarts and runs once with several processes;
        APScheduler only says when to look."""

        async def attempt(job: Callable[[AsyncSession], Awaitable[Any]], empty: Any) -> Any:
            try:
                async with self.app.sessions() as session, session.begin():
                    return await job(session)
            except Exception:
                log.exception("schedule tick: %s failed; trying again at the next", job.__name__)
                return empty

        started = await attempt(queue_due, [])
        finished = await attempt(finish_broadcasts, [])
        reminded = await attempt(send_due_reminders, 0)
        if monotonic() - self._pruned_at > PRUNE_EVERY:  # a scan of the outbox: not every tick
            self._pruned_at = monotonic()
            await attempt(drop_sent_files, 0)
        surveyed = await attempt(survey_job(self.app.settings), 0)
        if started:
            log.info("queued broadcasts %s", started)
        if finished:
            log.info("finished broadcasts %s; reports queued for their authors", finished)
        if reminded:
            log.info("tender reminders queued for %s subscribers", reminded)
        if surveyed:
            log.info("survey invitations and reminders queued: %s", surveyed)
        if started or finished or reminded or surveyed:
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
