"""A fake Twilio REST API (the Messages resource) on 127.0.0.1 for driving the real twilio client.

Point twilio 9 at it by overriding the ``Api`` domain's base URL::

    client = Client(fake.account_sid, fake.auth_token, http_client=AsyncTwilioHttpClient())
    client.api.base_url = fake.base_url  # "http://127.0.0.1:PORT"

``Client.api`` is created once and cached, and ``Domain.absolute_url`` reads ``base_url`` on every
request, so ``client.messages.create_async(...)`` posts to
``{base_url}/2010-04-01/Accounts/{sid}/Messages.json``. Leave ``edge``/``region`` (and the
``TWILIO_EDGE``/``TWILIO_REGION`` environment variables) unset: with either set, twilio rewrites
the host name as ``product.edge.region.twilio.com`` and the loopback address gets mangled.

Every create request is recorded in ``fake.messages`` (failed ones with ``sid=None``). Failures
are injected with ``fail_next()`` and ``unsubscribe()``; error bodies use Twilio's legacy JSON
shape, which twilio turns into ``TwilioRestException`` with ``.status`` and ``.code`` set.

``FakeTwilio(rate=R)`` limits each sender (``From``, or ``MessagingServiceSid``) to R messages a
second (see ``tests.fakes.limits``); over it a create answers 429 with code 20429. ``fake.stats``
counts sends cheaply (``tests.fakes.stats``) and is served at ``GET /_fake/stats``; with
``lean=True`` messages are not recorded (nor fetchable), for long benchmarks.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from base64 import b64encode
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

from aiohttp import web

from tests.fakes.limits import twilio_limits
from tests.fakes.stats import SendStats, add_control_routes

API_VERSION = "2010-04-01"
UNSUBSCRIBED = (21610, "Attempt to send to unsubscribed recipient")
DEFAULT_ERRORS = {
    400: UNSUBSCRIBED,
    429: (20429, "Too Many Requests"),
    500: (20500, "Internal Server Error"),
    503: (20503, "Service Unavailable"),
}

Error = tuple[int, int, str]  # (HTTP status, Twilio error code, message)


def twilio_error(status: int, code: int, message: str) -> web.Response:
    """A response in Twilio's error JSON shape (parsed by twilio into ``TwilioRestException``)."""
    more_info = f"https://www.twilio.com/docs/errors/{code}"
    body = {"code": code, "message": message, "more_info": more_info, "status": status}
    return web.json_response(body, status=status)


@dataclass
class SentMessage:
    """One recorded create request; ``status`` is the HTTP status returned, ``sid`` None if failed."""

    sid: str | None
    to: str | None
    from_: str | None
    messaging_service_sid: str | None
    body: str | None
    status_callback: str | None
    media_urls: list[str] = field(default_factory=list)
    status: int = 201
    error_code: int | None = None

    @property
    def ok(self) -> bool:
        """Whether Twilio accepted the message."""
        return self.sid is not None


@dataclass
class _Failure:
    """A pending ``fail_next`` injection."""

    to: str | None
    status: int
    code: int
    message: str
    times: int


