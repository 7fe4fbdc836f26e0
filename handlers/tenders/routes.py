"""`GET /ocds/releases.json`: the OCDS 1.1 release package of every published tender, or of
one (`?ocid=…`, what a tender's public page links to)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from bot.app import App
from handlers.tenders.ocds.package import PACKAGE_PATH, build_package, package_uri, release_path


def ocds_routes(app: App) -> APIRouter:
    """The release package, as `kenesh tenders export` prints it."""
    router = APIRouter()

    @router.get(PACKAGE_PATH)
    async def ocds_releases(request: Request, ocid: str | None = None) -> JSONResponse:
        """The OCDS 1.1 release package of every published tender (kenesh tenders export), or
        of the one tender `ocid` names."""
        async with app.sessions() as session:
            uri = package_uri(app.settings, str(request.url))
            if ocid is not None and app.settings.public_url:
                uri = app.settings.public_url.rstrip("/") + release_path(ocid)
            package = await build_package(session, uri, ocid)
        return JSONResponse(package)

    return router
