"""The fake Twilio REST API, driven by the real twilio client."""

from __future__ import annotations

import asyncio
from base64 import b64encode
from collections.abc import AsyncIterator

import aiohttp
import pytest
from twilio.base.exceptions import TwilioRestException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.rest import Client

from tests.fakes.twilio_api import FakeTwilio

TO = "+996555123456"
OTHER = "+996555000111"
FROM = "+996700000000"
SERVICE = "MG" + "ab" * 16
CALLBACK = "https://public.example/sms/twilio/status"


@pytest.fixture
async def fake() -> AsyncIterator[FakeTwilio]:
    server = FakeTwilio()
    await server.start()
    yield server
    await server.stop()


async def make_client(fake: FakeTwilio, **kwargs: str) -> tuple[Client, AsyncTwilioHttpClient]:
    """A real twilio client pointed at `fake` (credentials overridable)."""
    http = AsyncTwilioHttpClient()
    username = kwargs.pop("username", fake.account_sid)
    password = kwargs.pop("password", fake.auth_token)
    client = Client(username, password, http_client=http, **kwargs)
    client.api.base_url = fake.base_url
    return client, http


@pytest.fixture
async def client(fake: FakeTwilio) -> AsyncIterator[Client]:
    client, http = await make_client(fake)
    yield client
    await http.close()


async def test_send_with_from(fake: FakeTwilio, client: Client) -> None:
    message = await client.messages.create_async(
        to=TO, from_=FROM, body="Салам", status_callback=CALLBACK
    )
    assert message.sid.startswith("SM") and len(message.sid) == 34
    assert (message.to, message.from_, message.body) == (TO, FROM, "Салам")
    assert (message.status, message.num_segments, message.error_code) == ("queued", "1", None)
    assert message.direction == "outbound-api" and message.date_created is not None
    assert message.account_sid == fake.account_sid
    [sent] = fake.messages
    assert sent.sid == message.sid and sent.status == 201 and sent.error_code is None
    assert (sent.to, sent.from_, sent.messaging_service_sid) == (TO, FROM, None)
    assert (sent.body, sent.status_callback, sent.media_urls) == ("Салам", CALLBACK, [])
    assert fake.sent_to(TO) == [sent] and fake.bodies(TO) == ["Салам"]


async def test_send_with_messaging_service_and_media(fake: FakeTwilio, client: Client) -> None:
    urls = ["https://public.example/a.jpg", "https://public.example/b.png"]
    message = await client.messages.create_async(
        to=TO, messaging_service_sid=SERVICE, body="pics", media_url=urls
    )
    assert message.sid.startswith("SM") and message.messaging_service_sid == SERVICE
    assert message.num_media == "2" and message.from_ is None
    [sent] = fake.messages
    assert (sent.from_, sent.messaging_service_sid, sent.media_urls) == (None, SERVICE, urls)
    media_only = await client.messages.create_async(to=TO, from_=FROM, media_url=urls[0])
    assert fake.messages[-1].media_urls == urls[:1] and media_only.body == ""


async def test_fetch_message(fake: FakeTwilio, client: Client) -> None:
    created = await client.messages.create_async(to=TO, from_=FROM, body="hi")
    fetched = await client.messages(created.sid).fetch_async()
    assert (fetched.sid, fetched.body, fetched.to) == (created.sid, "hi", TO)
    with pytest.raises(TwilioRestException) as error:
        await client.messages("SM" + "0" * 32).fetch_async()
    assert (error.value.status, error.value.code) == (404, 20404)


async def test_fail_next_unsubscribed(fake: FakeTwilio, client: Client) -> None:
    fake.fail_next(code=21610)
    with pytest.raises(TwilioRestException) as error:
        await client.messages.create_async(to=TO, from_=FROM, body="one")
    assert (error.value.status, error.value.code) == (400, 21610)
    assert "unsubscribed" in error.value.msg
    await client.messages.create_async(to=TO, from_=FROM, body="two")
    failed, sent = fake.messages
    assert (failed.sid, failed.status, failed.error_code, failed.body) == (None, 400, 21610, "one")
    assert fake.bodies(TO) == ["two"] and sent.ok


async def test_fail_next_filters_by_number_and_counts(fake: FakeTwilio, client: Client) -> None:
    fake.fail_next(to=OTHER, status=429, times=2)
    fake.fail_next(status=500)
    with pytest.raises(TwilioRestException) as error:  # the 429s are only for OTHER
        await client.messages.create_async(to=TO, from_=FROM, body="a")
    assert (error.value.status, error.value.code) == (500, 20500)
    codes = []
    for _ in range(3):
        try:
            await client.messages.create_async(to=OTHER, from_=FROM, body="b")
        except TwilioRestException as error:
            codes.append((error.status, error.code))
    assert codes == [(429, 20429), (429, 20429)]
    assert fake.bodies(OTHER) == ["b"] and fake.bodies(TO) == []
    assert fake.messages[0].error_code == 20500 and fake.messages[0].status == 500


