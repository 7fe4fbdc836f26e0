"""Reports (staff) in the simulator: staff get their municipality's chart, spreadsheet and
summary; admins any municipality or all; residents never see the flow."""

from __future__ import annotations

from sqlalchemy import select

from models import AuditEvent, Role
from tests.factories import ELSEWHERE, Chat, create_invite_code, create_staff, onboard
from tests.handlers.reports.world import create_world

MARCH_FILES = "kenesh-needs-2026-03-01_2026-03-31"


async def ask_for_march(chat: Chat, report: str = "Needs by category and status") -> None:
    await chat.choose("Reports (staff)")
    await chat.choose(report)
    await chat.choose("Other dates")
    await chat.say("2026-03-01")
    await chat.say("31.03.2026")  # day first works too


async def test_staff_get_their_municipalitys_needs_report(app) -> None:
    await create_world(app)
    staff = await create_staff(app, "staff-home")
    await ask_for_march(staff)
    screen = staff.screen
    assert "Barpy ayil aimak, 01/03/2026 – 31/03/2026: 6 needs reported, 4 supports." in screen
    assert f"[file: {MARCH_FILES}.png]" in screen
    assert f"[file: {MARCH_FILES}.xlsx]" in screen
    assert "Main menu" in screen  # and back home


async def test_custom_dates_are_checked(app) -> None:
    staff = await create_staff(app, "staff-dates")
    await staff.choose("Reports (staff)")
    await staff.choose("Tenders and their outcomes")
    await staff.choose("Other dates")
    await staff.say("March")
    assert "Write the date like 2026-05-31." in staff.screen
    await staff.say("2026-03-10")
    await staff.say("2026-03-01")
    assert "The end cannot be before the start, 2026-03-10." in staff.screen
    await staff.say("2999-01-01")
    assert "That day has not come yet." in staff.screen
    await staff.say("2026-03-31")
    assert "no tenders." in staff.screen  # nothing in this empty world: no files either
    assert "[file:" not in staff.screen


async def test_admins_choose_one_municipality_or_all(app) -> None:
    await create_world(app)
    admin = Chat(app, "admin")
    await onboard(admin)
    await admin.say(await create_invite_code(app, Role.admin, None))

    await ask_for_march(admin)
    await admin.choose("All municipalities")
    assert "All municipalities, 01/03/2026 – 31/03/2026: 7 needs reported" in admin.screen
    assert f"[file: {MARCH_FILES}.xlsx]" in admin.screen

    await ask_for_march(admin, "Tenders and their outcomes")
    await admin.choose("One municipality")
    await admin.say("Pokrovka")
    assert (
        "Pokrovka ayil aimak, 01/03/2026 – 31/03/2026: 1 tender with a budget of 70,000 som."
        in admin.screen
    )


async def test_survey_results_of_a_service(app) -> None:
    await create_world(app)
    staff = await create_staff(app, "staff-survey")
    await staff.choose("Reports (staff)")
    await staff.choose("Survey results")
    await staff.choose("Home care")
    assert "Home care: 3 of 5 invited people answered, response rate 60%." in staff.screen
    assert "[file: kenesh-survey-" in staff.screen


async def test_no_survey_no_results(app) -> None:
    await create_world(app)
    staff = await create_staff(app, "staff-far", code=ELSEWHERE)  # Meals on wheels: no survey
    await staff.choose("Reports (staff)")
    await staff.choose("Survey results")
    assert "No survey has been sent there yet" in staff.screen


async def test_residents_do_not_get_the_flow(app) -> None:
    resident = Chat(app, "resident")
    await onboard(resident)
    assert "Reports (staff)" not in resident.screen
    await resident.say("Reports (staff)")
    assert "Please choose one of the options." in resident.screen
    async with app.sessions() as session:
        assert (
            await session.scalar(select(AuditEvent).where(AuditEvent.action.like("report%")))
            is None
        )
