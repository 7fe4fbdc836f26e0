"""Reading services and service requests: the filters of GET requests, checked and applied."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.needs.open311.formats import Open311Error
from models import Category, Municipality, Need, NeedStatus
from models.need import parse_reference

# The spec's default and largest window: 90 days, at most 1,000 requests, newest first.
SPAN = timedelta(days=90)
LIMIT = 1000
OPEN = [status for status in NeedStatus if status.is_open]
CLOSED = [status for status in NeedStatus if not status.is_open]


@dataclass(frozen=True)
class RequestFilter:
    """What GET requests asked for; `ids` overrides every other filter, as the spec says."""

    ids: list[int] | None = None
    service_codes: list[str] | None = None
    start: datetime | None = None
    end: datetime | None = None
    statuses: list[NeedStatus] | None = None
    jurisdiction: str | None = None


def request_id(text: str) -> int | None:
    """The need id in a service_request_id: our N-000123, or the bare number 123."""
    text = text.strip()
    if text.isascii() and text.isdigit() and 0 < len(text) <= 9:
        return int(text)
    return parse_reference(text)


def _listed(value: str | None) -> list[str]:
    return [part.strip() for part in (value or "").split(",") if part.strip()]


def parse_datetime(text: str, name: str) -> datetime:
    """An ISO 8601 time; without a zone it is taken as UTC. A '+' sent unencoded arrives as a
    space, so a space before the offset is read as '+'."""
    cleaned = text.strip()
    if " " in cleaned:
        date, _, rest = cleaned.rpartition(" ")
        cleaned = f"{date}+{rest}" if "T" in date else cleaned
    try:
        moment = datetime.fromisoformat(cleaned)
    except ValueError:
        raise Open311Error(400, f"{name} is not an ISO 8601 time: {text!r}") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def parse_filter(params: Mapping[str, str], now: datetime) -> RequestFilter:
    """The filters of GET requests from its query parameters; a malformed one is a 400."""
    if params.get("service_request_id"):
        ids = []
        for text in _listed(params["service_request_id"]):
            number = request_id(text)
            if number is None:
                raise Open311Error(400, f"service_request_id {text!r} is not a request id")
            ids.append(number)
        return RequestFilter(ids=ids)
    start = parse_datetime(params["start_date"], "start_date") if params.get("start_date") else None
    end = parse_datetime(params["end_date"], "end_date") if params.get("end_date") else None
    if start is None and end is None:
        end = now
    if start is None:
        start = end - SPAN
    if end is None:
        end = start + SPAN
    if end < start:
        raise Open311Error(400, "end_date is before start_date")
    if end - start > SPAN:
        raise Open311Error(400, "start_date and end_date may not span more than 90 days")
    statuses: list[NeedStatus] | None = None
    if params.get("status"):
        statuses = []
        for word in _listed(params["status"]):
            if word not in ("open", "closed"):
                raise Open311Error(400, f"status must be open or closed, not {word!r}")
            statuses += OPEN if word == "open" else CLOSED
    return RequestFilter(
        service_codes=_listed(params.get("service_code")) or None,
        start=start,
        end=end,
        statuses=statuses,
        jurisdiction=params.get("jurisdiction_id") or None,
    )


async def categories(session: AsyncSession) -> Sequence[Category]:
    """Every need category, in the order the bot lists them."""
    return (await session.scalars(select(Category).order_by(Category.position, Category.id))).all()


async def category_by_code(session: AsyncSession, code: str) -> Category:
    """The category with this service_code; unknown codes are a 400, as the spec asks."""
    found = await session.scalar(select(Category).where(Category.code == code))
    if found is None:
        raise Open311Error(400, f"unknown service_code {code!r}")
    return found


async def jurisdiction(session: AsyncSession, code: str) -> Municipality:
    """The municipality whose code is this jurisdiction_id; unknown codes are a 400."""
    found = await session.scalar(select(Municipality).where(Municipality.code == code.upper()))
    if found is None:
        raise Open311Error(400, f"unknown jurisdiction_id {code!r}: use a municipality code")
    return found


async def find_requests(
    session: AsyncSession, wanted: RequestFilter
) -> list[tuple[Need, Category, Municipality]]:
    """The needs `wanted` selects, newest first, at most LIMIT."""
    query = (
        select(Need, Category, Municipality)
        .join(Category, Category.id == Need.category_id)
        .join(Municipality, Municipality.id == Need.municipality_id)
        .order_by(Need.created_at.desc(), Need.id.desc())
        .limit(LIMIT)
    )
    if wanted.ids is not None:
        query = query.where(Need.id.in_(wanted.ids))
    else:
        if wanted.service_codes:
            for code in wanted.service_codes:
                await category_by_code(session, code)
            query = query.where(Category.code.in_(wanted.service_codes))
        if wanted.jurisdiction:
            place = await jurisdiction(session, wanted.jurisdiction)
            query = query.where(Need.municipality_id == place.id)
        if wanted.start is not None:
            query = query.where(Need.created_at >= wanted.start)
        if wanted.end is not None:
            query = query.where(Need.created_at <= wanted.end)
        if wanted.statuses is not None:
            query = query.where(Need.status.in_(wanted.statuses))
    rows = await session.execute(query)
    return [(need, category, place) for need, category, place in rows.all()]
