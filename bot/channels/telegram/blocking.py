"""A person blocking or unblocking the bot in their private chat: Telegram's STOP and START.

Telegram tells the bot at once (a `my_chat_member` update, new status `kicked`); the chat is
marked unreachable then, so messages already queued for it are skipped instead of tried (and
refused with 403). Unblocking (`member` again) makes it reachable, as writing again does."""

from __future__ import annotations

from datetime import UTC

from aiogram.types import ChatMemberUpdated
from sqlalchemy.ext.asyncio import async_sessionmaker

from bot import audit
from bot.channels.telegram.kind import CODE
from bot.conversation.senders import find_address


async def apply_membership(sessions: async_sessionmaker, event: ChatMemberUpdated) -> None:
    """Mark the private chat of `event` unreachable when the person blocked the bot, reachable
    when they unblocked it. A block older than the person's last message is stale (a
    redelivery): they wrote after it, so it is ignored."""
    status = event.new_chat_member.status
    if status not in ("kicked", "member"):
        return
    blocked = status == "kicked"
    async with sessions() as session, session.begin():
        address = await find_address(session, CODE, str(event.chat.id))
        if address is None or address.unreachable == blocked:
            return
        when = event.date if event.date.tzinfo else event.date.replace(tzinfo=UTC)
        last_message = address.last_seen_at.replace(microsecond=0)  # Telegram's dates: seconds
        if blocked and when < last_message:
            detail = f"address={address.id} stale: older than the last message"
            await audit.record(session, address.person_id, "telegram_blocked", "ignored", detail)
            return
        address.unreachable = blocked
        action = "telegram_blocked" if blocked else "telegram_unblocked"
        await audit.record(session, address.person_id, action, "ok", f"address={address.id}")
