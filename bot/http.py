"""The HTTP application (FastAPI): health and the channels' webhooks."""

from __future__ import annotations

import hmac
import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from bot.app import App
from bot.channels.telegram.channel import WEBHOOK_PATH, TelegramChannel

log = logging.getLogger("kenesh.http")


def create_http_app(app: App, telegram: TelegramChannel | None = None) -> FastAPI:
    """The FastAPI app serving `app`, with the Telegram webhook when the channel is in webhook mode."""
    http = FastAPI(title="Kenesh", docs_url=None, redoc_url=None, openapi_url=None)

    @http.get("/healthz")
    async def healthz() -> JSONResponse:
        """200 when the database answers, 503 otherwise."""
        try:
            async with app.sessions() as session:
                await session.execute(text("SELECT 1"))
        except Exception:  # any database failure means "not healthy"
            return JSONResponse({"status": "unavailable"}, status_code=503)
        return JSONResponse({"status": "ok"})

    if telegram is not None and telegram.webhook_mode:
        secret = (app.settings.telegram_webhook_secret or "").encode()

        @http.post(WEBHOOK_PATH)
        async def telegram_webhook(request: Request) -> JSONResponse:
            """Updates from Telegram; only requests carrying our secret token are accepted."""
            given = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "").encode()
            if not secret or not hmac.compare_digest(given, secret):
                log.warning("telegram webhook: refused a request without the right secret token")
                return JSONResponse({"ok": False, "error": "unauthorized"}, status_code=401)
            try:
                data = await request.json()
            except ValueError:
                return JSONResponse({"ok": False, "error": "not JSON"}, status_code=400)
            await telegram.feed_webhook(data)
            return JSONResponse({"ok": True})

    return http
