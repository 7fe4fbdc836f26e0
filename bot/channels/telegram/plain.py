"""The webhook's common case read without aiogram: a private chat's plain text message.

Most updates a bot receives are someone typing an answer. aiogram validates each into its
pydantic `Update` (with its `Message`, `Chat` and `User`) and runs it through its dispatcher's
middlewares before our handler makes an `Inbound` of it: about a tenth of the CPU of a turn. An
update of exactly that shape — `update_id` and a `message` holding only the fields below, each
of its type — becomes the same `Inbound` here. Anything else, or anything odd about it, goes the
whole aiogram way, and is refused there if it is not an Update.
"""

from __future__ import annotations

from typing import Any

from bot.channels.telegram.kind import CODE
from bot.conversation.messages import Inbound


class Shape:
    """A JSON object's fields and their types (a type, or a nested Shape, or a list of one)."""

    def __init__(self, required: set[str], **fields: Any) -> None:
        self.fields = fields
        self.required = frozenset(required)

    def fits(self, value: object) -> bool:
        if type(value) is not dict or not self.required <= value.keys():
            return False
        for key, item in value.items():
            kind = self.fields.get(key)
            if kind is None:
                return False
            if isinstance(kind, Shape):
                if not kind.fits(item):
                    return False
            elif isinstance(kind, list):
                if type(item) is not list or not all(kind[0].fits(one) for one in item):
                    return False
            elif type(item) is not kind:  # exactly: a bool is not an id, "5" is not a number
                return False
        return True


USER = Shape(
    {"id", "is_bot", "first_name"},
    id=int,
    is_bot=bool,
    first_name=str,
    last_name=str,
    username=str,
    language_code=str,
    is_premium=bool,
)
CHAT = Shape({"id", "type"}, id=int, type=str, first_name=str, last_name=str, username=str)
ENTITY = Shape({"type", "offset", "length"}, type=str, offset=int, length=int)
MESSAGE = Shape(
    {"message_id", "date", "chat", "text"},
    message_id=int,
    date=int,
    chat=CHAT,
    text=str,
    entities=[ENTITY],
    **{"from": USER},
)
UPDATE = Shape({"update_id", "message"}, update_id=int, message=MESSAGE)


def plain_text(update: dict[str, Any]) -> Inbound | None:
    """The Inbound of a private chat's plain text message, as `from_message` makes it; None
    for any other update (aiogram's to read)."""
    if not UPDATE.fits(update):
        return None
    message = update["message"]
    chat = message["chat"]
    if chat["type"] != "private":
        return None
    return Inbound(
        channel=CODE,
        address=str(chat["id"]),
        text=message["text"],
        contact_verified=False,  # as from_message: no contact shared
        dedup_key=str(update["update_id"]),
    )
