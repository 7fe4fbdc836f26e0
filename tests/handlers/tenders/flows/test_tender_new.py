"""Staff announce a tender in the bot: the guided questions, their checks, the preview, and
publishing — exactly the subscribed NGO members are alerted, each in their language on their
channel."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.formats import format_number
from handlers.tenders.tenders import open_tenders_for
from models import OrganizationStatus, Person, Role, Tender, TenderReminder, TenderStatus
from models.base import utcnow
from tests.factories import (
    ELSEWHERE,
    HOME,
    ZONE,
    Chat,
    create_invite_code,
    create_resident,
    create_staff,
    onboard,
    shown_time,
    t,
)
from tests.tender_factories import alerts, create_member, create_ngo


def in_days(days: int, hour: int = 18) -> str:
    """A Bishkek time `days` from now, as staff type it."""
    moment = (utcnow() + timedelta(days=days)).astimezone(ZoneInfo(ZONE))
    return moment.replace(hour=hour, minute=0).strftime("%Y-%m-%d %H:%M")


async def fill_in_tender(staff: Chat, title: str = "Home care for the elderly") -> None:
    """Answer every question of a new tender with good answers, up to the preview."""
    await staff.say(title)
    await staff.say("Daily visits to twelve elderly people who live alone in Barpy.")
    await staff.choose("Support for the elderly")
    await staff.say("150 000")
    await staff.say(in_days(10))
    await staff.say("Bring the application to the ayil okmotu, room 5, by hand.")
    await staff.say("https://barpy.kg/tenders/care.pdf")


async def test_staff_publish_and_exactly_the_subscribers_are_alerted(app) -> None:
    ngo = await create_ngo(app, "Umut")
    ky = await create_member(app, "ky-member", ngo, language="ky", channel="telegram")
    ru = await create_member(app, "ru-member", ngo, language="ru", channel="sms")
    uz = await create_member(app, "uz-member", ngo, language="uz")
    await create_member(app, "water-only", ngo, follows=((HOME, "water"),))
    await create_member(app, "elsewhere", ngo, follows=((ELSEWHERE, "elderly"),))
    await create_member(app, "paused", ngo, paused=True)
    pending = await create_ngo(app, "Not yet", status=OrganizationStatus.pending)
    await create_member(app, "pending-member", pending)
    await create_resident(app, "resident")
    staff = await create_staff(app, "officer")

    await staff.choose("Tenders (staff)")
    assert "Tenders, newest first." in staff.screen
    await staff.choose("Announce a new tender")
    assert "Write a short title" in staff.screen
    await staff.say("Home care for the elderly")
    await staff.say("Daily visits to twelve elderly people who live alone in Barpy.")
    await staff.choose("Support for the elderly")
    await staff.say("a lot")
    assert "Write the amount in som as a number" in staff.screen
    await staff.say("-5")
    assert "Write the amount in som as a number" in staff.screen
    await staff.say("150 000")
    await staff.say("2020-01-01 10:00")
    assert "That time has passed." in staff.screen
    await staff.say("next Friday")
    assert "Write the time like 2026-12-01 10:00." in staff.screen
    deadline = in_days(10)
    day, clock = deadline.split()
    await staff.say(".".join(reversed(day.split("-"))) + " " + clock)  # typed day first
    await staff.say("Bring the application to the ayil okmotu, room 5, by hand.")
    await staff.say("barpy dot kg")
    assert "This does not look like a web link." in staff.screen
    await staff.say("ftp://barpy.kg/care.pdf")
    assert "This does not look like a web link." in staff.screen
    await staff.say("https://barpy.kg/tenders/care.pdf")

    assert "Please check the tender:" in staff.screen
    assert "Barpy ayil aimak: Home care for the elderly" in staff.screen
    assert "Budget: 150,000 som" in staff.screen
    assert f"Deadline: {shown_time(deadline)} (Bishkek time)" in staff.screen
    assert "Documents: https://barpy.kg/tenders/care.pdf" in staff.screen
    await staff.choose("Publish now")
    assert "Tender T-000001 is published. 3 NGO members were alerted." in staff.screen

    sent = await alerts(app, "tender_published")
    assert [(a.person_id, a.channel) for a in sent] == [
        (ky.id, "telegram"),
        (ru.id, "sms"),
        (uz.id, "sim"),
    ]
    by_person = {a.person_id: a.body for a in sent}
    for person, language in ((ky, "ky"), (ru, "ru"), (uz, "uz")):
        heading = t(
            language,
            "New tender {ref} of {municipality}: {title}",
            ref="T-000001",
            municipality={"ky": "Барпы айыл аймагы", "ru": "айыльный аймак Барпы"}.get(
                language, "Barpi ayil aymog‘i"
            ),
            title="Home care for the elderly",
        )
        assert by_person[person.id].splitlines()[0] == heading
        assert (
            t(language, "{amount} som", amount=format_number(150000, language))
            in by_person[person.id]
        )
        assert not heading.startswith("New tender")  # really in the member's language

    async with app.sessions() as session:
        tender = await session.scalar(select(Tender))
        reminders = (await session.scalars(select(TenderReminder.days_before))).all()
    assert tender.status == TenderStatus.active and tender.ocid.endswith("-000001")
    assert tender.language == "en" and tender.document_url == "https://barpy.kg/tenders/care.pdf"
    assert sorted(reminders) == [1, 3]


async def test_a_draft_alerts_nobody_and_is_published_later(app) -> None:
    ngo = await create_ngo(app, "Umut")
    member = await create_member(app, "member", ngo)
    staff = await create_staff(app, "officer")

    await staff.choose("Tenders (staff)")
    await staff.choose("Announce a new tender")
    await fill_in_tender(staff)
    await staff.choose("Save as draft")
    assert "Tender T-000001 is saved as a draft. Only staff see it." in staff.screen
    assert await alerts(app) == []

    async with app.sessions() as session:
        assert (await session.get(Tender, 1)).status == TenderStatus.draft
        assert await open_tenders_for(session, await session.get(Person, member.id)) == []

    await staff.choose("Tenders (staff)")
    await staff.choose(
        f"T-000001 · draft · {shown_time(in_days(10))[:10]} · Home care for the elderly"
    )
    assert "T-000001 · draft" in staff.screen
    await staff.choose("Publish")
    assert "Publish tender T-000001?" in staff.screen
    await staff.choose("Yes")
    assert "Tender T-000001 is published. 1 NGO member was alerted." in staff.screen
    assert [a.person_id for a in await alerts(app, "tender_published")] == [member.id]


async def test_discarding_and_leaving_for_the_menu(app) -> None:
    staff = await create_staff(app, "officer")
    await staff.choose("Tenders (staff)")
    await staff.choose("Announce a new tender")
    await staff.say("Home care for the elderly")
    await staff.say("menu")
    await staff.choose("Tenders (staff)")
    await staff.choose("Announce a new tender")
    assert "Let's continue where you left off." in staff.screen
    assert "Describe the service" in staff.screen
    await staff.say("Daily visits to twelve elderly people who live alone in Barpy.")
    await staff.choose("Support for the elderly")
    await staff.say("150000")
    await staff.say(in_days(3))
    await staff.say("Bring the application to the ayil okmotu.")
    await staff.say("0")  # no documents
    assert "Documents:" not in staff.screen
    await staff.choose("Discard it")
    assert "The tender was discarded. Nothing was saved." in staff.screen
    async with app.sessions() as session:
        assert await session.scalar(select(Tender)) is None


async def test_an_admin_chooses_the_municipality(app) -> None:
    ngo = await create_ngo(app, "Talas Care", codes=(ELSEWHERE,))
    far = await create_member(app, "far", ngo, follows=((ELSEWHERE, "elderly"),))
    await create_member(app, "near", ngo)
    admin = Chat(app, "admin")
    await onboard(admin)
    await admin.say(await create_invite_code(app, Role.admin, None))
    await admin.choose("Tenders (staff)")
    await admin.choose("Announce a new tender")
    assert "For which municipality?" in admin.screen
    await admin.say("Pokrovka")
    await fill_in_tender(admin)
    assert "Pokrovka ayil aimak: Home care for the elderly" in admin.screen
    await admin.choose("Publish now")
    assert "1 NGO member was alerted." in admin.screen
    assert [a.person_id for a in await alerts(app)] == [far.id]


async def test_a_resident_does_not_get_the_staff_flows(app) -> None:
    resident = Chat(app, "resident")
    await onboard(resident)
    assert "Tenders (staff)" not in resident.screen
    await resident.say("Tenders (staff)")
    assert "Please choose one of the options." in resident.screen
    from bot.wiring import load

    person = await resident.person()
    flows = load().flow_registry()
    assert not flows["staff_tenders"].allowed(person) and not flows["tender_new"].allowed(person)
    assert not flows["open_tenders"].allowed(person)
