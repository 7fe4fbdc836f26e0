"""POST requests: an outside app reports a need with its API key. The need has no reporter."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from urllib.parse import parse_qsl

from fastapi import Request
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import audit
from bot.bodies import BodyTooLarge, read_body
from bot.i18n import N_, translator
from bot.text import clean_text
from handlers.needs.needs import save_need
from handlers.needs.open311.formats import Open311Error
from handlers.needs.open311.keys import find_api_key
from handlers.needs.open311.queries import category_by_code, jurisdiction
from handlers.places.register import nearest_unit
from handlers.places.search import current
from models import ApiKey, Municipality, Need

# A description of 4,000 characters, every one escaped (\\uXXXX or %XX%XX%XX), and the rest.
BODY_LIMIT = 64 * 1024
DESCRIPTION_LENGTH = 4000  # the spec's limit
ADDRESS_LENGTH = 300  # needs.place
MEDIA_URL_LENGTH = 512  # needs.photo_ref
# The notice residents get in the bot when they report, in each of the four languages.
NOTICE = N_("Thank you! Your report has been sent to the municipality. Its number is {ref}.")


async def read_fields(request: Request) -> dict[str, str]:
    """The POSTed fields: form-encoded as the spec says, or one JSON object. Only the body is
    read, so an api_key never travels in a URL that access logs keep."""
    try:
        body = await read_body(request, BODY_LIMIT)
    except BodyTooLarge:
        raise Open311Error(413, f"the body is larger than {BODY_LIMIT} bytes") from None
    kind = request.headers.get("Content-Type", "").split(";")[0].strip().lower()
    if kind == "application/json":
        try:
            data = json.loads(body or b"{}")
        except (ValueError, RecursionError):
            raise Open311Error(400, "the body is not valid JSON") from None
        if not isinstance(data, dict):
            raise Open311Error(400, "the JSON body must be an object of fields")
        return {clean_text(str(k)): _text(k, v) for k, v in data.items() if v is not None}
    if kind in ("", "application/x-www-form-urlencoded"):
        fields = parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True)
        return {clean_text(k): clean_text(v) for k, v in fields}
    raise Open311Error(400, "send the fields form-encoded (application/x-www-form-urlencoded)")


def _text(name: str, value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise Open311Error(400, f"{name} must be a string or a number")
    return clean_text(str(value))


async def check_api_key(session: AsyncSession, given: str) -> ApiKey:
    """The key a request was sent with. 403 when it is missing or unknown; a revoked key is
    audited under its name before the 403 (the caller commits that)."""
    key = await find_api_key(session, given.strip())
    if key is None:
        raise Open311Error(403, "api_key is missing or not valid")
    if key.revoked_at is not None:
        await audit.record(session, None, "open311_request", "refused", f"api_key={key.name}")
        raise Open311Error(403, "this api_key has been revoked")
    return key


@dataclass(frozen=True)
class NewRequest:
    """A POSTed request, checked: every field we keep, nothing about the person sending it."""

    service_code: str
    jurisdiction_id: str | None  # None: the key's municipality, or the one nearest lat/long
    description: str
    address: str | None
    latitude: float | None
    longitude: float | None
    media_url: str | None


def parse_new_request(fields: dict[str, str]) -> NewRequest:
    """Check a POST's fields; 400 names the first missing or malformed one. Personal fields
    (email, phone, first_name, last_name, device_id, account_id) are ignored, never stored."""
    service_code = _required(fields, "service_code")
    jurisdiction_id = fields.get("jurisdiction_id", "").strip() or None
    description = _required(fields, "description")
    if len(description) > DESCRIPTION_LENGTH:
        raise Open311Error(400, f"description is longer than {DESCRIPTION_LENGTH} characters")
    address = fields.get("address_string", "").strip() or None
    if address and len(address) > ADDRESS_LENGTH:
        raise Open311Error(400, f"address_string is longer than {ADDRESS_LENGTH} characters")
    latitude = _coordinate(fields, "lat", 90)
    longitude = _coordinate(fields, "long", 180)
    if (latitude is None) != (longitude is None):
        raise Open311Error(400, "lat and long go together: send both or neither")
    if latitude is None and address is None:
        raise Open311Error(400, "a location is required: lat and long, or address_string")
    media_url = fields.get("media_url", "").strip() or None
    if media_url and (
        not media_url.startswith(("https://", "http://")) or len(media_url) > MEDIA_URL_LENGTH
    ):
        raise Open311Error(400, f"media_url must be an http(s) URL of {MEDIA_URL_LENGTH} at most")
    return NewRequest(
        service_code, jurisdiction_id, description, address, latitude, longitude, media_url
    )


def _required(fields: dict[str, str], name: str) -> str:
    value = fields.get(name, "").strip()
    if not value:
        raise Open311Error(400, f"{name} is required")
    return value


def _coordinate(fields: dict[str, str], name: str, bound: float) -> float | None:
    text = fields.get(name, "").strip()
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise Open311Error(400, f"{name} must be a number") from None
    if not math.isfinite(value) or abs(value) > bound:
        raise Open311Error(400, f"{name} must be between -{bound:g} and {bound:g}")
    return value


async def create_request(
    session: AsyncSession, key: ApiKey, wanted: NewRequest, language: str
) -> tuple[Need, str]:
    """Save the need (no reporter), audit it under the key's name; the need and its notice."""
    category = await category_by_code(session, wanted.service_code)
    place = await _place(session, key, wanted)
    if not place.is_leaf_kind:
        raise Open311Error(
            400, f"jurisdiction_id {place.code} is a region: use a city or ayil aimak code"
        )
    need = await save_need(
        session,
        municipality_id=place.id,
        category_id=category.id,
        reporter_id=None,
        language=language,
        description=wanted.description,
        photo_ref=wanted.media_url,
        place={"latitude": wanted.latitude, "longitude": wanted.longitude, "place": wanted.address},
    )
    await audit.record(session, None, "open311_request", "ok", f"need={need.id} api_key={key.name}")
    return need, translator(language).t(NOTICE, ref=need.reference)


async def _place(session: AsyncSession, key: ApiKey, wanted: NewRequest) -> Municipality:
    """Where the need goes: the jurisdiction_id given; else the municipality the key is bound
    to; else the city or ayil aimak whose point is nearest lat/long. A merged unit's work goes
    to its successor."""
    place = None
    if wanted.jurisdiction_id is not None:
        place = await jurisdiction(session, wanted.jurisdiction_id)
    elif key.municipality_id:
        place = await session.get(Municipality, key.municipality_id)
    if place is None and wanted.latitude is not None and wanted.longitude is not None:
        place = await nearest_unit(session, wanted.latitude, wanted.longitude)
    if place is None:
        raise Open311Error(
            400,
            "jurisdiction_id is required: this api_key is bound to no municipality, and no "
            "municipality with a point in the register is nearest to lat/long",
        )
    by_id = {u.id: u for u in (await session.scalars(select(Municipality))).all()}
    return current(place, by_id)
