"""Signing in without passwords: one-time links that open a session, and the sessions.

A staff member asks the bot (or an operator runs `kenesh web link`) and gets a link that works
once, for `LINK_TTL`. Opening it shows a button; pressing it (a POST, so a chat app's link preview
cannot spend the link) opens a session of `WEB_SESSION_HOURS`. Every request checks the session
and the person's role again: a withdrawn role ends the session at the next click.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot import audit
from bot.audit import PermissionDenied
from bot.settings import LANGUAGES, Settings
from bot.web.tokens import issue, new_csrf, verify, workspace_key
from models import Person, WebSession, WebSignInLink
from models.base import utcnow

LINK_TTL = timedelta(minutes=10)
PREFIX = "/staff"
SESSION_COOKIE = "kenesh_session"
LANGUAGE_COOKIE = (
    "kenesh_lang"  # the last language chosen in this browser, for pages without a session
)
LINK = "link"
SESSION = "session"


class LinkProblem(enum.StrEnum):
    """Why a sign-in link opens nothing."""

    forged = "forged"  # not signed with our key, or not issued
    used = "used"  # it worked once already
    expired = "expired"  # older than LINK_TTL
    not_staff = "not_staff"  # the person's staff role was withdrawn since


class SessionProblem(enum.StrEnum):
    """Why a request has no session."""

    missing = "missing"  # no cookie, or not one of ours
    expired = "expired"  # older than WEB_SESSION_HOURS
    ended = "ended"  # logged out
    revoked = "revoked"  # the staff role was withdrawn


def base_url(settings: Settings) -> str:
    """Where people reach `kenesh serve`: PUBLIC_URL, or HTTP_HOST:HTTP_PORT without it."""
    if settings.public_url:
        return settings.public_url.rstrip("/")
    return f"http://{settings.http_host}:{settings.http_port}"


def secure_cookies(settings: Settings) -> bool:
    """Cookies are sent over https only when the workspace is served over https."""
    return bool(settings.public_url and settings.public_url.lower().startswith("https://"))


async def issue_link(session: AsyncSession, settings: Settings, person: Person) -> str:
    """A one-time sign-in link for a staff member or admin; refused (and recorded) for others."""
    key = workspace_key(settings)
    if not person.is_staff:
        await audit.record(session, person.id, "web_link", "refused", "not staff")
        raise PermissionDenied("web_link", "not staff")
    token, digest = issue(key, LINK)
    link = WebSignInLink(token_hash=digest, person_id=person.id, expires_at=utcnow() + LINK_TTL)
    session.add(link)
    await session.flush()
    await audit.record(session, person.id, "web_link", "ok", f"link={link.id}")
    return f"{base_url(settings)}{PREFIX}/sign-in/{token}"


async def _find_link(
    session: AsyncSession, settings: Settings, token: str
) -> WebSignInLink | LinkProblem:
    digest = verify(workspace_key(settings), LINK, token)
    if digest is None:
        return LinkProblem.forged
    found = await session.scalar(select(WebSignInLink).where(WebSignInLink.token_hash == digest))
    if found is None:
        return LinkProblem.forged
    if found.used_at is not None:
        return LinkProblem.used
    if found.expires_at <= utcnow():
        return LinkProblem.expired
    person = await session.get(Person, found.person_id)
    if person is None or not person.is_staff:
        return LinkProblem.not_staff
    return found


async def check_link(
    session: AsyncSession, settings: Settings, token: str
) -> tuple[WebSignInLink, Person] | LinkProblem:
    """The link and its person, if the link would open a session now (it is not spent)."""
    found = await _find_link(session, settings, token)
    if isinstance(found, LinkProblem):
        return found
    person = await session.get(Person, found.person_id)
    assert person is not None  # checked by _find_link
    return found, person


@dataclass(frozen=True)
class Opened:
    """A session just opened: the cookie's value and the row."""

    cookie: str
    session: WebSession


async def redeem_link(
    session: AsyncSession, settings: Settings, token: str
) -> Opened | LinkProblem:
    """Spend the link (once, even if two tabs press at the same moment) and open a session."""
    found = await check_link(session, settings, token)
    if isinstance(found, LinkProblem):
        if found != LinkProblem.forged:
            await audit.record(session, None, "web_sign_in", "refused", str(found))
        return found
    link, person = found
    spent = await session.execute(
        update(WebSignInLink)
        .where(WebSignInLink.id == link.id, WebSignInLink.used_at.is_(None))
        .values(used_at=utcnow())
    )
    if spent.rowcount != 1:  # type: ignore[attr-defined]
        return LinkProblem.used
    cookie, digest = issue(workspace_key(settings), SESSION)
    opened = WebSession(
        token_hash=digest,
        person_id=person.id,
        language=person.language if person.language in LANGUAGES else settings.default_language,
        csrf=new_csrf(),
        expires_at=utcnow() + timedelta(hours=settings.web_session_hours),
    )
    session.add(opened)
    await session.flush()
    await audit.record(session, person.id, "web_sign_in", "ok", f"session={opened.id}")
    return Opened(cookie, opened)


async def current_session(
    session: AsyncSession, settings: Settings, cookie: str | None
) -> tuple[WebSession, Person] | SessionProblem:
    """The session a request's cookie names and its person, if it is still good. A session
    whose person lost the staff role is ended here, and that is recorded."""
    digest = verify(workspace_key(settings), SESSION, cookie) if cookie else None
    if digest is None:
        return SessionProblem.missing
    found = await session.scalar(select(WebSession).where(WebSession.token_hash == digest))
    if found is None:
        return SessionProblem.missing
    if found.ended_at is not None:
        return SessionProblem.revoked if found.end_reason == "revoked" else SessionProblem.ended
    if found.expires_at <= utcnow():
        return SessionProblem.expired
    person = await session.get(Person, found.person_id)
    if person is None or not person.is_staff:
        await end_session(session, found, "revoked")
        await audit.record(
            session, found.person_id, "web_session", "revoked", f"session={found.id}"
        )
        return SessionProblem.revoked
    return found, person


async def end_session(session: AsyncSession, web_session: WebSession, reason: str) -> None:
    """End a session now (logout, a withdrawn role)."""
    web_session.ended_at = utcnow()
    web_session.end_reason = reason
