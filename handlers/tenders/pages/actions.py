"""A tender's page and what staff do to it: publish a draft, move the deadline, cancel with a
reason, award it to an NGO, change its details — each through the service the bot's flow calls, which
checks the scope and the tender's status again, writes the OCDS release and alerts the subscribers.
Publishing and awarding are asked first, as the bot asks: the page shows the question and a "Yes"
that posts the same form again, confirmed."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from bot.formats import format_time
from bot.i18n import N_
from bot.web.choices import as_id, categories
from bot.web.desk import Desk
from bot.web.workspace import Workspace
from handlers.tenders import tenders
from handlers.tenders.flows.tender_steps import REFUSALS
from handlers.tenders.pages.forms import (
    Question,
    check_lengths,
    read_budget,
    read_deadline,
    read_link,
    render_tender,
    tender_in_scope,
)
from handlers.tenders.questions import award_question, publish_question
from handlers.tenders.tenders import TenderError, award_candidates
from models import Tender, TenderStatus

EDITED = ("title", "description", "category", "budget", "how_to_apply", "document_url")


async def _locked(desk: Desk, tender_id: int) -> Tender:
    """The tender in scope, locked: two staff acting at once, the second sees the first's change."""
    tender = await tender_in_scope(desk, tender_id)
    await desk.session.refresh(tender, with_for_update=True)
    return tender


def _confirmed(desk: Desk) -> bool:
    """The form came from the question "… ?" (its "Yes" button), not from the first click."""
    return desk.field("confirmed") == "yes"


def _refused(error: TenderError) -> str:
    return REFUSALS.get(str(error), N_("This change cannot be made."))


def _alerted(desk: Desk, n: int, message: str) -> str:
    told = desk.tn("{n} NGO member was alerted.", "{n} NGO members were alerted.", n)
    return f"{message} {told}"


