"""The staff workspace that pages work in: its templates and navigation, the signed-in desk of
each request (session, CSRF check, one transaction), and the page that says what went wrong.
`bot.web.site` serves it at /staff."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse

from bot import audit
from bot.audit import PermissionDenied
from bot.i18n import LANGUAGE_NAMES, N_, translator
from bot.settings import LANGUAGES
from bot.web.access import (
    LANGUAGE_COOKIE,
    SESSION_COOKIE,
    SessionProblem,
    current_session,
)
from bot.web.desk import STALE_FORM, Desk, PageProblem
from bot.web.pages import NavLink
from bot.web.templating import environment
from bot.web.tokens import same
from models import Person

if TYPE_CHECKING:
    from bot.app import App

UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
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
