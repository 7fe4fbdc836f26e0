"""“I received a service”: a beneficiary sends the service's join code and is enrolled; if a
survey about it is already out, it starts right away."""

from __future__ import annotations

from typing import Any

from bot.conversation.context import Context
from bot.conversation.flow import Flow
from bot.conversation.messages import Inbound
from bot.conversation.steps import Ask, Invalid
from bot.i18n import N_
from handlers.surveys.flows.survey import SURVEY_FLOW
from handlers.surveys.services import join_service
from handlers.surveys.surveys import invite_to_open_surveys, open_invitation
from models import ConsentStatus, Person, Service

MENU_ITEM = N_("I received a service")


class AskJoinCode(Ask):
    """The code the NGO gave out; an unknown code is refused and may be typed again."""

    async def accept(self, ctx: Context, message: Inbound) -> Any:
        text = await super().accept(ctx, message)
        joined = await join_service(ctx.session, ctx.person, text)
        if joined is None:
            raise Invalid(ctx.t(N_("No service has this code. Please check it and try again.")))
        service, added = joined
        ctx.answers["added"] = added
        return service.id


async def _finish(ctx: Context) -> str | None:
    service = await ctx.session.get(Service, ctx.answers["code"])
    if service is None:
        return None
    if ctx.answers.get("added"):
        ctx.say(
            ctx.t(
                N_(
                    "Thank you! You are registered for “{title}”. We may ask you a few questions about it."
                ),
                title=service.title,
            )
        )
    else:
        ctx.say(ctx.t(N_("You are already registered for “{title}”."), title=service.title))
    await invite_to_open_surveys(ctx.session, service, ctx.person)
    if await open_invitation(ctx.session, ctx.person.id):
        return SURVEY_FLOW  # a survey about it is already out: it starts now
    return None


def may_join(person: Person) -> bool:
    """Residents who gave consent (the enrolment is personal data) and everyone above them."""
    return person.consent == ConsentStatus.given or person.is_staff


def build() -> Flow:
    """A beneficiary enrols themselves with the code the NGO or the municipality gave them."""
    return Flow(
        "service_join",
        [
            AskJoinCode(
                "code",
                N_(
                    "Write the code of the service you received (the NGO gave it to you), for example 7QH4M2."
                ),
                short=N_("Write the code of the service you received, e.g. 7QH4M2."),
                max_length=40,
            )
        ],
        _finish,
        allowed=may_join,
        refusal=N_("Please give your consent first (“Give consent” in the menu)."),
    )