def routes(workspace: Workspace) -> APIRouter:
    """A tender's page and its forms."""
    router = APIRouter()
    zone = workspace.settings.timezone

    @router.get("/{tender_id}")
    async def tender_page(tender_id: int, desk: Desk = workspace.signed_in) -> Response:
        """One tender, in the staff member's scope."""
        return await render_tender(desk, await tender_in_scope(desk, tender_id))

    @router.post("/{tender_id}/publish")
    async def publish(tender_id: int, desk: Desk = workspace.signed_in) -> Response:
        """Draft → open: the OCDS release, the reminders, the subscribers' alerts."""
        tender = await _locked(desk, tender_id)
        if tender.status == TenderStatus.draft and not _confirmed(desk):
            question = Question("publish", [publish_question(desk.tr, tender)], {})
            return await render_tender(desk, tender, question=question)
        try:
            n = await tenders.publish(desk.session, desk.person, tender, workspace.settings)
        except TenderError as error:
            return await render_tender(desk, tender, 422, {"publish": _refused(error)})
        text = desk.t(N_("Tender {ref} is published."), ref=tender.reference)
        return desk.redirect(f"/staff/tenders/{tender.id}", _alerted(desk, n, text))

    @router.post("/{tender_id}/edit")
    async def edit(tender_id: int, desk: Desk = workspace.signed_in) -> Response:
        """Change the details; once published, a tenderUpdate and the subscribers are told."""
        tender = await _locked(desk, tender_id)
        typed = {name: desk.field(name) for name in EDITED}
        errors: dict[str, str] = {}
        check_lengths(typed, errors)
        category_id = as_id(typed["category"], [c.id for c in await categories(desk.session)])
        if category_id is None:
            errors["category"] = N_("Choose a sector.")
        budget = read_budget(typed["budget"], errors, "budget")
        link = read_link(typed["document_url"], errors, "document_url")
        if errors:
            return await render_tender(desk, tender, 422, errors, typed)
        changes = {
            "title": typed["title"],
            "description": typed["description"],
            "category_id": category_id,
            "budget": budget,
            "how_to_apply": typed["how_to_apply"],
            "document_url": link,
        }
        try:
            n = await tenders.update(desk.session, desk.person, tender, changes, zone=zone)
        except TenderError as error:
            return await render_tender(desk, tender, 422, {"title": _refused(error)}, typed)
        text = desk.t(N_("Tender {ref} is changed."), ref=tender.reference)
        return desk.redirect(f"/staff/tenders/{tender.id}", _alerted(desk, n, text))

    @router.post("/{tender_id}/deadline")
    async def move_deadline(tender_id: int, desk: Desk = workspace.signed_in) -> Response:
        """A new deadline: later than the current one once published."""
        tender = await _locked(desk, tender_id)
        typed = {"deadline": desk.field("deadline")}
        errors: dict[str, str] = {}
        deadline = read_deadline(desk, typed["deadline"], errors, "deadline")
        if deadline is None:
            return await render_tender(desk, tender, 422, errors, typed)
        try:
            n = await tenders.extend_deadline(
                desk.session, desk.person, tender, deadline, zone=zone
            )
        except TenderError as error:
            return await render_tender(desk, tender, 422, {"deadline": _refused(error)}, typed)
        text = desk.t(
            N_("The deadline of {ref} is now {time}."),
            ref=tender.reference,
            time=format_time(deadline, zone, desk.language),
        )
        return desk.redirect(f"/staff/tenders/{tender.id}", _alerted(desk, n, text))

    @router.post("/{tender_id}/cancel")
    async def cancel(tender_id: int, desk: Desk = workspace.signed_in) -> Response:
        """Stop the tender; once published, the subscribers read the reason."""
        tender = await _locked(desk, tender_id)
        typed = {"reason": desk.field("reason")}
        reason = typed["reason"]
        errors: dict[str, str] = {}
        if tender.status == TenderStatus.draft and not reason:
            reason = desk.t(N_("The draft was not published."))
        elif len(reason) < 3:
            errors["reason"] = N_("Write the reason: the subscribed NGOs will read it.")
        elif len(reason) > 500:
            errors["reason"] = N_("At most 500 characters.")
        if errors:
            return await render_tender(desk, tender, 422, errors, typed)
        try:
            n = await tenders.cancel(desk.session, desk.person, tender, reason, zone=zone)
        except TenderError as error:
            return await render_tender(desk, tender, 422, {"reason": _refused(error)}, typed)
        text = desk.t(N_("Tender {ref} is cancelled."), ref=tender.reference)
        return desk.redirect(f"/staff/tenders/{tender.id}", _alerted(desk, n, text))

    @router.post("/{tender_id}/award")
    async def award(tender_id: int, desk: Desk = workspace.signed_in) -> Response:
        """The tender goes to one of the approved NGOs of its municipality."""
        tender = await _locked(desk, tender_id)
        typed = {"organization": desk.field("organization"), "amount": desk.field("amount")}
        errors: dict[str, str] = {}
        candidates = {str(o.id): o for o in await award_candidates(desk.session, tender)}
        winner = candidates.get(typed["organization"])
        if winner is None:
            errors["organization"] = N_("Choose the NGO that wins.")
        amount = read_budget(typed["amount"], errors, "amount") if typed["amount"] else None
        if errors or winner is None:
            return await render_tender(desk, tender, 422, errors, typed)
        if tender.status == TenderStatus.active and not _confirmed(desk):
            lines = award_question(desk.tr, tender, winner.name, amount, zone)
            return await render_tender(desk, tender, question=Question("award", lines, typed))
        try:
            n = await tenders.award(desk.session, desk.person, tender, winner, amount, zone=zone)
        except TenderError as error:
            return await render_tender(desk, tender, 422, {"organization": _refused(error)}, typed)
        text = desk.t(
            N_("Tender {ref} is awarded to “{name}”."), ref=tender.reference, name=winner.name
        )
        return desk.redirect(f"/staff/tenders/{tender.id}", _alerted(desk, n, text))

    return router
