"""A bare aiogram echo bot behind the same FastAPI + uvicorn webhook stack as Kenesh.

The baseline for bench/telegram_webhook.py: it parses each update with aiogram and answers with
sendMessage, and does nothing else (no database, no conversation). Like Kenesh, it answers the
webhook without waiting for its reply to be sent (the send runs on in the background), so the
webhook latency of both means the same.

    python -m bench.echo_bot PORT API_URL SECRET
"""

from __future__ import annotations

import asyncio
import hmac
import sys

import uvicorn
from aiogram import Bot, Dispatcher, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import Message, Update
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

TOKEN = "123456:BENCH-token"


def build(api_url: str, secret: str) -> FastAPI:
    bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(api_url)))
    router = Router()

    sending: set[asyncio.Task] = set()

    @router.message()
    async def echo(message: Message) -> None:
        task = asyncio.create_task(bot.send_message(message.chat.id, message.text or ""))
        sending.add(task)
        task.add_done_callback(sending.discard)

    dispatcher = Dispatcher()
    dispatcher.include_router(router)
    http = FastAPI()

    @http.post("/telegram/webhook")
    async def webhook(request: Request) -> JSONResponse:
        given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "").encode()
        if not hmac.compare_digest(given, secret.encode()):
            return JSONResponse({"ok": False}, status_code=401)
        update = Update.model_validate(await request.json(), context={"bot": bot})
        await dispatcher.feed_update(bot, update)
        return JSONResponse({"ok": True})

    return http


if __name__ == "__main__":
    port, api_url, secret = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    uvicorn.run(build(api_url, secret), host="127.0.0.1", port=port, log_level="warning")
