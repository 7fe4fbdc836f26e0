"""The Telegram channel: aiogram's Bot and Dispatcher, fed by a webhook or by long polling.

aiogram is only the transport here: conversation state lives in our database (shared with SMS),
so its FSM is not used and handlers are three thin functions.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import replace

from aiogram import Bot, Dispatcher, Router
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramAPIError
from aiogram.types import BotCommand, CallbackQuery, ChatMemberUpdated, Message, Update
from fastapi import APIRouter
from starlette.types import ASGIApp

from bot.channels.telegram.blocking import apply_membership
from bot.channels.telegram.documents import is_text_file, read_text_file
from bot.channels.telegram.inbound import from_callback, from_message
from bot.channels.telegram.kind import CAPABILITIES, CODE
from bot.channels.telegram.plain import plain_text
from bot.channels.telegram.sender import TelegramSender
from bot.channels.telegram.session import JsonSession
from bot.channels.telegram.updates import read_json, to_update
from bot.channels.telegram.webhook import TelegramWebhook
from bot.conversation.batch import GroupCommit
from bot.conversation.engine import Conversation
from bot.i18n import N_, translator
from bot.settings import LANGUAGES, Settings

log = logging.getLogger("kenesh.telegram")

WEBHOOK_PATH = "/telegram/webhook"
FREE_RATE = 30  # messages a second Telegram allows a bot without paid broadcasts
COMMANDS = (
    ("start", N_("Start or start again")),
    ("menu", N_("Main menu")),
    ("help", N_("Help")),
    ("language", N_("Change language")),
    ("cancel", N_("Cancel what you are doing")),
)


async def _private_chat(message: Message) -> bool:
    """Only private chats are conversations. (An async filter: aiogram runs sync filters, such
    as magic F-filters, in a thread for every update.)"""
    return message.chat.type == "private"


class TelegramChannel:
    """One bot: receives updates, hands them to the conversation, answers buttons."""

    def __init__(
        self,
        settings: Settings,
        conversation: Conversation,
        wake: Callable[[], None] = lambda: None,
    ) -> None:
        if not settings.telegram_bot_token:
            raise ValueError("TELEGRAM_BOT_TOKEN is not set")
        if settings.public_url and not settings.telegram_webhook_secret:
            raise ValueError(
                "TELEGRAM_WEBHOOK_SECRET is required when PUBLIC_URL is set (webhook mode)"
            )
        self.settings = settings
        self.conversation = conversation
        self.wake = wake
        api = TelegramAPIServer.from_base(settings.telegram_api_url)
        session = JsonSession(api=api, timeout=settings.send_timeout_seconds)
        self.bot = Bot(settings.telegram_bot_token, session=session)
        self.dispatcher = Dispatcher()
        self.dispatcher.include_router(self._router())
        if settings.telegram_rate > FREE_RATE and not settings.telegram_paid_broadcast:
            log.warning(
                "TELEGRAM_RATE %s is above Telegram's free %s a second: expect 429s "
                "unless TELEGRAM_PAID_BROADCAST is on",
                settings.telegram_rate,
                FREE_RATE,
            )
        self.sender = TelegramSender(
            self.bot, rate=settings.telegram_rate, paid=settings.telegram_paid_broadcast
        )
        self.inbox = GroupCommit(conversation, CODE, CAPABILITIES)
        self._polling: asyncio.Task[None] | None = None

    @property
    def webhook_mode(self) -> bool:
        """Webhook when there is a public URL, long polling otherwise."""
        return bool(self.settings.public_url)

    def router(self) -> APIRouter:
        """Nothing through FastAPI: the webhook is a bare endpoint (`endpoints`)."""
        return APIRouter()

    def endpoints(self) -> dict[str, ASGIApp]:
        """The webhook in webhook mode; nothing to serve when polling."""
        return {WEBHOOK_PATH: TelegramWebhook(self)} if self.webhook_mode else {}

    def _router(self) -> Router:
        router = Router(name="kenesh-telegram")
        router.message.filter(_private_chat)
        router.message.register(self._on_message)
        router.callback_query.register(self._on_callback)
        router.my_chat_member.register(self._on_membership)
        return router

    async def start(self) -> None:
        """Check the token, publish commands, then set the webhook or start polling."""
        await self.bot.get_me()
        await self.publish_commands()
        if self.webhook_mode:
            await self.bot.set_webhook(
                url=self.settings.public_url.rstrip("/") + WEBHOOK_PATH,
                secret_token=self.settings.telegram_webhook_secret,
                allowed_updates=self.dispatcher.resolve_used_update_types(),
            )
            log.info("telegram: webhook mode")
            return
        await self.bot.delete_webhook(drop_pending_updates=False)
        self._polling = asyncio.create_task(
            self.dispatcher.start_polling(
                self.bot,
                handle_signals=False,
                close_bot_session=False,
                polling_timeout=self.settings.telegram_polling_timeout,
            ),
            name="telegram-polling",
        )
        log.info("telegram: long polling")

    async def stop(self) -> None:
        """Stop polling (a webhook simply stops being served)."""
        if self._polling is not None:
            try:
                await self.dispatcher.stop_polling()
            except RuntimeError:  # it never got going
                self._polling.cancel()
            await asyncio.gather(self._polling, return_exceptions=True)
            self._polling = None

    async def close(self) -> None:
        """Close the Bot API session, which the sender used too."""
        await self.bot.session.close()

    async def publish_commands(self) -> None:
        """The command menu in each language, and in the default language for everyone else."""
        for language in (*LANGUAGES, None):
            tr = translator(language or self.settings.default_language)
            commands = [BotCommand(command=name, description=tr.t(text)) for name, text in COMMANDS]
            await self.bot.set_my_commands(commands, language_code=language)

    async def feed_webhook(self, body: bytes) -> None:
        """Handle one update posted to the webhook (NotAnUpdate when it is not one): a plain
        text message straight to the conversation, anything else through aiogram."""
        data = read_json(body)
        inbound = plain_text(data)
        if inbound is not None:
            await self.inbox.handle(inbound)
            self.wake()
            return
        await self.dispatcher.feed_update(self.bot, to_update(data, self.bot))

    async def _on_message(self, message: Message, event_update: Update) -> None:
        inbound = from_message(message, event_update.update_id)
        if message.document is not None and is_text_file(message.document):
            content = await read_text_file(self.bot, message.document)
            if content is not None:
                inbound = replace(inbound, text=content)
        await self.inbox.handle(inbound)
        self.wake()

    async def _on_callback(self, callback: CallbackQuery, event_update: Update) -> None:
        inbound = from_callback(callback, event_update.update_id)
        replies = []
        if inbound is not None:
            replies = await self.inbox.handle(inbound)
            self.wake()
        expired = next((r for r in replies if r.expired), None)
        try:
            await callback.answer(expired.text if expired else None)
            if inbound is not None and expired is None and callback.message:
                # the question is answered: its buttons go, so they cannot be pressed again
                await self.bot.edit_message_reply_markup(
                    chat_id=callback.message.chat.id,
                    message_id=callback.message.message_id,
                    reply_markup=None,
                )
        except TelegramAPIError as error:
            log.warning("telegram: could not answer a button press: %s", type(error).__name__)

    async def _on_membership(self, event: ChatMemberUpdated) -> None:
        """Blocked or unblocked in a private chat: the chat stops or starts receiving. Added to a
        group or channel: say once that this is a private-chat bot, and leave."""
        if event.chat.type == "private":
            await apply_membership(self.conversation.sessions, event)
            return
        if event.new_chat_member.status not in (
            "member",
            "administrator",
        ):
            return
        try:
            if event.chat.type in ("group", "supergroup"):
                text = translator(self.settings.default_language).t(
                    N_("Hello! I only work in private chats. Please write to me directly.")
                )
                await self.bot.send_message(event.chat.id, text)
            await self.bot.leave_chat(event.chat.id)
        except TelegramAPIError as error:
            log.warning("telegram: could not leave a group: %s", type(error).__name__)
