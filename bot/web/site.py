"""The staff workspace as an ASGI app mounted at /staff: the platform's pages and the domains'
inside the workspace, behind the security headers, with error pages and the audit trail."""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot import audit
from bot.audit import PermissionDenied
from bot.i18n import N_
from bot.web.access import PREFIX
from bot.web.desk import PageProblem
from bot.web.routes import platform_routes
from bot.web.templating import STATIC
from bot.web.workspace import UNSAFE, Workspace

if TYPE_CHECKING:
    from bot.app import App

# No inline script or style anywhere: every script and stylesheet is a vendored file.
HEADERS = {
    "content-security-policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    # sign-in links carry their token in the path: never let it travel as a Referer
    "referrer-policy": "no-referrer",
    "cache-control": "no-store",
    "permissions-policy": "geolocation=(), camera=(), microphone=()",
}


def audit_page(path: str) -> str:
    """The page as the audit trail names it: a sign-in link's token is a secret, left out."""
    sign_in = f"{PREFIX}/sign-in/"
    return f"{sign_in}…" if path.startswith(sign_in) else path


class Guard:
    """ASGI middleware around every workspace request: the security headers, the page named in
    each audit event, and one audit event for every change (a form answered with a redirect)."""

    def __init__(self, app: ASGIApp, workspace: Workspace) -> None:
        self.app = app
        self.workspace = workspace

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = audit_page(scope["path"])
        token = audit.PAGE.set(path)
        status: list[int] = []

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])
                headers = [
                    (k, v) for k, v in message.get("headers", []) if k.decode() not in HEADERS
                ]
                headers += [(k.encode(), v.encode()) for k, v in HEADERS.items()]
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            audit.PAGE.reset(token)
        person_id = scope.get("state", {}).get("person_id")
        if scope["method"] in UNSAFE and status == [303] and person_id is not None:
            async with self.workspace.app.sessions() as session, session.begin():
                await audit.record(session, person_id, "web_change", "ok", f"page={path}")


DENIED = (
    N_("This is not in your municipality"),
    N_("You can open only what belongs to your municipality. The refusal has been recorded."),
)
NOT_FOUND = (
    N_("There is no such page"),
    N_("Check the address, or go back to the workspace's start page."),
)
BAD_REQUEST = (
    N_("This address is not right"),
    N_("A part of it is not what the page expects. Go back and use the links on the page."),
)


def create_workspace(app: App) -> FastAPI:
    """The workspace app (mounted at /staff by `bot.http`): the platform's pages (sign-in,
    logout, language), then each domain's, and the static files."""
    workspace = Workspace(app)
    web = FastAPI(title="Kenesh workspace", docs_url=None, redoc_url=None, openapi_url=None)
    web.mount("/static", StaticFiles(directory=STATIC), name="static")
    web.include_router(platform_routes(workspace))
    for pages in app.pages:
        web.include_router(pages.router(workspace))

    @web.exception_handler(PageProblem)
    async def page_problem(request: Request, problem: PageProblem) -> HTMLResponse:
        return workspace.problem(
            request, problem.status, problem.title, problem.advice, **problem.values
        )

    @web.exception_handler(PermissionDenied)
    async def denied(request: Request, refusal: PermissionDenied) -> HTMLResponse:
        return workspace.problem(request, 403, *DENIED)

    @web.exception_handler(HTTPException)
    async def http_problem(request: Request, error: HTTPException) -> HTMLResponse:
        if error.status_code == 404:
            return workspace.problem(request, 404, *NOT_FOUND)
        return workspace.problem(request, error.status_code, *BAD_REQUEST)

    @web.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError) -> HTMLResponse:
        return workspace.problem(request, 400, *BAD_REQUEST)

    web.add_middleware(Guard, workspace=workspace)
    return web