async def test_unsubscribe_until_resubscribe(fake: FakeTwilio, client: Client) -> None:
    fake.unsubscribe(TO)
    for _ in range(2):
        with pytest.raises(TwilioRestException) as error:
            await client.messages.create_async(to=TO, from_=FROM, body="x")
        assert (error.value.status, error.value.code) == (400, 21610)
    await client.messages.create_async(to=OTHER, from_=FROM, body="other")
    fake.resubscribe(TO)
    await client.messages.create_async(to=TO, from_=FROM, body="back")
    assert fake.bodies(TO) == ["back"] and fake.bodies(OTHER) == ["other"]


async def test_validation_errors(fake: FakeTwilio, client: Client) -> None:
    cases = [
        ({"to": TO, "from_": FROM}, 21602),
        ({"to": TO, "body": "no sender"}, 21603),
    ]
    for kwargs, code in cases:
        with pytest.raises(TwilioRestException) as error:
            await client.messages.create_async(**kwargs)
        assert (error.value.status, error.value.code) == (400, code)
    credentials = b64encode(f"{fake.account_sid}:{fake.auth_token}".encode()).decode()
    headers = {"Authorization": f"Basic {credentials}"}
    url = f"{fake.base_url}/2010-04-01/Accounts/{fake.account_sid}/Messages.json"
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data={"From": FROM, "Body": "x"}, headers=headers) as response,
    ):
        assert response.status == 400 and (await response.json())["code"] == 21604
    assert [m.error_code for m in fake.messages] == [21602, 21603, 21604]
    assert fake.sent_to(TO) == []


async def test_wrong_credentials_and_account(fake: FakeTwilio) -> None:
    client, http = await make_client(fake, password="wrong-token")
    with pytest.raises(TwilioRestException) as error:
        await client.messages.create_async(to=TO, from_=FROM, body="x")
    assert (error.value.status, error.value.code) == (401, 20003)
    await http.close()
    client, http = await make_client(fake, account_sid="AC" + "f" * 32)
    with pytest.raises(TwilioRestException) as error:
        await client.messages.create_async(to=TO, from_=FROM, body="x")
    assert (error.value.status, error.value.code) == (404, 20404)
    await http.close()
    assert [m.status for m in fake.messages] == [401, 404] and fake.sent_to(TO) == []


async def test_wait_for(fake: FakeTwilio, client: Client) -> None:
    async def send_later() -> None:
        await asyncio.sleep(0.05)
        await client.messages.create_async(to=OTHER, from_=FROM, body="1")
        await client.messages.create_async(to=TO, from_=FROM, body="2")

    task = asyncio.create_task(send_later())
    [message] = await fake.wait_for(1, to=TO, timeout=5)
    assert message.body == "2" and len(await fake.wait_for(2)) == 2
    await task
    with pytest.raises(AssertionError, match="expected 2 successful message"):
        await fake.wait_for(2, to=TO, timeout=0.05)


async def test_rate_limit_per_sender_answers_20429() -> None:
    fake = FakeTwilio(rate=2)
    await fake.start()
    client, http = await make_client(fake)
    try:
        codes = []
        for _ in range(2 + 3):  # rate + 3, from one number
            try:
                await client.messages.create_async(to=TO, from_=FROM, body="news")
                codes.append(None)
            except TwilioRestException as error:
                codes.append((error.status, error.code))
        assert codes[:2] == [None, None] and (429, 20429) in codes[2:]
        assert fake.throttled == codes.count((429, 20429)) == fake.stats.throttled
        throttled = [message for message in fake.messages if message.status == 429]
        assert all(message.error_code == 20429 and not message.ok for message in throttled)
        # Another sender has its own bucket.
        await client.messages.create_async(to=TO, messaging_service_sid=SERVICE, body="news")
        await asyncio.sleep(1)
        await client.messages.create_async(to=TO, from_=FROM, body="later")
        assert fake.stats.ok == codes.count(None) + 2 == len(fake.sent_to(TO))
        assert fake.stats.duplicates == fake.stats.ok - 2  # "news" again, to the same number
    finally:
        await http.close()
        await fake.stop()


async def test_lean_mode_keeps_only_stats() -> None:
    lean = FakeTwilio(lean=True)
    await lean.start()
    client, http = await make_client(lean)
    try:
        sent = await client.messages.create_async(to=TO, from_=FROM, body="hi")
        with pytest.raises(TwilioRestException) as error:  # not kept, so not fetchable
            await client.messages(sent.sid).fetch_async()
        assert error.value.status == 404
        assert lean.messages == [] and lean.resources == {}
        assert (lean.stats.ok, lean.stats.recipients) == (1, 1)
        lean.reset()
        assert lean.stats.ok == 0
    finally:
        await http.close()
        await lean.stop()
