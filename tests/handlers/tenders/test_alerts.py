"""Tender alerts: each subscriber's language and channel; on SMS short enough to be cheap and
always deliverable, on other channels in full."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from bot.channels.sms.segments import count_segments, to_gsm
from bot.formats import format_time
from bot.settings import LANGUAGES
from handlers.tenders import tenders
from handlers.tenders.alerts import Change, capabilities_of, render
from models import Municipality, Organization, Tender
from tests.factories import ZONE
from tests.tender_factories import alerts, create_member, create_ngo, create_tender_for

LONG = "Daily visits to elderly people who live alone, with meals and medicine. " * 40


async def long_tender(app) -> Tender:
    tender = await create_tender_for(
        app, title="Home care " + "for the elderly and people with disabilities " * 6
    )
    async with app.sessions() as session, session.begin():
        await session.execute(
            update(Tender)
            .where(Tender.id == tender.id)
            .values(
                description=LONG,
                how_to_apply="Bring the application, the charter and a budget " * 8,
                document_url="https://barpy.kg/tenders/2026/home-care/terms-of-reference.pdf",
                cancel_reason="The council moved the money to the school roof. " * 10,
            )
        )
    return tender


async def test_sms_subscribers_get_a_short_alert_others_the_full_text(app) -> None:
    ngo = await create_ngo(app, "Umut")
    by_sms = await create_member(app, "sms", ngo, language="ru", channel="sms")
    by_telegram = await create_member(app, "tg", ngo, language="ru", channel="telegram")
    await long_tender(app)  # published with the short texts; now changed to long ones
    async with app.sessions() as session, session.begin():
        tender = await session.get(Tender, 1)
        assert (
            await tenders.update(session, None, tender, {"budget": tender.budget + 1}, zone=ZONE)
            == 2
        )
    sent = {a.person_id: a for a in await alerts(app, "tender_updated")}
    short, full = sent[by_sms.id], sent[by_telegram.id]
    assert (short.channel, full.channel) == ("sms", "telegram")
    assert count_segments(to_gsm(short.body)).count <= 3
    assert short.body.startswith("Тендер T-000001 (айыльный аймак Барпы) изменён: Home care")
    assert "Приём заявок до " in short.body and "Бюджет: 150\u00a0001 сом" in short.body
    assert LONG.strip() in full.body and "Подробно:" in full.body


@pytest.mark.parametrize("language", LANGUAGES)
async def test_every_alert_fits_three_sms_segments(app, language: str) -> None:
    tender = await long_tender(app)
    async with app.sessions() as session, session.begin():
        winner = Organization(
            name="Umut",
            inn="12345678901234",
            contact_name="A",
            contact_phone="+996555000000",
        )
        session.add(winner)
        await session.flush()
        tender = await session.get(Tender, tender.id)
        tender.awarded_organization_id = winner.id
        for change in Change:
            text = await render(
                session, tender, change, language, 3, capabilities_of("sms"), zone=ZONE
            )
            assert count_segments(to_gsm(text)).count <= 3, (change, text)
            assert tender.reference in text
            full = await render(
                session, tender, change, language, 3, capabilities_of("telegram"), zone=ZONE
            )
            assert len(full) >= len(text)


async def test_a_deadline_reminder_on_sms_keeps_the_deadline(app) -> None:
    await long_tender(app)
    async with app.sessions() as session:
        tender = await session.get(Tender, 1)
        text = await render(
            session, tender, Change.reminder, "ky", 1, capabilities_of("sms"), zone=ZONE
        )
    assert "Эскертүү: T-000001 тендерине арыз кабыл алуу 1 күндөн кийин бүтөт" in text
    assert "Акыркы мөөнөт: " in text
    assert tender.deadline - timedelta(days=20) < tender.deadline  # a real tender


async def test_an_alert_names_places_and_times_as_everything_else_does(app) -> None:
    tender = await create_tender_for(app)
    async with app.sessions() as session, session.begin():
        tender = await session.get(Tender, tender.id)
        place = await session.get(Municipality, tender.municipality_id)
        place.name_uz = None  # no Uzbek name written: the Kyrgyz one, as everywhere else
        uzbek = await render(session, tender, Change.published, "uz", zone=ZONE)
        assert place.name_ky in uzbek and place.name_ru not in uzbek
        bishkek = await render(session, tender, Change.published, "en", zone="Asia/Bishkek")
        tashkent = await render(session, tender, Change.published, "en", zone="Asia/Tashkent")
    assert format_time(tender.deadline, "Asia/Bishkek", "en") in bishkek
    assert (
        format_time(tender.deadline, "Asia/Tashkent", "en") in tashkent
    )  # TIMEZONE, not a fixed zone
    assert format_time(tender.deadline, "Asia/Tashkent", "en") not in bishkek
