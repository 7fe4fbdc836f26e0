"""The platform's own workspace pages: the start page, signing in with a link, signing out,
and the language switch."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from bot import audit
from bot.i18n import LANGUAGE_NAMES, N_, translator
from bot.settings import LANGUAGES
from bot.web.access import (
    LANGUAGE_COOKIE,
    LINK_TTL,
    PREFIX,
    SESSION_COOKIE,
    LinkProblem,
    check_link,
    end_session,
    redeem_link,
    secure_cookies,
)
from bot.web.desk import Desk, PageProblem, local_path
from bot.web.tokens import same

if TYPE_CHECKING:
    from bot.web.workspace import Workspace

SIGN_IN_COOKIE = "kenesh_sign_in"  # ties the sign-in button's form to the browser that opened it
LINK_PROBLEMS = {
    LinkProblem.forged: (
        400,
        N_("This link is not valid"),
        N_(
            "It may be incomplete: copy the whole link, or choose “Web workspace” in the bot for a new one."
        ),
    ),
    LinkProblem.used: (
        410,
        N_("This link has already been used"),
        N_("Each link opens the workspace once. Choose “Web workspace” in the bot for a new link."),
    ),
    LinkProblem.expired: (
        410,
        N_("This link has expired"),
        N_("A link works for {minutes} minutes. Choose “Web workspace” in the bot for a new one."),
    ),
    LinkProblem.not_staff: (
        403,
        N_("Your staff access was withdrawn"),
        N_("This account no longer has a staff role. Ask an administrator if this is a mistake."),
    ),
}


def _link_problem(problem: LinkProblem) -> PageProblem:
    status, title, advice = LINK_PROBLEMS[problem]
    return PageProblem(status, title, advice, minutes=int(LINK_TTL.total_seconds() // 60))


def platform_routes(workspace: Workspace) -> APIRouter:
    """The start page, sign-in, sign-out and language routes of `workspace`."""
    router = APIRouter()
    settings = workspace.settings
    secure = secure_cookies(settings)

    @router.get("/")
    async def start(desk: Desk = workspace.signed_in) -> Response:
        """The first page the person's navigation offers."""
        links = desk.nav()
        if links:
            return RedirectResponse(f"{PREFIX}{links[0].path}", status_code=303)
        return desk.render("home.html")

    @router.get("/sign-in/{token}")
    async def sign_in_page(request: Request, token: str) -> HTMLResponse:
        """What a link opens: who is signing in, and the button that does it."""
        async with workspace.app.sessions() as session, session.begin():
            found = await check_link(session, settings, token)
            if isinstance(found, LinkProblem):
                raise _link_problem(found)
            _link, person = found
        language = person.language if person.language in LANGUAGES else settings.default_language
        request.state.language = language
        tr = translator(language)
        nonce = secrets.token_urlsafe(24)
        html = workspace.templates.get_template("sign_in.html").render(
            _=tr.t,
            tn=tr.tn,
            language=language,
            languages=LANGUAGE_NAMES,
            nonce=nonce,
            action=f"{PREFIX}/sign-in/{token}",
            role=person.role,
        )
        response = HTMLResponse(html)
        response.set_cookie(
            SIGN_IN_COOKIE,
            nonce,
            max_age=int(LINK_TTL.total_seconds()),
            path=f"{PREFIX}/sign-in",
            httponly=True,
            secure=secure,
            samesite="strict",
        )
        return response

    @router.post("/sign-in/{token}")
    async def sign_in(request: Request, token: str) -> Response:
        """Spend the link and open a session in this browser."""
        form = await request.form()
        if not same(str(form.get("nonce") or ""), request.cookies.get(SIGN_IN_COOKIE)):
            raise PageProblem(
                403,
                N_("This form has expired"),
                N_("Open the link from the bot again and press the button on that page."),
            )
        async with workspace.app.sessions() as session, session.begin():
            opened = await redeem_link(session, settings, token)
            if isinstance(opened, LinkProblem):
                problem = opened
            else:
                problem = None
                language = opened.session.language
        if problem is not None:
            raise _link_problem(problem)
        response = RedirectResponse(f"{PREFIX}/", status_code=303)
        response.set_cookie(
            SESSION_COOKIE,
            opened.cookie,
            max_age=int(settings.web_session_hours * 3600),
            path=PREFIX,
            httponly=True,
            secure=secure,
            samesite="lax",
        )
        response.set_cookie(LANGUAGE_COOKIE, language, path=PREFIX, secure=secure, samesite="lax")
        response.delete_cookie(SIGN_IN_COOKIE, path=f"{PREFIX}/sign-in")
        return response

    @router.post("/sign-out")
    async def sign_out(desk: Desk = workspace.signed_in) -> Response:
        """End this session; the cookie goes too."""
        await end_session(desk.session, desk.web_session, "logout")
        await audit.record(desk.session, desk.person.id, "web_sign_out", "ok")
        response = RedirectResponse(f"{PREFIX}/signed-out", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path=PREFIX)
        return response

    @router.get("/signed-out")
    async def signed_out(request: Request) -> HTMLResponse:
        """Said after signing out."""
        return workspace.problem(
            request,
            200,
            N_("You are signed out"),
            N_("To come back, choose “Web workspace” in the bot for a new link."),
        )

    @router.post("/language")
    async def language(desk: Desk = workspace.signed_in) -> Response:
        """Switch the workspace's language, and show the same page again."""
        chosen = desk.field("language")
        back = local_path(desk.field("next"))
        if chosen not in LANGUAGES:
            raise PageProblem(
                400, N_("This address is not right"), N_("Choose a language from the list.")
            )
        desk.web_session.language = chosen
        response = RedirectResponse(back, status_code=303)
        response.set_cookie(LANGUAGE_COOKIE, chosen, path=PREFIX, secure=secure, samesite="lax")
        return response

    return router
