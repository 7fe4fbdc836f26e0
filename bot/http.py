"""The HTTP application (FastAPI): health, metrics, the OCDS release package, and the routes of
each connected channel (its webhooks)."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy import text

from bot.app import App
from bot.channels.base import Channel
from bot.metrics import CONTENT_TYPE
from bot.ocds.package import PACKAGE_PATH, build_package, package_uri
from bot.open311 import build_open311_router
from bot.reports.links import build_links_router

log = logging.getLogger("kenesh.http")


def create_http_app(app: App, channels: Iterable[Channel] = ()) -> FastAPI:
    """The FastAPI app serving `app`, with the routes of each connected channel."""
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

    for channel in channels:
        http.include_router(channel.router())
    http.include_router(build_open311_router(app))
    http.include_router(build_links_router(app.sessions, app.settings))
    return http
