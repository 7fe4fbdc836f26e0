"""The HTTP application (FastAPI): health, metrics, the OCDS release package and the
channels' webhooks."""

from __future__ import annotations

import hmac
import logging
from urllib.parse import parse_qsl

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import text

from bot.app import App
from bot.channels.sms.channel import INBOUND_PATH, SmsChannel
from bot.channels.sms.sender import STATUS_PATH
from bot.channels.telegram.channel import WEBHOOK_PATH, TelegramChannel
from bot.metrics import CONTENT_TYPE
from bot.ocds.package import PACKAGE_PATH, build_package, package_uri
from bot.open311 import build_open311_router
from bot.reports.links import build_links_router

log = logging.getLogger("kenesh.http")


def create_http_app(
    app: App, telegram: TelegramChannel | None = None, sms: SmsChannel | None = None
) -> FastAPI:
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

    @http.get("/metrics")
    async def metrics() -> Response:
        """Prometheus text format: traffic, latency, deliveries, outbox depth."""
        return Response(await app.metrics.render(app.sessions), media_type=CONTENT_TYPE)

    @http.get(PACKAGE_PATH)
    async def ocds_releases(request: Request) -> JSONResponse:
        """The OCDS 1.1 release package of every published tender (kenesh tenders export)."""
        async with app.sessions() as session:
            package = await build_package(session, package_uri(app.settings, str(request.url)))
        return JSONResponse(package)

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

    if sms is not None:
        _sms_routes(http, sms)
    http.include_router(build_open311_router(app))
    http.include_router(build_links_router(app.sessions, app.settings))
    return http


def _sms_routes(http: FastAPI, sms: SmsChannel) -> None:
    async def signed_form(request: Request) -> dict[str, str] | None:
        params = dict(parse_qsl((await request.body()).decode(), keep_blank_values=True))
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        if not sms.signed(path, params, request.headers.get("X-Twilio-Signature", "")):
            log.warning("sms webhook: refused a request without a valid Twilio signature")
            return None
        return params

    @http.post(INBOUND_PATH)
    async def sms_inbound(request: Request) -> Response:
        """An SMS from Twilio; answered with TwiML."""
        params = await signed_form(request)
        if params is None:
            return Response("forbidden", status_code=403)
        return Response(await sms.receive(params), media_type="application/xml")

    @http.post(STATUS_PATH)
    async def sms_status(request: Request) -> Response:
        """Twilio's delivery report for a message we sent."""
        params = await signed_form(request)
        if params is None:
            return Response("forbidden", status_code=403)
        ids = request.query_params.get("outbox", "")
        await sms.status(params, [int(i) for i in ids.split(",") if i.isdigit()])
        return Response(status_code=204)
