"""A need's public page, `/n/N-000123`: its text as moderated, category, status history with
the municipality's comments (never who wrote them), supports, its photo only when staff marked
it public, and the links that open the bot at it on each channel (`handlers.needs.links`).

A hidden need, an unknown or a malformed reference is "no such page" (404). Phone numbers
anywhere in the text or comments are masked, as on every public output.
"""

from __future__ import annotations

import re
import time
from collections import OrderedDict
from pathlib import Path
from typing import Any

import phonenumbers
from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy import select

from bot.channels.photos import fetch_photo
from bot.formats import format_day, local_day
from bot.phones import mask_phones
from bot.text import shorten
from bot.web.public.pages import PublicPages
from bot.web.public.site import NOT_FOUND, PublicSite
from bot.web.public.visit import PublicProblem, Visit
from handlers.needs.links import SupportLinks, support_links
from handlers.needs.moderation import HIDDEN_TEXT
from handlers.needs.needs import STATUS_NAMES, category_name
from models import Municipality, Need, NeedStatus, NeedStatusChange

TEMPLATES = Path(__file__).resolve().parent / "templates" / "need_page"
REFERENCE = re.compile(r"N-(\d{6,9})")
PREVIEW = 160  # characters of the text in a link's preview
PHOTOS_KEPT = 64  # photos a process keeps (about 150 KB each): a viral need is one of them
PHOTO_SECONDS = 3600.0  # a photo behind one reference does not change


def need_path(reference: str) -> str:
    """A need's public page."""
    return f"/n/{reference}"


async def public_need(visit: Visit, reference: str) -> Need:
    """The need `reference` names (canonical: N-000123) if the public may see it; else 404."""
    found = REFERENCE.fullmatch(reference)
    need = await visit.session.get(Need, int(found.group(1))) if found else None
    if need is None or need.hidden or need.reference != reference:
        raise PublicProblem(404, *NOT_FOUND)
    return need


def _spaced(number: str | None) -> str | None:
    """+996 700 000 001: the number as a person reads it to type it."""
    if number is None:
        return None
    parsed = phonenumbers.parse(number, None)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


async def _history(visit: Visit, need: Need) -> list[dict[str, Any]]:
    changes = (
        await visit.session.scalars(
            select(NeedStatusChange)
            .where(NeedStatusChange.need_id == need.id)
            .order_by(NeedStatusChange.created_at, NeedStatusChange.id)
        )
    ).all()
    zone = visit.site.settings.timezone
    steps = [{"status": NeedStatus.new, "day": need.created_at, "comment": None}]
    steps += [{"status": c.status, "day": c.created_at, "comment": c.comment} for c in changes]
    return [
        {
            "status": step["status"].value,
            "status_name": visit.t(STATUS_NAMES[step["status"]]),
            "day": format_day(local_day(step["day"], zone), visit.language),
            "comment": mask_phones(step["comment"]),
        }
        for step in steps
    ]


def _links(visit: Visit, need: Need, unit: Municipality | None) -> dict[str, Any]:
    links: SupportLinks = support_links(visit.site.settings, need.id, unit.code if unit else None)
    sms = None
    if links.sms_number:
        sms = {
            "number": _spaced(links.sms_number),
            "text": links.sms_text,
            "href": f"sms:{links.sms_number}?body={links.sms_text.replace('+', '%2B')}",
        }
    return {"telegram": links.telegram, "whatsapp": links.whatsapp, "sms": sms}


def build(site: PublicSite) -> APIRouter:
    """The need page and its photo."""
    router = APIRouter()
    photos: OrderedDict[tuple[int, str], tuple[float, bytes | None]] = OrderedDict()

    @router.get("/n/{reference}")
    async def need_page(reference: str, visit: Visit = site.visit) -> Response:
        """One need, as the public may see it."""
        need = await public_need(visit, reference)
        unit = await visit.session.get(Municipality, need.municipality_id)
        category = await category_name(visit.session, need.category_id, visit.language)
        text = mask_phones(need.public_description) or visit.t(HIDDEN_TEXT)
        place = unit.name(visit.language) if unit else ""
        supports = need.supports_total
        history = await _history(visit, need)
        # the latest word, when it came without a status change (set in the bot or imported)
        latest = mask_phones(need.staff_comment)
        if latest in {step["comment"] for step in history}:
            latest = None
        shown = need.photo_ref and need.photo_public
        photo = need_path(need.reference) + "/photo.jpg" if shown else None
        return visit.render(
            "need/page.html",
            title=f"{need.reference} · {category} · {place}",  # the same in every language
            description=shorten(text, PREVIEW),
            need=need,
            text=text,
            edited=need.redacted is not None,
            category=category,
            place=place,
            place_href=f"/m/{unit.code}" if unit else None,
            status=need.status.value,
            status_name=visit.t(STATUS_NAMES[need.status]),
            is_open=need.status.is_open,
            supports=supports,
            history=history,
            latest=latest,
            photo=photo,
            preview_image=photo,  # a chat shows the photo with a shared link
            links=_links(visit, need, unit) if need.status.is_open else None,
        )

    @router.get("/n/{reference}/photo.jpg")
    async def need_photo(reference: str, visit: Visit = site.visit) -> Response:
        """The photo, only while staff keep it marked public (asked of the database every
        time; the image itself is kept a while, scaled and without its metadata)."""
        need = await public_need(visit, reference)
        if not (need.photo_ref and need.photo_public):
            raise PublicProblem(404, *NOT_FOUND)
        key = (need.id, need.photo_ref)
        kept = photos.get(key)
        if kept is None or time.monotonic() - kept[0] > PHOTO_SECONDS:
            kept = (time.monotonic(), await fetch_photo(site.settings, need.photo_ref))
            photos[key] = kept
            while len(photos) > PHOTOS_KEPT:
                photos.popitem(last=False)
        photos.move_to_end(key)
        if kept[1] is None:
            raise PublicProblem(404, *NOT_FOUND)
        return Response(kept[1], media_type="image/jpeg")

    return router


PUBLIC = PublicPages("need", build, TEMPLATES)
