"""One request of a public page: its reader's language, a read-only database session, and how a
page answers (the public layout with a title and description for link previews)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import LANGUAGE_NAMES, Translator, translator
from bot.web.public.language import QUERY

if TYPE_CHECKING:
    from bot.web.public.site import PublicSite


class PublicProblem(Exception):
    """Answer with the public problem page: `title` and `advice` (msgids), `values` fill them."""

    def __init__(self, status: int, title: str, advice: str, **values: Any) -> None:
        super().__init__(title)
        self.status = status
        self.title = title
        self.advice = advice
        self.values = values


def language_links(request: Request, current: str) -> list[tuple[str, str, str, bool]]:
    """(code, name, href, current) for each language: this address in that language."""
    kept = [(k, v) for k, v in request.query_params.multi_items() if k != QUERY]
    path = request.url.path
    return [
        (code, name, f"{path}?{urlencode([*kept, (QUERY, code)])}", code == current)
        for code, name in LANGUAGE_NAMES.items()
    ]


def layout_context(
    site: PublicSite, request: Request, language: str, **values: Any
) -> dict[str, Any]:
    """What the public layout needs (also on problem pages, which have no visit)."""
    tr = translator(language)
    return {
        "_": tr.t,
        "tn": tr.tn,
        "language": language,
        "language_links": language_links(request, language),
        "here": request.url.path,
        "site_url": site.base_url,
        "nav": site.nav,
        **values,
    }


@dataclass
class Visit:
    """What a public page works with: the site, the request, its language, and `session` (one
    transaction, never committed: a public page changes nothing)."""

    site: PublicSite
    request: Request
    session: AsyncSession
    language: str

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

    def query(self, name: str) -> str:
        """A query parameter of the address, stripped ('' when absent)."""
        return (self.request.query_params.get(name) or "").strip()

    async def cached(self, key: Hashable, compute: Callable[[], Awaitable[Any]]) -> Any:
        """A heavy figure, computed at most once per PUBLIC_CACHE_SECONDS in this process.
        `compute` may read through this request's session (the others asking meanwhile wait
        for it); what it returns is kept, so it must not need the session later."""
        return await self.site.memo.get(key, compute)

    async def sections(self, page: str, subject: Any) -> list[Markup]:
        """The sections the domains declared for `page`, rendered in order, with `subject`."""
        return await self.site.render_sections(self, page, subject)

    def context(self, **values: Any) -> dict[str, Any]:
        """What every public template sees, with `values`."""
        return layout_context(self.site, self.request, self.language, visit=self, **values)

    def render(
        self,
        template: str,
        *,
        title: str,
        description: str,
        status_code: int = 200,
        **context: Any,
    ) -> HTMLResponse:
        """A page: `template` in the public layout. `title` and `description` (already in the
        reader's language) are what a chat app shows of a shared link."""
        html = self.site.templates.get_template(template).render(
            self.context(title=title, description=description, **context)
        )
        response = HTMLResponse(html, status_code=status_code)
        self.site.remember_language(self.request, response)
        return response
