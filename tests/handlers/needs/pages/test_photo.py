"""A need's photo in the workspace: staff open it (fetched from Telegram, without its metadata)
and mark it public or not; none is public until marked, and only staff of its municipality may."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator

import pytest
from PIL import Image
from sqlalchemy import select, update

from models import AuditEvent, Need
from tests.factories import ELSEWHERE, create_need, create_resident
from tests.fakes.telegram_api import FakeTelegram
from tests.photos import EXIF_MAKE, jpeg_with_exif
from tests.workspace import browser, create_member, sign_in, workspace_app

TOKEN = "123456:TEST-token"


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    server = FakeTelegram()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def app(database, fake):
    return await workspace_app(database, telegram_bot_token=TOKEN, telegram_api_url=fake.base_url)


async def _need_with_photo(app, fake: FakeTelegram) -> Need:
    need = await create_need(app, await create_resident(app, "res"), description="Roof")
    fake.files["photos/file-1.jpg"] = jpeg_with_exif()
    async with app.sessions() as session, session.begin():
        await session.execute(update(Need).where(Need.id == need.id).values(photo_ref="file-1"))
    return need


async def _public(app, need: Need) -> bool:
    async with app.sessions() as session:
        return (await session.get(Need, need.id)).photo_public


async def test_staff_look_at_the_photo_then_mark_it_public_and_back(app, fake) -> None:
    need = await _need_with_photo(app, fake)
    clerk = await create_member(app, "clerk")
    async with browser(app) as client:
        csrf = await sign_in(client, app, clerk)
        page = (await client.get(f"/staff/needs/{need.id}")).text
        assert "Not shown on the public page" in page and not await _public(app, need)
        photo = await client.get(f"/staff/needs/{need.id}/photo.jpg")
        assert photo.status_code == 200 and photo.headers["content-type"] == "image/jpeg"
        with Image.open(io.BytesIO(photo.content)) as image:
            assert max(image.size) == 1280  # scaled for a phone
            assert not image.getexif()
        assert EXIF_MAKE.encode() not in photo.content

        forged = await client.post(f"/staff/needs/{need.id}/photo", data={"public": "1"})
        assert forged.status_code == 403 and not await _public(app, need)  # no CSRF token
        shown = await client.post(
            f"/staff/needs/{need.id}/photo", data={"csrf": csrf, "public": "1"}
        )
        assert shown.status_code == 303 and await _public(app, need)
        page = (await client.get(f"/staff/needs/{need.id}")).text
        assert f"The photo is now shown on the public page of {need.reference}." in page
        assert "Take it off the public page" in page
        await client.post(f"/staff/needs/{need.id}/photo", data={"csrf": csrf, "public": "0"})
        assert not await _public(app, need)
    async with app.sessions() as session:
        details = " | ".join((await session.scalars(select(AuditEvent.detail))).all())
    assert f"need={need.id} photo=public" in details and f"need={need.id} photo=private" in details


async def test_other_municipalities_staff_and_needs_without_a_photo_are_refused(app, fake) -> None:
    need = await _need_with_photo(app, fake)
    bare = await create_need(app, None, description="No photo here")
    stranger = await create_member(app, "stranger", code=ELSEWHERE)
    async with browser(app) as client:
        csrf = await sign_in(client, app, stranger)
        refused = await client.post(
            f"/staff/needs/{need.id}/photo", data={"csrf": csrf, "public": "1"}
        )
        assert refused.status_code == 403
        assert (await client.get(f"/staff/needs/{need.id}/photo.jpg")).status_code == 403
    assert not await _public(app, need)
    clerk = await create_member(app, "clerk")
    async with browser(app) as client:
        csrf = await sign_in(client, app, clerk)
        none = await client.post(
            f"/staff/needs/{bare.id}/photo", data={"csrf": csrf, "public": "1"}
        )
        assert none.status_code == 422 and "This report has no photo." in none.text
        assert (await client.get(f"/staff/needs/{bare.id}/photo.jpg")).status_code == 404
