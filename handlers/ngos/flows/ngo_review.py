"""Staff: NGO applications of their municipality (admins: all) — details, approve or reject."""

from __future__ import annotations

from collections.abc import Sequence

from bot.audit import PermissionDenied
from bot.conversation.context import Context
from bot.conversation.flow import Flow, staff_only
from bot.conversation.steps import Ask, Choose, Option, translated_options
from bot.i18n import N_
from handlers.ngos.flows.ngo_register import names_of_places, names_of_sectors
from handlers.ngos.ngos import (
    AlreadyDecided,
    approve_organization,
    category_ids_of,
    municipality_ids_of,
    organization_for_staff,
    pending_for_staff,
    reject_organization,
)
from models import Organization

APPROVE, REJECT = "approve", "reject"
DECISIONS = ((APPROVE, N_("Approve")), (REJECT, N_("Reject")))


async def _ngo_options(ctx: Context) -> Sequence[Option]:
    return [
        Option(str(o.id), f"{o.name} · {o.inn}", aliases=(o.inn,))
        for o in await pending_for_staff(ctx.session, ctx.person)
    ]


async def _has_applications(ctx: Context) -> bool:
    return bool(await _ngo_options(ctx))


async def _organization(ctx: Context) -> Organization:
    """The chosen NGO, its scope checked again at every step (roles can change)."""
    return await organization_for_staff(ctx.session, ctx.person, int(ctx.answers["ngo"]))


async def _detail(ctx: Context) -> str:
    organization = await _organization(ctx)
    places = await municipality_ids_of(ctx.session, organization.id)
    sectors = await category_ids_of(ctx.session, organization.id)
    lines = [
        ctx.t(N_("NGO: {name}"), name=organization.name),
        ctx.t(N_("INN: {inn}"), inn=organization.inn),
        ctx.t(N_("Contact person: {name}"), name=organization.contact_name),
        ctx.t(N_("Phone: {phone}"), phone=organization.contact_phone),
        ctx.t(N_("Municipalities: {places}"), places=await names_of_places(ctx, places)),
        ctx.t(N_("Sectors: {names}"), names=await names_of_sectors(ctx, sectors)),
        "",
        ctx.t(N_("Approve this NGO?")),
    ]
    return "\n".join(lines)


async def _short_detail(ctx: Context) -> str:
    organization = await _organization(ctx)
    return "\n".join(
        [
            f"{organization.name} · {organization.inn} · {organization.contact_phone}",
            ctx.t(N_("Approve this NGO?")),
        ]
    )


async def _decisions(ctx: Context) -> Sequence[Option]:
    return translated_options(ctx, DECISIONS)


async def _finish(ctx: Context) -> str | None:
    if "ngo" not in ctx.answers:
        ctx.say(ctx.t(N_("No NGO applications are waiting.")))
        return None
    organization_id = int(ctx.answers["ngo"])
    try:
        if ctx.answers["decision"] == APPROVE:
            organization = await approve_organization(ctx.session, ctx.person, organization_id)
            ctx.say(
                ctx.t(
                    N_(
                        "“{name}” is approved, and its members have been told. Their join code: {code}."
                    ),
                    name=organization.name,
                    code=organization.join_code,
                )
            )
        else:
            organization = await reject_organization(
                ctx.session, ctx.person, organization_id, ctx.answers["reason"]
            )
            ctx.say(
                ctx.t(
                    N_("“{name}” is rejected, and its members have been told the reason."),
                    name=organization.name,
                )
            )
    except AlreadyDecided:
        ctx.say(ctx.t(N_("Someone has decided on this application already.")))
    except PermissionDenied:
        ctx.say(ctx.t(N_("This application is not for your municipality.")))
    # the next application, if any is left
    return "ngo_review" if await _has_applications(ctx) else None


def build() -> Flow:
    """Only staff (for NGOs working in their municipality) and admins."""
    return Flow(
        "ngo_review",
        [
            Choose(
                "ngo",
                N_("NGO applications waiting for a decision. Choose one."),
                _ngo_options,
                when=_has_applications,
            ),
            Choose(
                "decision",
                _detail,
                _decisions,
                short=_short_detail,
                when=lambda ctx: "ngo" in ctx.answers,
            ),
            Ask(
                "reason",
                N_("Write the reason for the rejection. The NGO will see it."),
                min_length=3,
                max_length=500,
                when=lambda ctx: ctx.answers.get("decision") == REJECT,
            ),
        ],
        _finish,
        allowed=staff_only,
    )
