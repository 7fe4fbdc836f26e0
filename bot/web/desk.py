"""One request of a signed-in staff member: who they are, their database session, their
language, and how a page answers (a template, a redirect with a notice, a refusal)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.datastructures import FormData

from bot import audit
from bot.i18n import LANGUAGE_NAMES, N_, Translator, translator
from bot.web.access import PREFIX
from bot.web.pages import NavLink
from models import Person, WebSession

if TYPE_CHECKING:
    from jinja2 import Environment

    from bot.settings import Settings


class Layout(Protocol):
    """What a desk takes from the workspace around it (`bot.web.workspace.Workspace`)."""

    settings: Settings
    templates: Environment

    def nav_for(self, person: Person) -> list[NavLink]:
        """The navigation links `person` sees."""
        ...


class PageProblem(Exception):
    """Answer with the problem page: `title` and `advice` (msgids) say what happened and what
    to do; `values` fill their placeholders."""

    def __init__(self, status: int, title: str, advice: str, **values: Any) -> None:
        super().__init__(title)
        self.status = status
        self.title = title
        self.advice = advice
        self.values = values


STALE_FORM = (
    N_("This form has expired"),
    N_("It was sent from an old or another session. Go back, reload the page and send it again."),
)


def local_path(target: str | None, default: str = f"{PREFIX}/") -> str:
    """`target` if it is a path of the workspace (never another site: no scheme, no //)."""
    if not target or not target.startswith(f"{PREFIX}/") or target.startswith("//"):
        return default
    if any(c in target for c in "\\\r\n"):
        return default
    return target


@dataclass
class Desk:
    """What a workspace page works with: the signed-in person (loaded in `session`, the
    request's transaction, committed when the page is done), their session and language."""

    workspace: Layout
    request: Request
    session: AsyncSession
    person: Person
    web_session: WebSession
    form: FormData | None = None
    _notice: str | None = field(default=None, init=False)

    @property
    def language(self) -> str:
        """The workspace's language for this person (their switch, at first their own)."""
        return self.web_session.language

    @property
    def tr(self) -> Translator:
        """The translator of the page's language."""
        return translator(self.language)

    def t(self, message: str, **values: Any) -> str:
        """`message` in the page's language."""
        return self.tr.t(message, **values)

    def tn(self, singular: str, plural: str, n: int, **values: Any) -> str:
        """The plural form for `n` in the page's language."""
        return self.tr.tn(singular, plural, n, **values)

    def field(self, name: str) -> str:
        """A posted form field, stripped ('' when absent)."""
        value = self.form.get(name) if self.form is not None else None
        return value.strip() if isinstance(value, str) else ""

    def fields(self, name: str) -> list[str]:
        """Every value posted for a field (checkboxes)."""
        if self.form is None:
            return []
        return [v.strip() for v in self.form.getlist(name) if isinstance(v, str) and v.strip()]

    def nav(self) -> list[NavLink]:
        """The navigation links this person sees, in order."""
        return self.workspace.nav_for(self.person)

    def render(self, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
        """A page: `template` with the layout's context and `context`."""
        notice, self.web_session.notice = self.web_session.notice, None
        page = self.workspace.templates.get_template(template)
        path = self.request.url.path
        links = self.nav()
        # the section this page belongs to: the longest navigation path it starts with
        current = max(
            (link.path for link in links if path.startswith(PREFIX + link.path)),
            key=len,
            default=None,
        )
        html = page.render(
            desk=self,
            person=self.person,
            _=self.t,
            tn=self.tn,
            csrf=self.web_session.csrf,
            nav=links,
            current=current,
            here=path,
            query=str(self.request.url.query),
            language=self.language,
            languages=LANGUAGE_NAMES,
            notice=notice,
            **context,
        )
        return HTMLResponse(html, status_code=status_code)

    def redirect(self, path: str, notice: str | None = None) -> RedirectResponse:
        """After a change: see the page at `path` (under /staff), which first says `notice`."""
        if notice is not None:
            self.web_session.notice = notice[:500]
        return RedirectResponse(local_path(path), status_code=303)

    async def require(self, allowed: Any, page: str) -> None:
        """Refuse (403, recorded) unless `allowed(person)`: admin pages."""
        if not allowed(self.person):
            await audit.record(self.session, self.person.id, page, "refused", "role")
            raise PageProblem(
                403,
                N_("This page is not for your role"),
                N_("Only administrators can open it. Ask an administrator if you need it."),
            )
