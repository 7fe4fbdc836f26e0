"""The fake Bot API server, driven by the real aiogram client."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramRetryAfter,
)
from aiogram.types import (
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    Update,
)

from tests.fakes.telegram_api import FakeTelegram

TOKEN = "123456:TEST-token"
KEYBOARD = InlineKeyboardMarkup(
    inline_keyboard=[[InlineKeyboardButton(text="Yes", callback_data="yes")]]
)


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    server = FakeTelegram(max_poll_wait=0.3)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[Bot]:
    bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(fake.base_url)))
    yield bot
    await bot.session.close()


def parse(bot: Bot, update: dict) -> Update:
    """The update as aiogram sees it (validation proves the fake builds real Bot API objects)."""
    return Update.model_validate(update, context={"bot": bot})


async def test_get_me(fake: FakeTelegram, bot: Bot) -> None:
    me = await bot.get_me()

    assert (me.id, me.username, me.is_bot) == (1000001, "kenesh_test_bot", True)
    assert fake.base_url.startswith("http://127.0.0.1:")
    [call] = fake.calls_to("getMe")
    assert (call.token, call.status, call.ok) == (TOKEN, 200, True)


async def test_send_message_records_the_call_and_returns_a_message(
    fake: FakeTelegram, bot: Bot
) -> None:
    sent = await bot.send_message(42, "hi", reply_markup=KEYBOARD)

    assert isinstance(sent, Message)
    assert (sent.chat.id, sent.chat.type, sent.text) == (42, "private", "hi")
    assert sent.from_user is not None and sent.from_user.id == 1000001
    assert sent.reply_markup is not None
    assert sent.reply_markup.model_dump() == KEYBOARD.model_dump()
    [call] = fake.calls_to("sendmessage")
    assert call.method == "sendMessage"
    assert call.params["chat_id"] == 42 and call.params["text"] == "hi"
    assert call.params["reply_markup"] == {
        "inline_keyboard": [[{"text": "Yes", "callback_data": "yes"}]]
    }
    assert fake.sent_to(42) == [call]
    assert fake.sent_to(43) == []
    assert fake.last_keyboard(42) == [[{"text": "Yes", "callback_data": "yes"}]]

    second = await bot.send_message(42, "again")
    assert second.message_id > sent.message_id
    assert fake.last_keyboard(42) == [[{"text": "Yes", "callback_data": "yes"}]]


async def test_reply_keyboards_are_exposed_but_not_echoed(fake: FakeTelegram, bot: Bot) -> None:
    markup = ReplyKeyboardMarkup(keyboard=[[KeyboardButton(text="Share", request_contact=True)]])

    sent = await bot.send_message(7, "phone?", reply_markup=markup)

    assert sent.reply_markup is None  # a Message only ever carries an inline keyboard
    assert fake.last_keyboard(7) == [[{"text": "Share", "request_contact": True}]]
    assert fake.last_markup(7) == {"keyboard": [[{"text": "Share", "request_contact": True}]]}
    assert fake.last_markup(8) is None and fake.last_keyboard(8) is None


async def test_retry_after(fake: FakeTelegram, bot: Bot) -> None:
    fake.fail_next("sendMessage", 429, "Too Many Requests: retry after 2", retry_after=2)

    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.send_message(42, "hi")

    assert caught.value.retry_after == 2
    assert [call.status for call in fake.calls_to("sendMessage")] == [429]
    assert fake.sent_to(42) == []
    await bot.send_message(42, "hi")  # only the next call failed
    assert len(fake.sent_to(42)) == 1


async def test_fail_next_for_one_chat_several_times(fake: FakeTelegram, bot: Bot) -> None:
    fake.fail_next("sendMessage", 400, "Bad Request: chat not found", chat_id=5, times=2)

    await bot.send_message(6, "other chat")
    for _ in range(2):
        with pytest.raises(TelegramBadRequest, match="chat not found"):
            await bot.send_message(5, "x")
    await bot.send_message(5, "x")

    assert [call.status for call in fake.calls_to("sendMessage")] == [200, 400, 400, 200]


async def test_blocked_user(fake: FakeTelegram, bot: Bot) -> None:
    sent = await bot.send_message(42, "before")
    fake.block(42)

    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_message(42, "hi")
    with pytest.raises(TelegramForbiddenError):
        await bot.edit_message_text("edited", chat_id=42, message_id=sent.message_id)
    await bot.send_message(43, "someone else")

    fake.unblock(42)
    await bot.send_message(42, "after")
    assert [call.params["text"] for call in fake.sent_to(42)] == ["before", "after"]
    assert fake.calls_to("sendMessage")[1].status == 403


async def test_polling(fake: FakeTelegram, bot: Bot) -> None:
    pushed = fake.push(fake.message(42, text="hello"))

    [update] = await bot.get_updates(offset=0, timeout=1)

    assert update.update_id == pushed["update_id"]
    assert update.message is not None and update.message.text == "hello"
    assert update.message.from_user is not None and update.message.from_user.id == 42
    # Until confirmed by a later offset the update is served again; afterwards it is gone.
    assert len(await bot.get_updates()) == 1
    assert await bot.get_updates(offset=update.update_id + 1, timeout=0) == []
    assert fake.updates == []


async def test_long_poll_waits_for_a_push(fake: FakeTelegram, bot: Bot) -> None:
    fake.max_poll_wait = 5.0
    loop = asyncio.get_running_loop()
    started = loop.time()
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.1)
    assert not poll.done()

    fake.push(fake.message(42, text="wake up"))
    [update] = await asyncio.wait_for(poll, 2)

    assert update.message is not None and update.message.text == "wake up"
    assert loop.time() - started < 2


async def test_empty_long_poll_is_capped_by_max_poll_wait(fake: FakeTelegram, bot: Bot) -> None:
    loop = asyncio.get_running_loop()
    started = loop.time()

    assert await bot.get_updates(timeout=30) == []
    assert 0.2 < loop.time() - started < 2


async def test_dispatcher_polling_end_to_end(fake: FakeTelegram, bot: Bot) -> None:
    dispatcher = Dispatcher()

    @dispatcher.message()
    async def echo(message: Message) -> None:
        await message.answer(f"echo: {message.text}")

    polling = asyncio.create_task(
        dispatcher.start_polling(bot, handle_signals=False, close_bot_session=False)
    )
    try:
        fake.push(fake.message(42, text="ping"))
        [call] = await fake.wait_for_calls("sendMessage", 1, chat_id=42)
        assert call.params["text"] == "echo: ping"
    finally:
        await dispatcher.stop_polling()
        await asyncio.wait_for(polling, 5)


async def test_callback_refers_to_the_bots_last_message(fake: FakeTelegram, bot: Bot) -> None:
    first = await bot.send_message(42, "first", reply_markup=KEYBOARD)
    last = await bot.send_message(42, "pick", reply_markup=KEYBOARD)

    query = parse(bot, fake.callback(42, "yes")).callback_query
    assert query is not None and query.data == "yes"
    assert isinstance(query.message, Message)
    assert (query.message.message_id, query.message.text) == (last.message_id, "pick")
    assert query.message.reply_markup is not None
    assert query.message.reply_markup.model_dump() == KEYBOARD.model_dump()
    assert query.from_user.id == 42

    older = parse(bot, fake.callback(42, "yes", message_id=first.message_id, user_id=9))
    assert older.callback_query is not None and older.callback_query.from_user.id == 9
    assert older.callback_query.message.message_id == first.message_id
    made_up = parse(bot, fake.callback(77, "x")).callback_query
    assert made_up is not None and isinstance(made_up.message, Message)
    assert await bot.answer_callback_query(query.id, text="ok") is True


async def test_edits(fake: FakeTelegram, bot: Bot) -> None:
    sent = await bot.send_message(42, "pick", reply_markup=KEYBOARD)

    edited = await bot.edit_message_text("picked", chat_id=42, message_id=sent.message_id)
    assert isinstance(edited, Message)
    assert (edited.message_id, edited.text, edited.reply_markup) == (
        sent.message_id,
        "picked",
        None,
    )
    assert edited.edit_date is not None
    again = await bot.edit_message_reply_markup(
        chat_id=42, message_id=sent.message_id, reply_markup=KEYBOARD
    )
    assert isinstance(again, Message) and again.reply_markup is not None
    assert again.reply_markup.model_dump() == KEYBOARD.model_dump()
    assert fake.messages[(42, sent.message_id)]["text"] == "picked"
    assert await bot.edit_message_text("inline", inline_message_id="abc") is True
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text("nope", chat_id=42, message_id=999)
    assert len(await fake.wait_for_calls("editMessageText", 2)) == 2


async def test_photos_documents_and_files(fake: FakeTelegram, bot: Bot) -> None:
    photo = await bot.send_photo(42, "AgACphoto", caption="look")
    assert photo.photo is not None and photo.photo[0].file_id == "AgACphoto"
    assert photo.caption == "look"

    upload = BufferedInputFile(b"%PDF-1.4 test", filename="report.pdf")
    document = await bot.send_document(42, upload, caption="report")
    assert document.document is not None and document.document.file_name == "report.pdf"
    call = fake.calls_to("sendDocument")[0]
    assert call.params["document"].data == b"%PDF-1.4 test"
    assert [c.method for c in fake.sent_to(42)] == ["sendPhoto", "sendDocument"]

    file = await bot.get_file("AgACphoto")
    assert (file.file_size, file.file_path) == (10, "photos/AgACphoto.jpg")
    data = await bot.download_file(file.file_path)
    assert data is not None and len(data.read()) == 10
    fake.files["photos/AgACphoto.jpg"] = b"real bytes"
    data = await bot.download_file(file.file_path)
    assert data is not None and data.read() == b"real bytes"


async def test_user_updates_validate(fake: FakeTelegram, bot: Bot) -> None:
    photo = parse(bot, fake.message(42, photo_file_ids=["small", "big"], language_code="ky"))
    assert photo.message is not None and photo.message.photo is not None
    assert [p.file_id for p in photo.message.photo] == ["small", "big"]
    assert photo.message.photo[0].width < photo.message.photo[1].width
    assert photo.message.from_user is not None
    assert photo.message.from_user.language_code == "ky"

    located = parse(bot, fake.message(42, location=(42.87, 74.59))).message
    assert located is not None and located.location is not None
    assert located.location.latitude == 42.87

    shared = parse(bot, fake.message(42, contact=("+996555123456", 42))).message
    assert shared is not None and shared.contact is not None
    assert (shared.contact.phone_number, shared.contact.user_id) == ("+996555123456", 42)

    group = parse(bot, fake.message(-100, text="/start x", chat_type="group", user_id=5))
    assert group.message is not None and group.message.chat.type == "group"
    assert group.message.entities is not None and group.message.entities[0].length == 6
    assert group.update_id > photo.update_id


@pytest.mark.parametrize("status", ["member", "administrator", "creator", "left", "kicked"])
async def test_my_chat_member(fake: FakeTelegram, bot: Bot, status: str) -> None:
    update = parse(bot, fake.my_chat_member(-200, status=status)).my_chat_member

    assert update is not None and update.chat.type == "group"
    assert update.new_chat_member.status == status
    assert update.new_chat_member.user.id == 1000001
    sent = await bot.send_message(-200, "hello group")
    assert sent.chat.title == "Test group"


async def test_webhook_and_other_true_methods(fake: FakeTelegram, bot: Bot) -> None:
    assert await bot.set_webhook("https://example.org/hook", secret_token="s3cret") is True
    assert fake.webhook is not None
    assert fake.webhook["url"] == "https://example.org/hook"
    assert fake.webhook["secret_token"] == "s3cret"
    assert (await bot.get_webhook_info()).url == "https://example.org/hook"
    with pytest.raises(TelegramConflictError):
        await bot.get_updates()

    assert await bot.delete_webhook() is True
    assert fake.webhook is None
    info = await bot.get_webhook_info()
    assert (info.url, info.has_custom_certificate, info.pending_update_count) == ("", False, 0)
    assert await bot.set_my_commands([]) is True
    assert await bot.delete_my_commands() is True
    assert await bot.send_chat_action(42, "typing") is True
    assert await bot.leave_chat(-200) is True


async def test_raw_requests(fake: FakeTelegram) -> None:
    base = f"{fake.base_url}/bot{TOKEN}"
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{base}/noSuchMethod") as response:
            assert response.status == 404
            assert await response.json() == {
                "ok": False,
                "error_code": 404,
                "description": "Not Found: method not found",
            }
        markup = {"inline_keyboard": [[{"text": "a", "callback_data": "b"}]]}
        payload = {"chat_id": 5, "text": "[not json]", "reply_markup": markup}
        async with http.post(f"{base}/SENDMESSAGE", json=payload) as response:
            assert (await response.json())["result"]["reply_markup"] == markup
        form = {"chat_id": "6", "text": "{}", "reply_markup": '{"keyboard": [[{"text": "k"}]]}'}
        async with http.post(f"{base}/sendMessage", data=form) as response:
            assert response.status == 200
        async with http.get(f"{base}/sendMessage", params={"chat_id": "-7", "text": "q"}) as r:
            assert r.status == 200
        fake.fail_next("getMe", 500)
        async with http.get(f"{base}/getMe") as response:
            body = await response.json()
            assert response.status == 500 and body["error_code"] == 500

    first, second, third = fake.calls_to("sendMessage")
    assert first.method == "sendMessage" and first.params["reply_markup"] == markup
    assert second.params == {
        "chat_id": 6,
        "text": "{}",
        "reply_markup": {"keyboard": [[{"text": "k"}]]},
    }
    assert third.params == {"chat_id": -7, "text": "q"}
    assert fake.calls_to("noSuchMethod")[0].status == 404
    assert fake.last_keyboard(6) == [[{"text": "k"}]]


async def test_wait_for_calls(fake: FakeTelegram, bot: Bot) -> None:
    async def later() -> None:
        await asyncio.sleep(0.1)
        await bot.send_message(42, "one")
        await bot.send_message(43, "two")

    task = asyncio.create_task(later())
    calls = await fake.wait_for_calls("sendMessage", 1, chat_id=43, timeout=5)
    await task

    assert [call.params["text"] for call in calls] == ["two"]
    with pytest.raises(
        AssertionError, match=r"(?s)expected 3 successful sendMessage.*recent calls:.*'one'"
    ):
        await fake.wait_for_calls("sendMessage", 3, timeout=0.2)
