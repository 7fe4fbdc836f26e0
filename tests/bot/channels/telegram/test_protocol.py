"""Telegram's protocol promises: commands, webhook secret, duplicates, stale buttons, groups."""

from __future__ import annotations

import httpx
from sqlalchemy import func, select

from models import ConversationState, Person


async def test_polling_deletes_the_webhook_and_commands_exist_in_every_language(
    database, fake
) -> None:
    from tests.bot.channels.telegram.conftest import start_bot
    from tests.conftest import clear

    await clear(database)
    running = await start_bot(database, fake, webhook=False)
    try:
        assert fake.calls_to("deleteWebhook")
        commands = {
            c.params.get("language_code"): c.params["commands"]
            for c in fake.calls_to("setMyCommands")
        }
        assert set(commands) == {"ky", "ru", "uz", "en", None}
        assert [c["command"] for c in commands["ru"]] == [
            "start",
            "menu",
            "help",
            "language",
            "cancel",
        ]
        assert commands["ru"][1]["description"] == "Главное меню"
    finally:
        await running.runtime.stop()


async def test_webhook_mode_registers_the_secret(webhook_bot, fake) -> None:
    (call,) = fake.calls_to("setWebhook")
    assert call.params["url"] == "https://kenesh.example/telegram/webhook"
    assert call.params["secret_token"] == "kenesh-webhook-secret"
    assert not fake.calls_to("getUpdates")


async def test_webhook_refuses_a_wrong_or_missing_secret(webhook_bot, fake) -> None:
    for secret in (None, "guess", "kenesh-webhook-secret-but-longer"):
        response = await webhook_bot.post(fake.message(601, text="/start"), secret=secret)
        assert response.status_code == 401
    async with webhook_bot.app.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Person)) == 0
    assert fake.sent_to(601) == []


async def test_the_webhook_takes_only_posts_and_other_paths_reach_the_app(webhook_bot) -> None:
    transport = httpx.ASGITransport(app=webhook_bot.http)
    async with httpx.AsyncClient(transport=transport, base_url="https://kenesh.example") as client:
        refused = await client.get("/telegram/webhook")
        beside = await client.post("/telegram/webhook/extra", json={})
        healthy = await client.get("/healthz")
    assert refused.status_code == 405 and refused.headers["allow"] == "POST"
    assert beside.status_code == 404  # an exact path only: the rest is the app's
    assert healthy.json() == {"status": "ok"}


async def test_a_repeated_update_id_changes_nothing(webhook_bot, fake) -> None:
    update = fake.message(602, text="/start")
    for _ in range(3):
        assert (await webhook_bot.post(update)).status_code == 200
    await webhook_bot.settle(update["update_id"])
    assert len(fake.sent_to(602)) == 1
    async with webhook_bot.app.sessions() as session:
        state = await session.scalar(select(ConversationState))
    assert state.turn == 1


async def test_a_forged_or_stale_callback_is_answered_and_changes_nothing(
    bot, telegram_user
) -> None:
    user = telegram_user(603)
    await user.say("/start")
    old_english = user.button("English")["callback_data"]
    await user.press("English")
    async with bot.app.sessions() as session:
        before = await session.scalar(select(ConversationState))
        before = (before.flow, before.step, before.turn, dict(before.data))
    for data in (old_english, "999:1", "garbage", "1:" + "x" * 60):
        await user._act(bot.fake.callback(603, data))
        answer = bot.fake.calls_to("answerCallbackQuery")[-1]
        assert answer.params["text"] == "This button has expired. Please use the latest message."
    async with bot.app.sessions() as session:
        after = await session.scalar(select(ConversationState))
    assert (after.flow, after.step, after.turn, dict(after.data)) == before
    assert user.received == []  # no new message, only the short answers


async def test_groups_get_one_polite_note_and_the_bot_leaves(bot, fake) -> None:
    update = fake.my_chat_member(-100777, chat_type="supergroup")
    await bot.deliver(update)
    (left,) = await fake.wait_for_calls("leaveChat", 1)
    assert left.params["chat_id"] == -100777
    (note,) = fake.sent_to(-100777)
    assert "private chats" in note.params["text"] or "жеке" in note.params["text"]

    message = fake.message(-100777, text="/start", chat_type="group")
    await bot.deliver(message)
    await bot.deliver(fake.message(604, text="/start"))  # a private chat right after
    await fake.wait_for_calls("sendMessage", 1, chat_id=604)
    assert len(fake.sent_to(-100777)) == 1  # the group message was ignored
    async with bot.app.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Person)) == 1


def test_webhook_mode_requires_a_secret() -> None:
    import pytest

    from bot.channels.telegram.channel import TelegramChannel
    from bot.settings import Settings

    settings = Settings(telegram_bot_token="123456:TEST-token", public_url="https://kenesh.example")
    with pytest.raises(ValueError, match="TELEGRAM_WEBHOOK_SECRET is required"):
        TelegramChannel(settings, conversation=None)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="1-256 characters"):
        Settings(telegram_webhook_secret="has spaces and ü")
