"""Telegram updates as normalized messages."""

from __future__ import annotations

from aiogram.types import CallbackQuery, Message

from bot.channels.telegram.kind import CODE
from bot.channels.telegram.render import parse_callback
from bot.conversation.messages import Inbound, Location, Photo


def from_message(message: Message, update_id: int) -> Inbound:
    """A private-chat message: text or caption, the largest photo size, a location, a contact.

    A shared contact counts as the sender's own phone only when its user_id is the sender's.
    """
    contact = message.contact
    sender = message.from_user.id if message.from_user else None
    return Inbound(
        channel=CODE,
        address=str(message.chat.id),
        text=message.text or message.caption or "",
        photo=Photo(message.photo[-1].file_id) if message.photo else None,
        location=(
            Location(message.location.latitude, message.location.longitude)
            if message.location
            else None
        ),
        contact_phone=contact.phone_number if contact else None,
        contact_verified=bool(
            contact and contact.user_id is not None and contact.user_id == sender
        ),
        dedup_key=str(update_id),
    )


def from_callback(callback: CallbackQuery, update_id: int) -> Inbound | None:
    """A button press, or None when it did not come from a private chat we can answer in."""
    chat = callback.message.chat if callback.message else None
    if chat is None or chat.type != "private" or not callback.data:
        return None
    token, choice, key = parse_callback(callback.data)
    return Inbound(
        channel=CODE,
        address=str(chat.id),
        text=key or "",
        choice=choice,
        token=token or "-",  # no token at all is stale by definition
        dedup_key=str(update_id),
    )
