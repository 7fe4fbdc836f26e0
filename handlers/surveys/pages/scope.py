"""Which service or survey a page may open: the domain's check (staff their municipality's,
admins any; a refusal recorded and answered 403 whatever the URL), and a 404 page that says
what to do for a number that does not exist."""

from __future__ import annotations

from bot.i18n import N_
from bot.web.desk import Desk, PageProblem
from handlers.surveys.services import ServiceError, service_for_staff
from models import Service, Survey


async def service_in_scope(desk: Desk, service_id: int) -> Service:
    """The service, if the person may manage it."""
    try:
        return await service_for_staff(desk.session, desk.person, service_id)
    except ServiceError:
        raise PageProblem(
            404,
            N_("There is no such service"),
            N_("Check the number, or go back to the list of services."),
        ) from None


async def survey_in_scope(desk: Desk, survey_id: int) -> tuple[Survey, Service]:
    """The survey and its service, if the person may manage the service."""
    survey = await desk.session.get(Survey, survey_id)
    if survey is None:
        raise PageProblem(
            404,
            N_("There is no such survey"),
            N_("Check the number, or open the survey from its service's page."),
        )
    return survey, await service_in_scope(desk, survey.service_id)
