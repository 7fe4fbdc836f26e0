"""Staff: the social services delivered in their municipality. Register one under an awarded
tender (its NGO comes with it) and get its join code; enrol beneficiaries by pasting phone
numbers; define a feedback survey; read the results."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.audit import PermissionDenied
from bot.conversation.context import Context
from bot.conversation.flow import FINISH, Flow, staff_only
from bot.conversation.messages import Inbound
from bot.conversation.steps import Ask, Choose, Invalid, Option, Reask, translated_options
from bot.formats import format_time
from bot.i18n import N_
from handlers.surveys.enrol_lists import LineOutcome, enrol_phones, split_pasted
from handlers.surveys.flows.survey_builder import create_from_answers, survey_steps
from handlers.surveys.flows.survey_results import describe_results, survey_line
from handlers.surveys.results import results
from handlers.surveys.services import (
    ServiceError,
    awarded_tenders_for_staff,
    beneficiary_count,
    create_service,
    organization_name,
    service_for_staff,
    services_for_staff,
)
from handlers.surveys.surveys import SurveyError, surveys_of
from models import Service, Tender

MENU_ITEM = N_("Services and surveys (staff)")
LINE_REASONS = {  # lines with a phone number that still enrol nobody
    LineOutcome.columns: N_("more than a number and a language"),
    LineOutcome.language: N_("the language is not ky, ru, uz or en"),
}
NEW = "new"
ACTIONS = (
    ("phones", N_("Add beneficiaries (phone numbers)")),
    ("survey", N_("New survey")),
    ("results", N_("Survey results")),
    ("done", N_("Done")),
)


async def _service_options(ctx: Context) -> Sequence[Option]:
    new = N_("Register a new service")
    services = await services_for_staff(ctx.session, ctx.person)
    return [
        *translated_options(ctx, [(NEW, new)]),
        *(Option(str(s.id), f"#{s.id} · {s.title[:40]}") for s in services),
    ]


class ChooseService(Choose):
    """A service of the staff member's municipality (checked again), or a new one."""

    async def accept(self, ctx: Context, message: Inbound) -> Any:
        value = await super().accept(ctx, message)
        if value == NEW:
            ctx.answers["no_tenders"] = not await _tender_options(ctx)
        else:
            await service_for_staff(ctx.session, ctx.person, int(value))
            ctx.answers["service_id"] = int(value)
        return value


def _after_service(ctx: Context) -> str:
    if ctx.answers["service"] != NEW:
        return "action"
    return FINISH if ctx.answers.get("no_tenders") else "tender"


async def _tender_options(ctx: Context) -> Sequence[Option]:
    tenders = await awarded_tenders_for_staff(ctx.session, ctx.person)
    return [Option(str(t.id), f"{t.reference} · {t.title[:40]}") for t in tenders]


class CreateService(Ask):
    """The service's name (skip: the tender's title); the service is registered right away."""

    async def accept(self, ctx: Context, message: Inbound) -> Any:
        title = await super().accept(ctx, message)
        tender = await ctx.session.get(Tender, int(ctx.answers["tender"]))
        try:
            service = await create_service(
                ctx.session, ctx.person, int(ctx.answers["tender"]), title or tender.title
            )
        except (PermissionDenied, ServiceError):
            raise Invalid(ctx.t(N_("This tender cannot get a service."))) from None
        ctx.answers["service_id"] = service.id
        ctx.say(
            ctx.t(
                N_("Service #{id} is registered. Its join code is {code}."),
                id=service.id,
                code=service.join_code,
            )
        )
        return service.id


async def _service(ctx: Context) -> Service:
    """The chosen service, its scope checked again at every step (roles can change)."""
    return await service_for_staff(ctx.session, ctx.person, int(ctx.answers["service_id"]))


async def _overview(ctx: Context) -> str:
    service = await _service(ctx)
    tender = await ctx.session.get(Tender, service.tender_id) if service.tender_id else None
    lines = [
        f"#{service.id} · {service.title}",
        ctx.t(
            N_("NGO: {name} · tender {ref}"),
            name=await organization_name(ctx.session, service),
            ref=tender.reference if tender else "—",
        ),
        ctx.t(
            N_("Beneficiaries: {n}. Join code: {code} (they send it under “{item}”)."),
            n=await beneficiary_count(ctx.session, service.id),
            code=service.join_code,
            item=ctx.t(N_("I received a service")),
        ),
    ]
    zone = ctx.settings.timezone
    lines += [
        survey_line(ctx.translator, s, zone) for s in await surveys_of(ctx.session, service.id)
    ]
    return "\n".join(lines)


