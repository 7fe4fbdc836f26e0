"""A need's public page: moderated text, category, status history with the municipality's
comments (never who), supports, the photo only when marked public, and a link per channel."""

from __future__ import annotations

import io
from urllib.parse import unquote

import pytest
from PIL import Image
from sqlalchemy import update

from handlers.needs.needs import change_status, support_need
from models import Need, NeedStatus, Person
from tests.factories import create_need, create_resident
from tests.handlers.needs.public.conftest import visitor
from tests.photos import EXIF_MAKE, jpeg_with_exif
from tests.workspace import create_member


async def _change(app, staff, need, status, comment) -> None:
    async with app.sessions() as session, session.begin():
        await change_status(
            session,
            await session.get(Person, staff.id),
            await session.get(Need, need.id),
            status,
            comment,
        )


async def _support(app, address: str, need) -> None:
    supporter = await create_resident(app, address)
    async with app.sessions() as session, session.begin():
        await support_need(
            session, await session.get(Person, supporter.id), await session.get(Need, need.id)
        )


async def test_the_page_shows_the_need_its_history_and_how_to_support_it(app) -> None:
    reporter = await create_resident(app, "reporter")
    need = await create_need(app, reporter, description="The school roof leaks over class 3")
    clerk = await create_member(app, "clerk")
    await _change(app, clerk, need, NeedStatus.in_progress, "Builders come on Monday")
    await _support(app, "s1", need)
    await _support(app, "s2", need)
    async with visitor(app) as client:
        page = await client.get(f"/n/{need.reference}")
    assert page.status_code == 200
    html = page.text
    assert "The school roof leaks over class 3" in html
    assert f"{need.reference} · Roads" in html and "in progress" in html
    assert "2 people support it" in html
    assert "The municipality: Builders come on Monday" in html
    assert f"staff member #{clerk.id}" not in html and "clerk" not in html
    assert 'href="/m/JA-SUZAK-BARPY"' in html
    # the link preview says what it is
    assert f'<meta property="og:title" content="{need.reference} · Roads' in html
    assert '<meta property="og:description" content="The school roof leaks' in html
    # one link per channel, each opening the bot at this need
    assert f'href="https://t.me/KeneshBot?start={need.reference}"' in html
    wa = html.split('href="https://wa.me/996700000099?text=', 1)[1].split('"', 1)[0]
    assert unquote(wa) == f"+{need.reference}"
    assert f"send +N{need.id} to +996 700 000 001" in html
    assert f'href="sms:+996700000001?body=%2BN{need.id}"' in html
    assert "<script" not in html and "style=" not in html
    assert "og:image" not in html  # no photo marked public
    async with visitor(app) as client:
        sheet = await client.get(html.split('rel="stylesheet" href="', 1)[1].split('"', 1)[0])
    assert len(page.content) + len(sheet.content) < 100_000  # a village 3G phone's first load


@pytest.mark.parametrize(
    "path", ["/n/N-999999", "/n/N-12", "/n/n-000001", "/n/000001", "/n/N-000001x", "/n/%00"]
)
async def test_unknown_or_malformed_references_are_no_page(app, path) -> None:
    await create_need(app, None)
    async with visitor(app) as client:
        page = await client.get(path)
    assert page.status_code == 404 and "There is no such page" in page.text


async def test_hidden_needs_are_no_page_and_redacted_ones_show_the_redaction(app) -> None:
    hidden = await create_need(app, None, description="Aibek on Lenin street drinks")
    redacted = await create_need(app, None, description="Call Aigul at 0555 123 456 about water")
    async with app.sessions() as session, session.begin():
        await session.execute(update(Need).where(Need.id == hidden.id).values(hidden=True))
        await session.execute(
            update(Need)
            .where(Need.id == redacted.id)
            .values(redacted="Water is needed, call 0555 123 456")
        )
    async with visitor(app) as client:
        gone = await client.get(f"/n/{hidden.reference}")
        shown = await client.get(f"/n/{redacted.reference}")
    assert gone.status_code == 404 and "Aibek" not in gone.text
    assert "Water is needed, call ***" in shown.text and "Aigul" not in shown.text
    assert "123 456" not in shown.text
    assert "The municipality edited this text to take out personal details." in shown.text


async def test_a_photo_shows_only_while_staff_keep_it_public(app, fake) -> None:
    need = await create_need(app, None, description="Broken bridge")
    fake.files["photos/ph-1.jpg"] = jpeg_with_exif()
    async with app.sessions() as session, session.begin():
        await session.execute(update(Need).where(Need.id == need.id).values(photo_ref="ph-1"))
    photo = f"/n/{need.reference}/photo.jpg"
    async with visitor(app) as client:
        assert photo not in (await client.get(f"/n/{need.reference}")).text
        assert (await client.get(photo)).status_code == 404
        async with app.sessions() as session, session.begin():
            await session.execute(update(Need).where(Need.id == need.id).values(photo_public=True))
        shown = (await client.get(f"/n/{need.reference}")).text
        assert f'src="{photo}"' in shown
        assert f'<meta property="og:image" content="http://127.0.0.1:8080{photo}">' in shown
        served = await client.get(photo)
        assert served.status_code == 200 and served.headers["content-type"] == "image/jpeg"
        assert EXIF_MAKE.encode() not in served.content
        with Image.open(io.BytesIO(served.content)) as image:
            assert max(image.size) <= 1280 and not image.getexif()
        async with app.sessions() as session, session.begin():
            await session.execute(update(Need).where(Need.id == need.id).values(photo_public=False))
        assert (await client.get(photo)).status_code == 404  # at once, though it was kept


async def test_a_closed_need_offers_no_support_and_reads_in_russian(app) -> None:
    need = await create_need(app, None, description="Свет на улице")
    clerk = await create_member(app, "clerk")
    await _change(app, clerk, need, NeedStatus.resolved, "Фонари поставлены")
    async with visitor(app, "ru") as client:
        page = await client.get(f"/n/{need.reference}")
    html = page.text
    assert '<html lang="ru">' in html and "Фонари поставлены" in html
    assert "Что было сделано" in html and "Поддержите и Вы" not in html
    assert "t.me/" not in html and "wa.me/" not in html
