"""The staff workspace as an ASGI app mounted at /staff: the domains' pages inside the
platform's sessions, CSRF checks, security headers, error pages and audit trail."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from bot import audit
from bot.app import App
from bot.audit import PermissionDenied
from bot.i18n import LANGUAGE_NAMES, N_, translator
from bot.settings import LANGUAGES
from bot.web.access import (
    LANGUAGE_COOKIE,
    PREFIX,
    SESSION_COOKIE,
    SessionProblem,
    current_session,
)
from bot.web.desk import STALE_FORM, Desk, PageProblem
from bot.web.pages import NavLink
from bot.web.routes import platform_routes
from bot.web.templating import STATIC, environment
from bot.web.tokens import same
from models import Person

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
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
SIGNED_OUT = {
    SessionProblem.missing: (
        N_("Please sign in"),
        N_(
            "Open the workspace from the bot: choose “Web workspace” in the menu and open the link it sends."
        ),
    ),
    SessionProblem.expired: (
        N_("Your session has ended"),
        N_("Sessions last a working day. Choose “Web workspace” in the bot for a new link."),
    ),
    SessionProblem.ended: (
        N_("You are signed out"),
        N_("To come back, choose “Web workspace” in the bot for a new link."),
    ),
    SessionProblem.revoked: (
        N_("Your staff access was withdrawn"),
        N_("This account no longer has a staff role. Ask an administrator if this is a mistake."),
    ),
}


def request_language(request: Request, default: str) -> str:
    """The language of a page shown without a session: the one chosen last in this browser,
    else the browser's own if it is one of ours, else DEFAULT_LANGUAGE."""
    state = getattr(request.state, "language", None)
    if state in LANGUAGES:
        return state
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in LANGUAGES:
        return chosen
    for part in request.headers.get("accept-language", "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return default


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


class Workspace:
    """The workspace of one app: its templates, navigation, and the `signed_in` dependency
    every page takes (`desk: Desk = workspace.signed_in`)."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.settings = app.settings
        self.templates = environment(app.pages)
        self.links = sorted((link for p in app.pages for link in p.nav), key=lambda n: n.order)
        self.signed_in: Any = Depends(self.desk, scope="function")

    def nav_for(self, person: Person) -> list[NavLink]:
        """The navigation links `person` sees."""
        return [link for link in self.links if link.visible(person)]

    async def desk(self, request: Request) -> AsyncIterator[Desk]:
        """The signed-in person's desk for one request, in one transaction: committed when the
        page is done, rolled back on an error, kept when a refusal was recorded."""
        async with self.app.sessions() as session:
            await session.begin()
            found = await current_session(
                session, self.settings, request.cookies.get(SESSION_COOKIE)
            )
            if isinstance(found, SessionProblem):
                await session.commit()  # a revoked session's end is recorded
                raise PageProblem(
                    401 if found != SessionProblem.revoked else 403, *SIGNED_OUT[found]
                )
            web_session, person = found
            request.state.language = web_session.language
            request.state.person_id = person.id
            form = None
            if request.method in UNSAFE:
                form = await request.form()
                if not same(str(form.get("csrf") or ""), web_session.csrf):
                    await audit.record(session, person.id, "web_csrf", "refused")
                    await session.commit()
                    raise PageProblem(403, *STALE_FORM)
            desk = Desk(self, request, session, person, web_session, form)
            try:
                yield desk
            except (PermissionDenied, PageProblem):
                await session.commit()  # refusals record themselves before anything changes
                raise
            except BaseException:
                await session.rollback()
                raise
            else:
                await session.commit()

    def problem(
        self, request: Request, status: int, title: str, advice: str, **values: Any
    ) -> HTMLResponse:
        """The page that says what went wrong and what to do, in the reader's language."""
        language = request_language(request, self.settings.default_language)
        tr = translator(language)
        html = self.templates.get_template("problem.html").render(
            _=tr.t,
            tn=tr.tn,
            language=language,
            languages=LANGUAGE_NAMES,
            title=tr.t(title, **values),
            advice=tr.t(advice, **values),
            status=status,
            signed_in=getattr(request.state, "person_id", None) is not None,
        )
        return HTMLResponse(html, status_code=status)


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
