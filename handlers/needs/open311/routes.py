"""The GeoReport v2 endpoints under /open311/v2/, each in JSON and XML (by the extension)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import App
from handlers.needs.open311 import serializers
from handlers.needs.open311.formats import (
    DEFAULT_LANGUAGE,
    Open311Error,
    check_format,
    check_printable,
    error_response,
    requested_language,
    respond,
)
from handlers.needs.open311.queries import (
    RequestFilter,
    categories,
    category_by_code,
    find_requests,
    jurisdiction,
    parse_filter,
    request_id,
)
from handlers.needs.open311.submit import (
    check_api_key,
    create_request,
    parse_new_request,
    read_fields,
)
from models import ApiKey
from models.base import utcnow

PREFIX = "/open311/v2"


async def _answer(
    extension: str, produce: Callable[[str], Awaitable[Response]], request: Request
) -> Response:
    """`produce`'s answer in the requested format, or the spec's error list."""
    try:
        fmt = check_format(extension)
        check_printable(request)
        return await produce(fmt)
    except Open311Error as error:
        return error_response(extension, error)


def build_open311_router(app: App) -> APIRouter:
    """The Open311 routes, reading and writing `app`'s database (one router per app)."""
    router = APIRouter(prefix=PREFIX)

    @router.get("/discovery.{extension}")
    async def discovery(extension: str, request: Request) -> Response:
        """Where the API is, its version and formats (the spec's service discovery)."""
        base = app.settings.public_url or str(request.base_url)
        url = base.rstrip("/") + PREFIX

        async def produce(fmt: str) -> Response:
            return respond(fmt, "discovery", serializers.discovery(url))

        return await _answer(extension, produce, request)

    @router.get("/services.{extension}")
    async def services(extension: str, request: Request) -> Response:
        """Every need category as a service, named in the requested language."""
        language = requested_language(request) or DEFAULT_LANGUAGE

        async def produce(fmt: str) -> Response:
            async with app.sessions() as session:
                await _check_jurisdiction(session, request)
                found = await categories(session)
            items = [serializers.service(category, language) for category in found]
            return respond(fmt, "services", items, "service")

        return await _answer(extension, produce, request)

    @router.get("/services/{service_code}.{extension}")
    async def service_definition(extension: str, service_code: str, request: Request) -> Response:
        """A service's definition (no extra attributes)."""

        async def produce(fmt: str) -> Response:
            async with app.sessions() as session:
                await _check_jurisdiction(session, request)
                category = await category_by_code(session, service_code)
            definition = serializers.service_definition(category)
            return respond(fmt, "service_definition", definition)

        return await _answer(extension, produce, request)

    @router.get("/requests.{extension}")
    async def list_requests(extension: str, request: Request) -> Response:
        """Needs, newest first: the last 90 days and 1,000 at most unless filtered otherwise."""
        language = requested_language(request) or DEFAULT_LANGUAGE

        async def produce(fmt: str) -> Response:
            wanted = parse_filter(request.query_params, utcnow())
            return await _requests(fmt, wanted, language)

        return await _answer(extension, produce, request)

    @router.get("/requests/{service_request_id}.{extension}")
    async def one_request(extension: str, service_request_id: str, request: Request) -> Response:
        """One need by its reference (N-000123) or number, as a list of one."""
        language = requested_language(request) or DEFAULT_LANGUAGE

        async def produce(fmt: str) -> Response:
            need_id = request_id(service_request_id)
            if need_id is None:
                raise Open311Error(404, f"no service request {service_request_id!r}")
            return await _requests(fmt, RequestFilter(ids=[need_id]), language, one=True)

        return await _answer(extension, produce, request)

    @router.post("/requests.{extension}")
    async def post_request(extension: str, request: Request) -> Response:
        """A need from an outside app with an api_key; answered with its id and a notice."""
        language = requested_language(request) or DEFAULT_LANGUAGE

        async def produce(fmt: str) -> Response:
            fields = await read_fields(request)
            async with app.sessions() as session:
                # its own transaction, so the audit of a revoked key's use is kept
                async with session.begin():
                    key, refused = await _authorize(session, fields.get("api_key", ""))
                if key is None:
                    raise refused or Open311Error(403, "api_key is not valid")
                wanted = parse_new_request(fields)
                async with session.begin():
                    need, notice = await create_request(session, key, wanted, language)
            answer = [serializers.created_request(need, notice)]
            return respond(fmt, "service_requests", answer, "request")

        return await _answer(extension, produce, request)

    @router.api_route("/{anything:path}", methods=["GET", "POST"])
    async def not_found(anything: str) -> Response:
        """Anything else under the prefix: the spec's 404, as XML when .xml was asked for."""
        extension = anything.rpartition(".")[2] if "." in anything else "json"
        return error_response(extension, Open311Error(404, f"no resource {PREFIX}/{anything}"))

    async def _requests(
        fmt: str, wanted: RequestFilter, language: str, one: bool = False
    ) -> Response:
        async with app.sessions() as session:
            rows = await find_requests(session, wanted)
        if one and not rows:
            raise Open311Error(404, "no such service request")
        items = [serializers.service_request(*row, language) for row in rows]
        return respond(fmt, "service_requests", items, "request")

    return router


async def _check_jurisdiction(session: AsyncSession, request: Request) -> None:
    """A jurisdiction_id, when given, must be a municipality code (services are the same in all)."""
    if request.query_params.get("jurisdiction_id"):
        await jurisdiction(session, request.query_params["jurisdiction_id"])


async def _authorize(
    session: AsyncSession, given: str
) -> tuple[ApiKey | None, Open311Error | None]:
    """The request's API key, or the 403 to answer with once the transaction is committed."""
    try:
        return await check_api_key(session, given), None
    except Open311Error as error:
        return None, error
