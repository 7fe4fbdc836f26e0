"""The language of a public page: chosen in the URL (`?lang=ru`, then kept in a cookie), else
the one chosen before in this browser, else the browser's own (`Accept-Language`, by its
preference), else DEFAULT_LANGUAGE."""

from __future__ import annotations

from fastapi import Request

from bot.settings import LANGUAGES

COOKIE = "kenesh_public_lang"  # apart from the workspace's, which lives under /staff
QUERY = "lang"


def chosen_in_url(request: Request) -> str | None:
    """The language the address asks for, if it is one of ours."""
    asked = request.query_params.get(QUERY)
    return asked if asked in LANGUAGES else None


def accepted(header: str) -> str | None:
    """The browser's most preferred language that is one of ours (`ru-RU;q=0.8` is ru)."""
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate(header.split(",")):
        tag, _, params = part.strip().partition(";")
        code = tag.strip().lower()[:2]
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        if code in LANGUAGES and quality > 0:
            ranked.append((-quality, index, code))
    return min(ranked)[2] if ranked else None


def page_language(request: Request, default: str) -> str:
    """The language to show this request's page in."""
    return (
        chosen_in_url(request)
        or (c if (c := request.cookies.get(COOKIE)) in LANGUAGES else None)
        or accepted(request.headers.get("accept-language", ""))
        or default
    )
