"""`GET /ocds/releases.json`: the OCDS 1.1 release package of every published tender."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from bot.app import App
from handlers.tenders.ocds.package import PACKAGE_PATH, build_package, package_uri


def ocds_routes(app: App) -> APIRouter:
    """The release package, as `kenesh tenders export` prints it."""
    router = APIRouter()

    @router.get(PACKAGE_PATH)
    async def ocds_releases(request: Request) -> JSONResponse:
        """The OCDS 1.1 release package of every published tender (kenesh tenders export)."""
        async with app.sessions() as session:
            package = await build_package(session, package_uri(app.settings, str(request.url)))
        return JSONResponse(package)

    return router
