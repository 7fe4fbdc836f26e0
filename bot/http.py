"""The HTTP application (FastAPI): health now; channel webhooks mount here."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from sqlalchemy import text

from bot.app import App


def create_http_app(app: App) -> FastAPI:
    """The FastAPI app serving `app`."""
    http = FastAPI(title="Kenesh", docs_url=None, redoc_url=None)

    @http.get("/healthz")
    async def healthz() -> JSONResponse:
        """200 when the database answers, 503 otherwise."""
        try:
            async with app.sessions() as session:
                await session.execute(text("SELECT 1"))
        except Exception:  # any database failure means "not healthy"
            return JSONResponse({"status": "unavailable"}, status_code=503)
        return JSONResponse({"status": "ok"})

    return http
