"""The public site as an ASGI app served at the root of `kenesh serve`: the domains' public
pages, the assets, the problem pages (404, 429) in the reader's language, behind `PublicGuard`.

`PublicRoutes` is how it joins the HTTP app: a route that claims only the paths one of the
public pages or assets answers, so it shadows nothing (webhooks, Open311, OCDS, /metrics,
/staff are matched before it, and an unknown path still gets the HTTP app's own 404)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import (
    BaseLoader,
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PrefixLoader,
    StrictUndefined,
    select_autoescape,
)
from markupsafe import Markup
from starlette.exceptions import HTTPException
from starlette.routing import BaseRoute, Match, NoMatchFound
from starlette.types import Receive, Scope, Send

from bot.i18n import N_, translator
from bot.web.access import base_url, secure_cookies
from bot.web.public import language
from bot.web.public.guard import ASSETS, PublicGuard
from bot.web.public.limits import RateLimit
from bot.web.public.memo import Memo
from bot.web.public.pages import PublicPages
from bot.web.public.visit import PublicProblem, Visit, layout_context
from bot.web.templating import versioned

if TYPE_CHECKING:
    from bot.app import App

HERE = Path(__file__).resolve().parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"

NOT_FOUND = (
    N_("There is no such page"),
    N_("Check the address, or start again from the list of municipalities."),
)
BAD_REQUEST = (
    N_("This address is not right"),
    N_("A part of it is not what the page expects. Go back and use the links on the page."),
)


def environment(pages: tuple[PublicPages, ...]) -> Environment:
    """The platform's public templates and every domain's, named `<domain>/<file>`."""
    domains: dict[str, BaseLoader] = {
        p.name: FileSystemLoader(p.templates) for p in pages if p.templates is not None
    }
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(TEMPLATES), PrefixLoader(domains)]),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["asset"] = lambda name: f"{ASSETS}{name}?v={versioned(STATIC, name)}"
    return env


class PublicSite:
    """The public site of one app: its templates, sections, links, limit and figure memo, and
    the `visit` dependency every public page takes (`visit: Visit = site.visit`)."""

    TOO_MANY = (
        N_("Too many pages at once"),
        N_(
            "Many pages were opened from your connection in a short time. Wait a minute, then open the page again."
        ),
    )

    def __init__(self, app: App) -> None:
        self.app = app
        self.settings = app.settings
        self.pages = tuple(app.public)
        self.templates = environment(self.pages)
        self.base_url = base_url(app.settings)
        self.max_age = max(0, int(app.settings.public_cache_seconds))
        self.memo = Memo(app.settings.public_cache_seconds)
        self.limit = RateLimit(app.settings.public_rate)
        self.secure = secure_cookies(app.settings)
        self.nav = sorted((link for p in self.pages for link in p.nav), key=lambda n: n.order)
        self.visit: Any = Depends(self._visit, scope="function")

    async def _visit(self, request: Request) -> AsyncIterator[Visit]:
        lang = language.page_language(request, self.settings.default_language)
        request.state.language = lang
        # closing the session rolls its transaction back: nothing a public page does is kept
        async with self.app.sessions() as session:
            yield Visit(self, request, session, lang)

    async def render_sections(self, visit: Visit, page: str, subject: Any) -> list[Markup]:
        """Each section of `page`, loaded and rendered, in order; those that load None left out."""
        found = sorted(
            (s for p in self.pages for s in p.sections if s.page == page), key=lambda s: s.order
        )
        rendered = []
        for section in found:
            values = await section.load(visit, subject)
            if values is None:
                continue
            html = self.templates.get_template(section.template).render(visit.context(**values))
            rendered.append(Markup(html))
        return rendered

    def remember_language(self, request: Request, response: Response) -> None:
        """A language chosen in the address is kept in a cookie for the next pages."""
        chosen = language.chosen_in_url(request)
        if chosen and request.cookies.get(language.COOKIE) != chosen:
            response.set_cookie(
                language.COOKIE,
                chosen,
                max_age=365 * 24 * 3600,
                path="/",
                secure=self.secure,
                samesite="lax",
            )

    def problem_response(
        self, request: Request, status: int, title: str, advice: str, **values: Any
    ) -> HTMLResponse:
        """The page that says what went wrong and what to do, in the reader's language."""
        lang = language.page_language(request, self.settings.default_language)
        tr = translator(lang)
        html = self.templates.get_template("public_problem.html").render(
            layout_context(
                self,
                request,
                lang,
                title=tr.t(title, **values),
                description=tr.t(advice, **values),
                status=status,
            )
        )
        response = HTMLResponse(html, status_code=status)
        self.remember_language(request, response)
        return response


class PublicRoutes(BaseRoute):
    """The public site as one route of the HTTP app, matching only what the site serves."""

    def __init__(self, site: FastAPI) -> None:
        self.site = site

    def matches(self, scope: Scope) -> tuple[Match, Scope]:
        if scope["type"] == "http":
            for route in self.site.router.routes:
                match, _ = route.matches(scope)
                if match != Match.NONE:
                    return Match.FULL, {}
        return Match.NONE, {}

    def url_path_for(self, name: str, /, **path_params: Any) -> Any:
        raise NoMatchFound(name, path_params)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.site(scope, receive, send)


def create_public_site(app: App) -> FastAPI:
    """The public app: each domain's public pages, the assets, and the problem pages."""
    site = PublicSite(app)
    web = FastAPI(title="Kenesh", docs_url=None, redoc_url=None, openapi_url=None)
    web.state.site = site
    for pages in site.pages:
        if pages.router is not None:
            web.include_router(pages.router(site))
    web.mount(ASSETS.rstrip("/"), StaticFiles(directory=STATIC), name="assets")

    @web.exception_handler(PublicProblem)
    async def public_problem(request: Request, problem: PublicProblem) -> HTMLResponse:
        return site.problem_response(
            request, problem.status, problem.title, problem.advice, **problem.values
        )

    @web.exception_handler(HTTPException)
    async def http_problem(request: Request, error: HTTPException) -> HTMLResponse:
        if error.status_code == 404:
            return site.problem_response(request, 404, *NOT_FOUND)
        return site.problem_response(request, error.status_code, *BAD_REQUEST)

    @web.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError) -> HTMLResponse:
        return site.problem_response(request, 400, *BAD_REQUEST)

    web.add_middleware(PublicGuard, site=site)
    return web
