"""The OCDS release package Kenesh publishes: every stored release of every published tender.

`kenesh tenders export` and `GET /ocds/releases.json` serve the same package. The releases are
the ones recorded at each change (handlers.tenders.ocds.release), in the order they happened, so a reader
sees each tender's history, not only today's state.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.settings import Settings
from handlers.tenders.ocds.release import iso
from models import Tender, TenderRelease
from models.base import utcnow

OCDS_VERSION = "1.1"
PUBLISHER = "Kenesh"
PACKAGE_PATH = "/ocds/releases.json"


def package_uri(settings: Settings, request_url: str | None = None) -> str:
    """Where this package lives: under PUBLIC_URL when it is set, else the URL it was asked at,
    else a URN made of the ocid prefix (the command line without PUBLIC_URL)."""
    if settings.public_url:
        return settings.public_url.rstrip("/") + PACKAGE_PATH
    if request_url:
        return request_url
    return f"urn:{settings.ocds_prefix}:releases"


async def published_releases(
    session: AsyncSession, ocid: str | None = None
) -> list[dict[str, Any]]:
    """The stored releases of tenders that were published (drafts have none to show), oldest
    first; of one tender only when `ocid` is given (a tender's own link on its public page)."""
    query = (
        select(TenderRelease.data)
        .join(Tender, Tender.id == TenderRelease.tender_id)
        .where(Tender.published_at.is_not(None), Tender.ocid.is_not(None))
        .order_by(TenderRelease.date, TenderRelease.id)
    )
    if ocid is not None:
        query = query.where(Tender.ocid == ocid)
    return list((await session.scalars(query)).all())


def release_path(ocid: str) -> str:
    """The package of one tender's releases: what its public page links to."""
    return f"{PACKAGE_PATH}?{urlencode({'ocid': ocid})}"


async def build_package(session: AsyncSession, uri: str, ocid: str | None = None) -> dict[str, Any]:
    """The release package. Its publishedDate is the last release's date (the package is made
    on demand, and OCDS asks for the date of the last change then), or now when there is none.
    With no published tender `releases` is empty, which the schema rejects: OCDS has no way to
    say "nothing yet"."""
    releases = await published_releases(session, ocid)
    published = releases[-1]["date"] if releases else iso(utcnow())
    return {
        "uri": uri,
        "version": OCDS_VERSION,
        "publishedDate": published,
        "publisher": {"name": PUBLISHER},
        "releases": releases,
    }


def dump_package(package: dict[str, Any]) -> str:
    """The package as JSON text, readable in every language (no \\u escapes)."""
    return json.dumps(package, ensure_ascii=False, indent=2) + "\n"
