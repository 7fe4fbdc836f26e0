"""Bot API update builders for the fake Telegram server: messages, button presses and
membership changes, as Telegram would deliver them."""

from __future__ import annotations

import time
from typing import Any

Params = dict[str, Any]

BOT_USER = {"id": 1000001, "is_bot": True, "first_name": "Kenesh", "username": "kenesh_test_bot"}
ADMIN_RIGHTS = (  # noqa: SIM905 - the booleans aiogram requires of a ChatMemberAdministrator
    "can_be_edited is_anonymous can_manage_chat can_delete_messages can_manage_video_chats "
    "can_restrict_members can_promote_members can_change_info can_invite_users can_post_stories "
    "can_edit_stories can_delete_stories can_send_welcome_messages"
).split()


class UpdateBuilders:
    """Builds updates for FakeTelegram (which owns the id counters and the recorded messages)."""

    _ids: Any
    _message_ids: Any
    _update_ids: Any
    chat_types: dict[Any, str]
    messages: dict[Any, Params]
    updates: list[Params]

    def _notify(self) -> None:  # provided by FakeTelegram
        raise NotImplementedError

    def _chat(self, chat_id: int | str) -> Params:
        if isinstance(chat_id, str):  # "@channelusername"
            return {"id": -1001, "type": "channel", "title": chat_id, "username": chat_id[1:]}
        chat_type = self.chat_types.get(chat_id, "private")
        if chat_type == "private":
            return {"id": chat_id, "type": "private", "first_name": "Test"}
        return {"id": chat_id, "type": chat_type, "title": f"Test {chat_type}"}

    @staticmethod
    def _user(user_id: int, language_code: str = "en") -> Params:
        name = {"first_name": "Test", "username": f"user{user_id}"}
        return {"id": user_id, "is_bot": False, **name, "language_code": language_code}

    def _bot_message(
        self, chat_id: int | str, message_id: int | None = None, **content: Any
    ) -> Params:
        """A message from the bot, remembered for edits and callbacks."""
        message_id = message_id or next(self._message_ids)
        message = {"message_id": message_id, "date": int(time.time()), "chat": self._chat(chat_id)}
        self.messages[(chat_id, message_id)] = message | {"from": BOT_USER} | content
        return self.messages[(chat_id, message_id)]

    def message(
        self,
        chat_id: int,
        *,
        text: str | None = None,
        photo_file_ids: list[str] | None = None,
        location: tuple[float, float] | None = None,
        contact: tuple[str, int | None] | None = None,
        document: tuple[str, str, str, int] | None = None,
        chat_type: str = "private",
        user_id: int | None = None,
        language_code: str = "en",
    ) -> Params:
        """A ``message`` update from a user (``user_id`` defaults to ``abs(chat_id)``).

        Not queued: ``push()`` it. ``photo_file_ids`` go smallest to largest. ``document`` is
        (file_id, file_name, mime_type, file_size).
        """
        self.chat_types[chat_id] = chat_type
        user = self._user(abs(chat_id) if user_id is None else user_id, language_code)
        message = {"message_id": next(self._message_ids), "date": int(time.time()), "from": user}
        message["chat"] = self._chat(chat_id)
        if text is not None:
            message["text"] = text
            if text.startswith("/"):
                command = {"type": "bot_command", "offset": 0, "length": len(text.split()[0])}
                message["entities"] = [command]
        if photo_file_ids:
            message["photo"] = [
                {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": 1000 * 4**i}
                | {"width": 90 * 2**i, "height": 90 * 2**i}
                for i, file_id in enumerate(photo_file_ids)
            ]
        if document is not None:
            file_id, name, mime, size = document
            message["document"] = {"file_id": file_id, "file_unique_id": f"u{file_id}"} | {
                "file_name": name,
                "mime_type": mime,
                "file_size": size,
            }
        if location is not None:
            message["location"] = {"latitude": location[0], "longitude": location[1]}
        if contact is not None:
            message["contact"] = {"phone_number": contact[0], "first_name": "Test"}
            if contact[1] is not None:
                message["contact"]["user_id"] = contact[1]
        return {"update_id": next(self._update_ids), "message": message}

    def callback(
        self, chat_id: int, data: str, *, message_id: int | None = None, user_id: int | None = None
    ) -> Params:
        """A ``callback_query`` update: a button under the bot's message `message_id` (default:
        its latest in the chat) was pressed. An unknown message is made up and remembered."""
        if message_id is None:
            message_id = max((mid for chat, mid in self.messages if chat == chat_id), default=None)
        message = self.messages.get((chat_id, message_id)) if message_id else None
        if message is None:
            message = self._bot_message(chat_id, message_id, text="…")
        query = {"id": str(next(self._ids)), "chat_instance": f"ci{chat_id}", "data": data}
        query |= {"from": self._user(abs(chat_id) if user_id is None else user_id)}
        return {"update_id": next(self._update_ids), "callback_query": query | {"message": message}}

    def my_chat_member(
        self, chat_id: int, chat_type: str = "group", status: str = "member", *, user_id: int = 1
    ) -> Params:
        """A ``my_chat_member`` update: user `user_id` changed the bot's status in a chat (by
        default: added it to a group). `status`: member, administrator, creator, left, kicked."""
        self.chat_types[chat_id] = chat_type

        def member(status: str) -> Params:
            extra: Params = {
                "administrator": dict.fromkeys(ADMIN_RIGHTS, False),
                "creator": {"is_anonymous": False},
                "kicked": {"until_date": 0},
            }.get(status, {})
            return {"status": status, "user": BOT_USER, **extra}

        old = "left" if status in ("member", "administrator", "creator") else "member"
        update = {"chat": self._chat(chat_id), "from": self._user(user_id)}
        update |= {"date": int(time.time()), "old_chat_member": member(old)}
        update |= {"new_chat_member": member(status)}
        return {"update_id": next(self._update_ids), "my_chat_member": update}
