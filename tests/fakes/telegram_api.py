"""A fake Telegram Bot API server on 127.0.0.1 for driving the real aiogram client in tests.

Point aiogram at it with ``AiohttpSession(api=TelegramAPIServer.from_base(fake.base_url))``.
Every call is recorded in ``fake.calls``; updates built with ``message()``, ``callback()`` or
``my_chat_member()`` are queued with ``push()`` and served by ``getUpdates``. Failures are
injected with ``fail_next()`` and ``block()``. Texts are stored verbatim (no HTML parsing).

Sends (sendMessage/sendPhoto/sendDocument) can be rate-limited like Telegram's: over a limit they
answer 429 with ``retry_after`` (see ``tests.fakes.limits``), which aiogram raises as
``TelegramRetryAfter``. ``fake.stats`` counts sends cheaply (``tests.fakes.stats``) and is served at
``GET /_fake/stats``; with ``lean=True`` nothing else is kept per call, for long benchmarks.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import itertools
import time
from collections.abc import Callable
from typing import Any

from aiohttp import web

from tests.fakes.limits import retry_after, telegram_limits
from tests.fakes.stats import SendStats, add_control_routes
from tests.fakes.telegram_calls import Call, Failure, delivered_content, inline_markup, is_paid
from tests.fakes.telegram_requests import TEXT_PARAMS, ApiError, Upload, read_params, require
from tests.fakes.telegram_updates import BOT_USER, Params, UpdateBuilders

GET_ME = BOT_USER | {"can_join_groups": True, "can_read_all_group_messages": False}
GET_ME["supports_inline_queries"] = False
SEND_METHODS = ("sendMessage", "sendPhoto", "sendDocument")
EDIT_METHODS = ("editMessageText", "editMessageReplyMarkup", "editMessageCaption")
TRUE_METHODS = ("setMyCommands", "deleteMyCommands", "answerCallbackQuery", "leaveChat")
TRUE_METHODS += ("sendChatAction", "deleteMessage")
FILE_BYTES = b"\xff\xd8\xff\xe0fake\xff\xd9"  # 10 bytes, matching getFile's file_size
BLOCKED = "Forbidden: bot was blocked by the user"
WEBHOOK_CONFLICT = "Conflict: can't use getUpdates method while webhook is active; use "
WEBHOOK_CONFLICT += "deleteWebhook to delete the webhook first"
DESCRIPTIONS = {400: "Bad Request: injected failure", 403: BLOCKED, 500: "Internal Server Error"}


class FakeTelegram(UpdateBuilders):
    """An in-process Bot API server; see the module docstring.

    Sends a second: ``rate`` overall, ``paid_rate`` for those with ``allow_paid_broadcast``
    (counted against ``rate`` when None), ``per_chat`` in one chat (no burst); None is
    unlimited. ``lean`` keeps no calls or bot messages (``calls``, ``sent_to``, edits and
    ``wait_for_calls`` then see nothing), only ``stats``.
    """

    def __init__(
        self,
        *,
        max_poll_wait: float = 1.0,
        rate: float | None = None,
        paid_rate: float | None = None,
        per_chat: float | None = None,
        lean: bool = False,
    ) -> None:
        self.max_poll_wait = max_poll_wait
        self.lean = lean
        self._rates = rate, paid_rate, per_chat
        self.limits = telegram_limits(*self._rates)
        self.stats = SendStats(
            service="telegram", rate=rate, paid_rate=paid_rate, per_chat=per_chat, lean=lean
        )
        self.calls: list[Call] = []
        self.updates: list[Params] = []  # queued, not yet confirmed by a getUpdates offset
        self.webhook: Params | None = None
        self.blocked: set[int | str] = set()
        self.files: dict[str, bytes] = {}  # file_path -> bytes served at /file/bot…/file_path
        self.messages: dict[tuple[int | str, int], Params] = {}  # the bot's, for edits/callbacks
        self.chat_types: dict[int | str, str] = {}  # learnt from message()/my_chat_member()
        self._failures: list[Failure] = []
        self._hangs: list[list[Any]] = []  # [method, chat_id, seconds, remaining]
        self._update_ids, self._message_ids, self._ids = (itertools.count(1) for _ in range(3))
        self._changed = asyncio.Event()
        self._closing = False
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._handlers: dict[str, Callable[[Params], Any]] = {
            "getMe": lambda params: dict(GET_ME),
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "sendMessage": self._send_message,
            "sendPhoto": self._send_photo,
            "sendDocument": self._send_document,
            "getFile": self._get_file,
        }
        self._handlers |= dict.fromkeys(EDIT_METHODS, self._edit_message)
        self._handlers |= dict.fromkeys(TRUE_METHODS, lambda params: True)
        self._canonical = {name.lower(): name for name in self._handlers}

    async def start(self, port: int = 0) -> None:
        """Serve on 127.0.0.1 on `port` (0: a free one)."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        add_control_routes(app, self.stats, self.reset)
        self._closing = False
        self._runner = web.AppRunner(app, shutdown_timeout=1.0, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", port).start()
        self._port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        """Release pending long-polls and shut the server down."""
        self._closing = True
        self._notify()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``, for ``TelegramAPIServer.from_base``."""
        if self._port is None:
            raise RuntimeError("FakeTelegram is not started")
        return f"http://127.0.0.1:{self._port}"

    async def _handle_method(self, request: web.Request) -> web.Response:
        method = self._canonical.get(request.match_info["method"].lower())
        method = method or request.match_info["method"]
        params: Params = {}
        result = None
        at = self.limits.clock()
        try:
            params = await read_params(request)
            await self._hang(method, params)
            at = self.limits.clock()
            self._check_failures(method, params)
            if method in SEND_METHODS:
                self._check_limits(params)
            if method not in self._handlers:
                raise ApiError(404, "Not Found: method not found")
            result = self._handlers[method](params)
            result = await result if inspect.isawaitable(result) else result
            status, body = 200, {"ok": True, "result": result}
        except ApiError as error:
            status, body = error.status, error.body()
        if method in SEND_METHODS:
            chat_id = params.get("chat_id")
            self.stats.record(status, chat_id, delivered_content(method, params), is_paid(params))
        if not self.lean:
            self.calls.append(Call(method, params, request.match_info["token"], status, result, at))
        self._notify()
        return web.json_response(body, status=status)

    async def _handle_file(self, request: web.Request) -> web.Response:
        data = self.files.get(request.match_info["path"], FILE_BYTES)
        return web.Response(body=data, content_type="application/octet-stream")

    async def _hang(self, method: str, params: Params) -> None:
        """A slow Bot API: the call is answered (and done) only after the wait."""
        for hang in self._hangs:
            if hang[0].lower() == method.lower() and hang[1] in (None, params.get("chat_id")):
                hang[3] -= 1
                if hang[3] <= 0:
                    self._hangs.remove(hang)
                await asyncio.sleep(hang[2])
                return

    def hang_next(
        self, method: str, seconds: float, *, chat_id: int | str | None = None, times: int = 1
    ) -> None:
        """Make the next `times` calls of `method` (to `chat_id` only, if given) take `seconds`
        before they are carried out and answered, as a Bot API under load does."""
        self._hangs.append([method, chat_id, seconds, times])

    def _check_failures(self, method: str, params: Params) -> None:
        chat_id = params.get("chat_id")
        for failure in self._failures:
            if failure.method.lower() == method.lower() and failure.chat_id in (None, chat_id):
                failure.remaining -= 1
                if failure.remaining <= 0:
                    self._failures.remove(failure)
                extra = {"retry_after": failure.retry_after} if failure.retry_after else None
                raise ApiError(failure.status, failure.description, extra)
        if method in SEND_METHODS + EDIT_METHODS and chat_id in self.blocked:
            raise ApiError(403, BLOCKED)

    def _check_limits(self, params: Params) -> None:
        """Take the send's tokens, or answer 429 with the whole seconds to wait."""
        if wait := self.limits.check(params.get("chat_id"), paid=is_paid(params)):
            seconds = retry_after(wait)
            description = f"Too Many Requests: retry after {seconds}"
            raise ApiError(429, description, {"retry_after": seconds})

    def _bot_message(
        self, chat_id: int | str, message_id: int | None = None, **content: Any
    ) -> Params:
        message = super()._bot_message(chat_id, message_id, **content)
        if self.lean:  # nothing to edit or press a button under in a benchmark
            del self.messages[(chat_id, message["message_id"])]
        return message

    async def _get_updates(self, params: Params) -> list[Params]:
        if self.webhook is not None:
            raise ApiError(409, WEBHOOK_CONFLICT)
        offset = int(params.get("offset") or 0)
        if offset > 0:  # confirms (drops) every earlier update
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
        elif offset < 0:
            self.updates = self.updates[offset:]
        wait = min(float(params.get("timeout") or 0), self.max_poll_wait)
        await self._wait_until(lambda: bool(self.updates) or self._closing, wait)
        return self.updates[: min(max(int(params.get("limit") or 100), 1), 100)]

    def _set_webhook(self, params: Params) -> bool:
        self.webhook = {key: value for key, value in params.items() if key != "certificate"}
        return True

    def _delete_webhook(self, params: Params) -> bool:
        self.webhook = None
        if params.get("drop_pending_updates") in (True, "true", "True"):
            self.updates.clear()
        return True

    def _get_webhook_info(self, params: Params) -> Params:
        url = (self.webhook or {}).get("url", "")
        return {"url": url, "has_custom_certificate": False, "pending_update_count": 0}

    def _send_message(self, params: Params) -> Params:
        chat_id, text = require(params, "chat_id"), require(params, "text")
        return self._bot_message(chat_id, text=text, **inline_markup(params))

    def _send_file(self, params: Params, kind: str) -> tuple[Any, str, Params]:
        """chat_id, file_id and the caption/keyboard of a sendPhoto/sendDocument."""
        chat_id, file = require(params, "chat_id"), require(params, kind)
        file_id = f"{kind}-{next(self._ids)}" if isinstance(file, Upload) else str(file)
        caption = {"caption": params["caption"]} if params.get("caption") else {}
        return chat_id, file_id, caption | inline_markup(params)

    def _send_photo(self, params: Params) -> Params:
        chat_id, file_id, extra = self._send_file(params, "photo")
        size = {"file_id": file_id, "file_unique_id": f"u{file_id}", "width": 90, "height": 90}
        return self._bot_message(chat_id, photo=[size], **extra)

    def _send_document(self, params: Params) -> Params:
        chat_id, file_id, extra = self._send_file(params, "document")
        upload = params["document"]
        name = (upload.filename if isinstance(upload, Upload) else None) or file_id
        document = {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_name": name}
        return self._bot_message(chat_id, document=document, **extra)

    def _edit_message(self, params: Params) -> Params | bool:
        if params.get("inline_message_id"):
            return True
        key = (require(params, "chat_id"), require(params, "message_id"))
        if key not in self.messages:
            raise ApiError(400, "Bad Request: message to edit not found")
        edited = {**self.messages[key], "edit_date": int(time.time())}
        edited.pop("reply_markup", None)
        edited |= {field: params[field] for field in TEXT_PARAMS if field in params}
        self.messages[key] = edited | inline_markup(params)
        return self.messages[key]

    def _get_file(self, params: Params) -> Params:
        file_id = require(params, "file_id")
        file = {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_size": 10}
        return file | {"file_path": f"photos/{file_id}.jpg"}

    def fail_next(
        self,
        method: str,
        status: int | None = None,
        description: str | None = None,
        *,
        chat_id: int | str | None = None,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Make the next `times` calls of `method` (to `chat_id` only, if given) fail.

        `status` defaults to 429 with `retry_after`, else 400; `description` to a realistic one.
        """
        status = status or (429 if retry_after is not None else 400)
        if description is None and retry_after is not None:
            description = f"Too Many Requests: retry after {retry_after}"
        description = description or DESCRIPTIONS.get(status, f"Error {status}")
        self._failures.append(Failure(method, status, description, chat_id, retry_after, times))

    @property
    def throttled(self) -> int:
        """How many sends were answered 429 (over a rate limit, or by ``fail_next``)."""
        return self.stats.throttled

    def reset(self) -> None:
        """Forget every send (calls, the bot's messages, stats) and refill the rate limits."""
        self.calls.clear()
        self.messages.clear()
        self.stats.reset()
        self.limits = telegram_limits(*self._rates)

    def block(self, chat_id: int | str) -> None:
        """The user blocked the bot: sends and edits to the chat answer 403."""
        self.blocked.add(chat_id)

    def unblock(self, chat_id: int | str) -> None:
        """The user unblocked the bot."""
        self.blocked.discard(chat_id)

    def push(self, update: Params) -> Params:
        """Queue `update` for getUpdates and wake long-polls; returns it."""
        self.updates.append(update)
        self._notify()
        return update

    def calls_to(self, method: str) -> list[Call]:
        """All recorded calls of `method` (case-insensitive), successful or not."""
        return [call for call in self.calls if call.method.lower() == method.lower()]

    def sent_to(self, chat_id: int | str) -> list[Call]:
        """Successful sendMessage/sendPhoto/sendDocument calls to `chat_id`, in order."""
        sends = [call for call in self.calls if call.ok and call.method in SEND_METHODS]
        return [call for call in sends if call.params.get("chat_id") == chat_id]

    def last_markup(self, chat_id: int | str) -> Params | None:
        """The raw ``reply_markup`` of the latest successful send/edit to the chat that had one."""
        for call in reversed(self.calls):
            to_chat = call.ok and call.params.get("chat_id") == chat_id
            markup = call.params.get("reply_markup")
            if to_chat and call.method in SEND_METHODS + EDIT_METHODS and isinstance(markup, dict):
                return markup
        return None

    def last_keyboard(self, chat_id: int | str) -> list[list[Params]] | None:
        """Rows of ``last_markup``: its ``inline_keyboard``, else its reply ``keyboard``."""
        markup = self.last_markup(chat_id) or {}
        return markup.get("inline_keyboard") or markup.get("keyboard")

    async def wait_for_calls(
        self,
        method: str,
        count: int = 1,
        timeout: float = 10.0,
        chat_id: int | str | None = None,
    ) -> list[Call]:
        """Wait for `count` successful calls of `method` (to `chat_id`, if given); return them."""

        def matching() -> list[Call]:
            calls = [call for call in self.calls_to(method) if call.ok]
            return [c for c in calls if chat_id is None or c.params.get("chat_id") == chat_id]

        if not await self._wait_until(lambda: len(matching()) >= count, timeout):
            recent = "\n".join(f"  {call}" for call in self.calls[-20:]) or "  (none)"
            where = f" to chat {chat_id}" if chat_id is not None else ""
            raise AssertionError(
                f"expected {count} successful {method} call(s){where} within {timeout}s, "
                f"got {len(matching())}; recent calls:\n{recent}"
            )
        return matching()

    def _notify(self) -> None:
        """Wake everything waiting in `_wait_until`."""
        self._changed.set()
        self._changed = asyncio.Event()

    async def _wait_until(self, predicate: Callable[[], bool], seconds: float) -> bool:
        """Whether `predicate` held within `seconds` (re-checked whenever something changes)."""
        deadline = asyncio.get_running_loop().time() + seconds
        while not predicate():
            remaining = deadline - asyncio.get_running_loop().time()
            if remaining <= 0:
                return False
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), remaining)
        return True