class FakeTwilio:
    """An aiohttp server speaking enough of Twilio's 2010-04-01 Messages API for the real client.

    ``rate``: messages a second per sender (None: unlimited). ``lean``: keep only ``stats``.
    """

    def __init__(
        self,
        account_sid: str = "AC" + "0123456789abcdef" * 2,
        auth_token: str = "test-auth-token",
        *,
        rate: float | None = None,
        lean: bool = False,
    ) -> None:
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.rate, self.lean = rate, lean
        self.limits = twilio_limits(rate)
        self.stats = SendStats(service="twilio", rate=rate, lean=lean, account_sid=account_sid)
        self.messages: list[SentMessage] = []
        self.resources: dict[str, dict[str, Any]] = {}  # sid -> Message resource JSON
        self._failures: list[_Failure] = []
        self._unsubscribed: set[str] = set()
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        # set to an Event: messages are created (SID given) but answered only once it is set,
        # as when Twilio's status callback outruns its REST answer
        self.answer_when: asyncio.Event | None = None

    async def start(self, port: int = 0) -> None:
        """Serve on 127.0.0.1 on `port` (0: a free one)."""
        app = web.Application()
        prefix = f"/{API_VERSION}/Accounts/{{account_sid}}"
        app.router.add_post(f"{prefix}/Messages.json", self._create)
        app.router.add_get(f"{prefix}/Messages/{{sid}}.json", self._fetch)
        add_control_routes(app, self.stats, self.reset)
        app.router.add_route("*", "/{tail:.*}", self._unknown_route)
        self._runner = web.AppRunner(app, shutdown_timeout=1.0, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", port).start()
        self._port = self._runner.addresses[0][1]

    async def stop(self) -> None:
        """Shut the server down."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``, to assign to ``client.api.base_url``."""
        if self._port is None:
            raise RuntimeError("FakeTwilio is not started")
        return f"http://127.0.0.1:{self._port}"

    # -- failure injection -------------------------------------------------------------------

    def fail_next(
        self,
        *,
        to: str | None = None,
        status: int = 400,
        code: int | None = None,
        message: str | None = None,
        times: int = 1,
    ) -> None:
        """Fail the next `times` sends (to `to`, if given) with a Twilio error.

        `code` and `message` default by `status`: 400 → 21610 "Attempt to send to unsubscribed
        recipient", 429 → 20429 "Too Many Requests", 500 → 20500, 503 → 20503.
        """
        default_code, default_message = DEFAULT_ERRORS.get(status, (status, "Injected failure"))
        code = default_code if code is None else code
        message = default_message if message is None else message
        self._failures.append(_Failure(to, status, code, message, times))

    def unsubscribe(self, number: str) -> None:
        """Make every send to `number` fail with 21610 (HTTP 400) until ``resubscribe``."""
        self._unsubscribed.add(number)

    def resubscribe(self, number: str) -> None:
        """Undo ``unsubscribe(number)``."""
        self._unsubscribed.discard(number)

    # -- inspection --------------------------------------------------------------------------

    @property
    def throttled(self) -> int:
        """How many sends were answered 429 (over the rate limit, or by ``fail_next``)."""
        return self.stats.throttled

    def reset(self) -> None:
        """Forget every send (messages, resources, stats) and refill the rate limits."""
        self.messages.clear()
        self.resources.clear()
        self.stats.reset()
        self.limits = twilio_limits(self.rate)

    def sent_to(self, number: str) -> list[SentMessage]:
        """Successful messages to `number`, oldest first."""
        return [m for m in self.messages if m.ok and m.to == number]

    def bodies(self, number: str) -> list[str]:
        """Bodies of the successful messages to `number`, oldest first."""
        return [m.body or "" for m in self.sent_to(number)]

    async def wait_for(
        self, count: int, to: str | None = None, timeout: float = 10.0
    ) -> list[SentMessage]:
        """Wait for at least `count` successful messages (to `to`, if given); return them."""

        def matching() -> list[SentMessage]:
            return [m for m in self.messages if m.ok and (to is None or m.to == to)]

        deadline = time.monotonic() + timeout
        while len(matching()) < count:
            if time.monotonic() >= deadline:
                recorded = "\n".join(f"  {m}" for m in self.messages) or "  (none)"
                where = f" to {to}" if to is not None else ""
                raise AssertionError(
                    f"expected {count} successful message(s){where} within {timeout}s, "
                    f"got {len(matching())}; recorded:\n{recorded}"
                )
            await asyncio.sleep(0.01)
        return matching()

    # -- handlers ----------------------------------------------------------------------------

    def _check_request(self, request: web.Request) -> Error | None:
        """The 401/404 error for a request with bad credentials or a foreign account, if any."""
        expected = f"{self.account_sid}:{self.auth_token}".encode()
        if request.headers.get("Authorization") != "Basic " + b64encode(expected).decode():
            return 401, 20003, "Authenticate"
        if request.match_info["account_sid"] != self.account_sid:
            return _not_found(request)
        return None

    async def _unknown_route(self, request: web.Request) -> web.Response:
        """Any route the fake does not implement."""
        return twilio_error(*_not_found(request))

    def _take_failure(self, to: str) -> _Failure | None:
        """Consume and return the first injected failure matching `to`, if any."""
        for failure in self._failures:
            if failure.to is None or failure.to == to:
                failure.times -= 1
                if failure.times <= 0:
                    self._failures.remove(failure)
                return failure
        return None

    async def _create(self, request: web.Request) -> web.Response:
        """``POST /2010-04-01/Accounts/{AccountSid}/Messages.json``."""
        form = await request.post()
        record = SentMessage(
            sid=None,
            to=_str(form.get("To")),
            from_=_str(form.get("From")),
            messaging_service_sid=_str(form.get("MessagingServiceSid")),
            body=_str(form.get("Body")),
            status_callback=_str(form.get("StatusCallback")),
            media_urls=[str(url) for url in form.getall("MediaUrl", [])],
        )
        if not self.lean:
            self.messages.append(record)
        error = self._check_request(request) or self._validate(record)
        if error is None and (failure := self._take_failure(record.to or "")) is not None:
            error = failure.status, failure.code, failure.message
        if error is None and self.limits.check(record.from_ or record.messaging_service_sid):
            error = 429, *DEFAULT_ERRORS[429]
        if error is None and record.to in self._unsubscribed:
            error = 400, *UNSUBSCRIBED
        content = record.body, tuple(record.media_urls)
        self.stats.record(error[0] if error else 201, record.to, content)
        if error is not None:
            record.status, record.error_code = error[0], error[1]
            return twilio_error(*error)
        record.sid = "SM" + secrets.token_hex(16)
        resource = self._resource(record)
        if not self.lean:
            self.resources[record.sid] = resource
        if self.answer_when is not None:
            await self.answer_when.wait()
        return web.json_response(resource, status=201)

    @staticmethod
    def _validate(record: SentMessage) -> Error | None:
        """Twilio's 400 error for a create request missing a required parameter, if any."""
        if not record.to:
            return 400, 21604, "A 'To' phone number is required."
        if not record.body and not record.media_urls:
            return 400, 21602, "Message body is required."
        if not record.from_ and not record.messaging_service_sid:
            return 400, 21603, "A 'From' phone number is required."
        return None

    async def _fetch(self, request: web.Request) -> web.Response:
        """``GET /2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json``."""
        error = self._check_request(request)
        resource = self.resources.get(request.match_info["sid"])
        if error is None and resource is None:
            error = _not_found(request)
        return twilio_error(*error) if error is not None else web.json_response(resource)

    def _resource(self, record: SentMessage) -> dict[str, Any]:
        """The Message resource JSON Twilio returns for a freshly queued message."""
        now = format_datetime(datetime.now(UTC))
        uri = f"/{API_VERSION}/Accounts/{self.account_sid}/Messages/{record.sid}"
        return {
            "account_sid": self.account_sid,
            "api_version": API_VERSION,
            "body": record.body or "",
            "date_created": now,
            "date_sent": None,
            "date_updated": now,
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            "from": record.from_,
            "messaging_service_sid": record.messaging_service_sid,
            "num_media": str(len(record.media_urls)),
            "num_segments": "1",
            "price": None,
            "price_unit": "USD",
            "sid": record.sid,
            "status": "queued",
            "subresource_uris": {"media": f"{uri}/Media.json"},
            "to": record.to,
            "uri": f"{uri}.json",
        }


def _not_found(request: web.Request) -> Error:
    """Twilio's 20404 error for `request`'s path."""
    return 404, 20404, f"The requested resource {request.path} was not found"


def _str(value: object) -> str | None:
    """A form value as text (None when absent)."""
    return None if value is None else str(value)