async def _action_options(ctx: Context) -> Sequence[Option]:
    return translated_options(ctx, ACTIONS)


class ChooseAction(Choose):
    """What to do with the service; the results are shown here and the question asked again."""

    async def accept(self, ctx: Context, message: Inbound) -> Any:
        value = await super().accept(ctx, message)
        if value != "results":
            return value
        surveys = await surveys_of(ctx.session, (await _service(ctx)).id)
        if not surveys:
            ctx.say(ctx.t(N_("This service has no surveys yet.")))
        for survey in surveys[:3]:
            figures = await results(ctx.session, survey.id, ctx.settings.report_min_group)
            ctx.say(describe_results(ctx.translator, figures, compact=ctx.caps.compact))
        raise Reask


class AskPhones(Ask):
    """Phone numbers, one a line (a CSV pasted: the number first, the language second)."""

    async def accept(self, ctx: Context, message: Inbound) -> Any:
        await super().accept(ctx, message)  # the length checks; the lines are read as sent
        report = await enrol_phones(ctx.session, await _service(ctx), split_pasted(message.text))
        ctx.say(
            ctx.t(
                N_(
                    "Added: {added}. Already enrolled: {already}. Repeated in the list: {repeated}."
                ),
                added=report.added,
                already=report.already,
                repeated=report.repeated,
            )
        )
        bad_phones = [line for line in report.refused if line.outcome == LineOutcome.bad_phone]
        if bad_phones:
            shown = "; ".join(f"{line.number}: {line.text}" for line in bad_phones[:10])
            ctx.say(ctx.t(N_("Not a phone number (line: text): {lines}"), lines=shown))
        others = [line for line in report.refused if line.outcome in LINE_REASONS]
        if others:
            shown = "; ".join(
                f"{line.number}: {ctx.t(LINE_REASONS[line.outcome])}" for line in others[:10]
            )
            ctx.say(ctx.t(N_("Not enrolled (line: reason): {lines}"), lines=shown))
        return report.added


def _after_action(ctx: Context) -> str:
    action = ctx.answers["action"]
    return {"phones": "phones", "survey": "s_title"}.get(action, FINISH)


async def _finish(ctx: Context) -> str | None:
    if ctx.answers.get("no_tenders"):
        ctx.say(ctx.t(N_("There are no awarded tenders in your municipality yet.")))
        return None
    if "s_confirm" not in ctx.answers:
        return None
    if not ctx.answers["s_confirm"]:
        ctx.say(ctx.t(N_("Cancelled. The survey was not saved.")))
        return None
    try:
        survey = await create_from_answers(ctx, int(ctx.answers["service_id"]))
    except SurveyError:
        ctx.say(ctx.t(N_("The survey could not be saved: the times or texts do not fit.")))
        return None
    ctx.say(
        ctx.t(
            N_("Survey #{id} is saved. Invitations go at {time} (Bishkek time)."),
            id=survey.id,
            time=format_time(survey.send_at, ctx.settings.timezone, ctx.language),
        )
    )
    return None


def build() -> Flow:
    """Staff manage the services of their municipality (admins: of every one)."""
    return Flow(
        "staff_services",
        [
            ChooseService(
                "service",
                N_("Services delivered under awarded tenders. Choose one, or register a new one."),
                _service_options,
                next=_after_service,
            ),
            Choose(
                "tender",
                N_("Which awarded tender was the service delivered under?"),
                _tender_options,
            ),
            CreateService(
                "title",
                N_("Name the service as its beneficiaries know it (skip: the tender's title)."),
                optional=True,
                max_length=300,
            ),
            ChooseAction(
                "action",
                _overview,
                _action_options,
                next=_after_action,
            ),
            AskPhones(
                "phones",
                N_(
                    "Send the phone numbers of the beneficiaries, one per line (or paste a CSV: number, language)."
                ),
                max_length=4000,
                next=lambda ctx: "action",
            ),
            *survey_steps("s_title"),
        ],
        _finish,
        allowed=staff_only,
    )
