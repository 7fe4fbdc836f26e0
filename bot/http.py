"""The HTTP application (FastAPI): health and metrics, the routes each domain declared, those
of each connected channel (its webhooks), the staff workspace at /staff/, and the public
pages at the root (last, and only on the paths they serve, so they shadow nothing)."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from fastapi import FastAPI
from fastapi.responses import JSONResponse, Response
from sqlalchemy import text
from starlette.types import ASGIApp, Receive, Scope, Send

from bot.app import App
from bot.bodies import BodyLimit
from bot.channels.base import Channel
from bot.metrics import CONTENT_TYPE
from bot.web.access import PREFIX
from bot.web.public.site import PublicRoutes, create_public_site
from bot.web.site import create_workspace

log = logging.getLogger("kenesh.http")


def create_http_app(app: App, channels: Iterable[Channel] = ()) -> FastAPI:
    """The FastAPI app serving `app`: its domains' routes and those of each connected channel."""
    http = FastAPI(title="Kenesh", docs_url=None, redoc_url=None, openapi_url=None)
    channels = list(channels)
    endpoints: dict[str, ASGIApp] = {}
    for channel in channels:
        for path, endpoint in getattr(channel, "endpoints", dict)().items():
            if path in endpoints:
                raise ValueError(f"two channels serve {path}")
            endpoints[path] = endpoint
    if endpoints:
        http.add_middleware(Endpoints, endpoints=endpoints)
    http.add_middleware(BodyLimit)  # outside Endpoints: the app-wide limit holds for them too

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

    for channel in channels:
        http.include_router(channel.router())
    for routes in app.routes:
        http.include_router(routes(app))
    http.mount(PREFIX, create_workspace(app))
    if app.settings.public_pages:
        public = create_public_site(app)
        http.state.public = public
        http.router.routes.append(PublicRoutes(public))
    return http


class Endpoints:
    """ASGI middleware: a request to one of `endpoints`' exact paths goes straight to it,
    without the app's routing (errors still reach the server-error handler outside)."""

    def __init__(self, app: ASGIApp, endpoints: dict[str, ASGIApp]) -> None:
        self.app = app
        self.endpoints = endpoints

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        endpoint = self.endpoints.get(scope["path"]) if scope["type"] == "http" else None
        await (endpoint or self.app)(scope, receive, send)
