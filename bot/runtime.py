"""Everything `kenesh serve` runs besides the HTTP server: channels and the outbox worker."""

from __future__ import annotations

import logging

from bot.app import App
from bot.channels.sms.channel import SmsChannel
from bot.channels.telegram.channel import TelegramChannel
from bot.delivery.sender import Sender
from bot.delivery.worker import OutboxWorker

log = logging.getLogger("kenesh")


class Runtime:
    """The configured channels of one process, and the worker that delivers their messages."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.telegram: TelegramChannel | None = None
        self.sms: SmsChannel | None = None
        senders: list[Sender] = []
        settings = app.settings
        self.worker = OutboxWorker(app.sessions, senders, metrics=app.metrics)
        if settings.telegram_bot_token:
            self.telegram = TelegramChannel(settings, app.conversation, wake=self.worker.wake)
            senders.append(self.telegram.sender)
        if settings.twilio_account_sid:
            self.sms = SmsChannel(settings, app.conversation, wake=self.worker.wake)
            senders.append(self.sms.sender)
        self.worker.senders = {sender.channel: sender for sender in senders}

    async def start(self) -> None:
        """Start the worker, then each channel."""
        await self.worker.start()
        if self.telegram is not None:
            await self.telegram.start()
        else:
            log.info("no TELEGRAM_BOT_TOKEN: Telegram is off")

    async def stop(self) -> None:
        """Stop channels first (no new work), then the worker."""
        if self.telegram is not None:
            await self.telegram.stop()
        await self.worker.stop()
        if self.sms is not None:
            await self.sms.sender.close()
