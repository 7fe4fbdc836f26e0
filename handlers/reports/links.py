"""Signed, expiring download links for channels that carry no files (SMS).

An SMS cannot hold a chart or a spreadsheet, so staff on SMS get the summary and two links:
`PUBLIC_URL/reports/TOKEN.png` and `….xlsx`. The token packs what was asked (report, dates,
municipality or service, language, who asked, until when) in 34 bytes with an HMAC, so a link
costs about 80 characters. Nothing is stored: the report is made again when the link is
opened, and the asker's scope is checked again then (a staff member who lost the role gets
403). The HMAC key is derived from SECRET_KEY (`bot.keys`), so rotating a provider's
credentials leaves the links working; a new SECRET_KEY voids them.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import hmac
import struct
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import async_sessionmaker

from bot.app import App
from bot.audit import PermissionDenied
from bot.keys import signing_key
from bot.settings import LANGUAGES, Settings
from handlers.reports.build import gather_report, render_chart, render_workbook
from handlers.reports.kinds import ReportKind
from handlers.reports.periods import Period
from handlers.reports.report import ReportRequest
from models import Person
from models.base import utcnow

PATH = "/reports/"
TTL = timedelta(days=1)
EPOCH = date(2000, 1, 1)
KINDS = list(ReportKind)
# kind, first and last day (days since EPOCH), municipality (0: all), service (0: none),
# language, person, expiry (Unix seconds)
LAYOUT = struct.Struct(">BHHIIBII")
MAC_BYTES = 12
MEDIA = {
    "png": "image/png",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@dataclass(frozen=True)
class Grant:
    """What a valid token allows: this request, made again for this person in this language."""

    request: ReportRequest
    person_id: int
    language: str


def link_key(settings: Settings) -> bytes:
    """The links' HMAC key, derived from SECRET_KEY."""
    return signing_key(settings, "report links")


def _mac(key: bytes, body: bytes) -> bytes:
    return hmac.new(key, body, hashlib.sha256).digest()[:MAC_BYTES]


def sign(key: bytes, grant: Grant, expires: datetime) -> str:
    """The URL-safe token for `grant`, valid until `expires`."""
    request = grant.request
    first = (request.period.first - EPOCH).days if request.period else 0
    last = (request.period.last - EPOCH).days if request.period else 0
    body = LAYOUT.pack(
        KINDS.index(request.kind),
        first,
        last,
        request.municipality_id or 0,
        request.service_id or 0,
        LANGUAGES.index(grant.language),
        grant.person_id,
        int(expires.timestamp()),
    )
    return base64.urlsafe_b64encode(body + _mac(key, body)).decode().rstrip("=")


def verify(key: bytes, token: str, zone: str, now: datetime | None = None) -> Grant | None:
    """The grant in `token`, or None when it is forged, damaged or expired."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError):
        return None
    body, mac = raw[: LAYOUT.size], raw[LAYOUT.size :]
    if len(raw) != LAYOUT.size + MAC_BYTES or not hmac.compare_digest(mac, _mac(key, body)):
        return None
    kind, first, last, unit, service, language, person, expires = LAYOUT.unpack(body)
    if expires < (now or utcnow()).timestamp() or kind >= len(KINDS) or language >= len(LANGUAGES):
        return None
    report = KINDS[kind]
    period = None
    if report != ReportKind.surveys:
        period = Period(EPOCH + timedelta(days=first), EPOCH + timedelta(days=last), zone)
    request = ReportRequest(report, period, unit or None, service or None)
    return Grant(request, person, LANGUAGES[language])


def report_links(settings: Settings, grant: Grant) -> tuple[str, str] | None:
    """(chart URL, spreadsheet URL) for `grant`, or None without a public address."""
    if not settings.public_url:
        return None
    token = sign(link_key(settings), grant, utcnow() + TTL)
    base = settings.public_url.rstrip("/") + PATH + token
    return f"{base}.png", f"{base}.xlsx"


@dataclass(frozen=True)
class Download:
    """An answer to a link: status, body and its media type."""

    status: int
    body: bytes = b""
    media_type: str = "text/plain"
    filename: str | None = None


NOT_FOUND = Download(404, b"not found")


async def download(sessions: async_sessionmaker, settings: Settings, filename: str) -> Download:
    """The file behind `PATH + filename`, made now; 404 for a bad or old link, 403 when the
    asker may no longer see it (refusal audited)."""
    token, _, extension = filename.rpartition(".")
    if extension not in MEDIA:
        return NOT_FOUND
    grant = verify(link_key(settings), token, settings.timezone)
    if grant is None:
        return NOT_FOUND
    async with sessions() as session, session.begin():
        person = await session.get(Person, grant.person_id)
        if person is None:
            return NOT_FOUND
        try:
            report = await gather_report(
                session, person, grant.request, grant.language, settings.report_min_group
            )
        except PermissionDenied:  # committed with its audit record
            return Download(403, b"forbidden")
    # the one file asked for: a chart costs ten times a spreadsheet
    if extension == "png":
        body = await asyncio.to_thread(render_chart, report)
    else:
        body = await asyncio.to_thread(render_workbook, report, settings.timezone)
    return Download(200, body, MEDIA[extension], f"{report.stem}.{extension}")


def links_routes(app: App) -> APIRouter:
    """`GET /reports/{token}.png|xlsx`, when links can be made (PUBLIC_URL is set)."""
    router = APIRouter()
    sessions, settings = app.sessions, app.settings
    if not settings.public_url:
        return router

    @router.get(PATH + "{filename}")
    async def report_file(filename: str) -> Response:
        """A report's chart or spreadsheet, behind a signed link sent by SMS."""
        found = await download(sessions, settings, filename)
        headers = {}
        if found.filename:
            headers["Content-Disposition"] = f'attachment; filename="{found.filename}"'
        return Response(found.body, found.status, headers, found.media_type)

    return router
