"""“I received a service”: enrolment by the service's join code, in the chat."""

from __future__ import annotations

from sqlalchemy import func, select

from models import AuditEvent, Beneficiary
from tests.factories import onboard
from tests.handlers.surveys.test_services import create_delivered_service


async def test_a_resident_joins_once_and_a_wrong_code_is_refused(app, chat) -> None:
    service = await create_delivered_service(app)
    resident = chat("resident")
    await onboard(resident)
    await resident.choose("I received a service")
    assert "Write the code of the service you received" in resident.screen
    await resident.say("ABC")
    assert "No service has this code. Please check it and try again." in resident.screen
    await resident.say(" ".join(service.join_code))  # spaces do not matter
    assert "Thank you! You are registered for “Home care”." in resident.screen
    assert "Main menu" in resident.screen  # no survey out yet: back to the menu
    await resident.choose("I received a service")
    await resident.say(service.join_code)
    assert "You are already registered for “Home care”." in resident.screen
    async with app.sessions() as session:
        enrolled = await session.scalar(select(func.count()).select_from(Beneficiary))
        refused = await session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "join_service", AuditEvent.outcome == "refused")
        )
    assert (enrolled, refused) == (1, 1)


async def test_without_consent_there_is_no_enrolment(app, chat) -> None:
    await create_delivered_service(app)
    refuser = chat("refuser")
    await onboard(refuser, consent=False)
    assert "I received a service" not in refuser.screen
    await refuser.say("I received a service")
    assert "Please choose one of the options." in refuser.screen
