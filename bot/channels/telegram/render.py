"""Turning a Reply into Telegram messages: text split to fit, buttons, keyboards."""

from __future__ import annotations

from dataclasses import dataclass

from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from bot.conversation.messages import Document, Reply
from bot.text import split_text

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK = 64
SHORT_LABEL = 18

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove
# what a message without buttons carries: built once, never changed (a pydantic model a send)
REMOVE = ReplyKeyboardRemove()


@dataclass(frozen=True)
class Outgoing:
    """One Telegram message: text (or a photo or a file with a caption) and its keyboard.

    `photo` is a file_id or URL Telegram already has; `document` is a file we upload
    (sendPhoto for a picture, sendDocument otherwise)."""

    text: str
    markup: Markup | None = None
    photo: str | None = None
    document: Document | None = None


def callback_data(token: str | None, choice_id: str, key: str) -> str:
    """`turn:id`, or `turn#key` (the number shown) when the id would not fit in 64 bytes."""
    data = f"{token or ''}:{choice_id}"
    return data if len(data.encode()) <= MAX_CALLBACK else f"{token or ''}#{key}"


def parse_callback(data: str) -> tuple[str | None, str | None, str | None]:
    """(token, choice id, typed key) from callback data made by `callback_data`."""
    for separator, is_key in ((":", False), ("#", True)):
        token, found, value = data.partition(separator)
        if found:
            return (token or None, None, value) if is_key else (token or None, value, None)
    return None, None, None


def _markup(reply: Reply) -> Markup:
    labels = [c.label for c in reply.choices]
    if reply.request in ("location", "contact"):
        share = KeyboardButton(
            text=reply.request_label or reply.request,
            request_location=reply.request == "location",
            request_contact=reply.request == "contact",
        )
        rows = [[share], *([KeyboardButton(text=label)] for label in labels)]
        return ReplyKeyboardMarkup(keyboard=rows, resize_keyboard=True, one_time_keyboard=True)
    if reply.home:
        buttons = [KeyboardButton(text=label) for label in labels]
        rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
        return ReplyKeyboardMarkup(keyboard=rows, resize_keyboard=True, is_persistent=True)
    if reply.choices:
        buttons = [
            InlineKeyboardButton(
                text=c.label[:64], callback_data=callback_data(reply.token, c.id, c.key)
            )
            for c in reply.choices
        ]
        # short labels (languages, yes/no, statuses) sit two to a row; long ones get a row each
        per_row = 2 if all(len(c.label) <= SHORT_LABEL for c in reply.choices) else 1
        rows = [buttons[i : i + per_row] for i in range(0, len(buttons), per_row)]
        return InlineKeyboardMarkup(inline_keyboard=rows)
    return REMOVE


def render(reply: Reply) -> list[Outgoing]:
    """The messages that show `reply`; the keyboard goes with the last one."""
    markup = _markup(reply)
    if reply.photo is not None or reply.document is not None:
        caption, *more = split_text(reply.text, MAX_CAPTION)
        media = {"document": reply.document} if reply.document else {"photo": reply.photo.ref}
        first = Outgoing(caption, None if more else markup, **media)
        rest = split_text(" ".join(more)) if more else []
        return [
            first,
            *(Outgoing(p, markup if i == len(rest) - 1 else None) for i, p in enumerate(rest)),
        ]
    pieces = split_text(reply.text)
    return [Outgoing(p, markup if i == len(pieces) - 1 else None) for i, p in enumerate(pieces)]
