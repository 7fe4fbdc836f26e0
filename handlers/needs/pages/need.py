"""A need's page: what was reported, where, its supports and history; changing its status with
a preview of what the resident will receive; moderating its public text."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import func, select

from bot.channels.photos import fetch_photo
from bot.i18n import LANGUAGE_NAMES, N_, language_name, translator
from bot.times import local_time
from bot.web.choices import as_phone
from bot.web.desk import Desk
from bot.web.workspace import Workspace
from handlers.needs.assisted import AlreadySupported, record_walk_in_support
from handlers.needs.moderation import moderate, show_photo
from handlers.needs.needs import (
    STATUS_NAMES,
    category_name,
    change_status,
    need_for_staff,
    status_notice,
    supports_of,
)
from handlers.needs.pages.common import SETTABLE
from models import Municipality, Need, NeedStatus, NeedStatusChange, NeedSupport, Person

COMMENT_LENGTH = 500
REDACTED_LENGTH = 4000


async def _preview(desk: Desk, need: Need, status: str, comment: str) -> dict[str, Any]:
    """What the reporter would receive for this change, in their language (or why no one)."""
    if status not in (s.value for s in SETTABLE):
        return {"text": None, "language": None}
    reporter = await desk.session.get(Person, need.reporter_id) if need.reporter_id else None
    if reporter is None:
        return {"text": None, "language": None, "nobody": True}
    text = status_notice(reporter, need, NeedStatus(status), comment or None)
    # the language's name in the reader's words, never an endonym inside their sentence
    reader = translator(desk.language)
    return {"text": text, "language": language_name(reporter.language or "ky", reader)}


async def render_need(
    desk: Desk,
    need: Need,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    typed: dict[str, str] | None = None,
) -> HTMLResponse:
    """The need's page; after a refused form, its errors next to the fields and what was typed."""
    zone = desk.workspace.settings.timezone
    typed = typed or {}
    history = (
        await desk.session.scalars(
            select(NeedStatusChange)
            .where(NeedStatusChange.need_id == need.id)
            .order_by(NeedStatusChange.created_at, NeedStatusChange.id)
        )
    ).all()
    last_support = await desk.session.scalar(
        select(func.max(NeedSupport.created_at)).where(NeedSupport.need_id == need.id)
    )
    municipality = await desk.session.get(Municipality, need.municipality_id)
    status = typed.get("status", "")
    return desk.render(
        "needs/need.html",
        status_code=status_code,
        need=need,
        category=await category_name(desk.session, need.category_id, desk.language),
        municipality=municipality.name(desk.language) if municipality else "?",
        supports=await supports_of(desk.session, need.id),
        last_support=last_support,
        history=history,
        status_names=STATUS_NAMES,
        settable=[s for s in SETTABLE if s != need.status],
        errors=errors or {},
        typed=typed,
        preview=await _preview(desk, need, status, typed.get("comment", "")),
        when=lambda moment: local_time(moment, zone),
    )


def routes(workspace: Workspace) -> APIRouter:
    """A need's page and its forms."""
    router = APIRouter()

    @router.get("/{need_id}")
    async def need_page(need_id: int, desk: Desk = workspace.signed_in) -> Response:
        """One need, in the staff member's scope."""
        return await render_need(desk, await need_for_staff(desk.session, desk.person, need_id))

    @router.get("/{need_id}/preview")
    async def preview(
        need_id: int, status: str = "", comment: str = "", desk: Desk = workspace.signed_in
    ) -> Response:
        """The preview alone, as the page's script asks for it while the comment is typed."""
        need = await need_for_staff(desk.session, desk.person, need_id)
        return desk.render(
            "needs/_preview.html",
            preview=await _preview(desk, need, status, comment[:COMMENT_LENGTH]),
        )

    @router.post("/{need_id}/status")
    async def set_status(need_id: int, desk: Desk = workspace.signed_in) -> Response:
        """Change the status (with "preview" pressed: only show what the resident would get)."""
        need = await need_for_staff(desk.session, desk.person, need_id)
        status, comment = desk.field("status"), desk.field("comment")
        typed = {"status": status, "comment": comment}
        errors: dict[str, str] = {}
        if status not in (s.value for s in SETTABLE):
            errors["status"] = N_("Choose the new status.")
        elif status == NeedStatus.rejected and len(comment) < 3:
            errors["comment"] = N_("A rejection needs a reason the resident will read.")
        if len(comment) > COMMENT_LENGTH:
            errors["comment"] = N_("At most 500 characters.")
        if errors or desk.field("preview"):
            return await render_need(desk, need, 422 if errors else 200, errors, typed)
        await change_status(desk.session, desk.person, need, NeedStatus(status), comment or None)
        notice = desk.t(
            N_("{ref} is now “{status}”. The resident has been told."),
            ref=need.reference,
            status=desk.t(STATUS_NAMES[NeedStatus(status)]),
        )
        return desk.redirect(f"/staff/needs/{need.id}", notice)

    @router.post("/{need_id}/moderation")
    async def moderation(need_id: int, desk: Desk = workspace.signed_in) -> Response:
        """Hide or redact what others read of the need, or show the original again."""
        need = await need_for_staff(desk.session, desk.person, need_id)
        mode, reason, redacted = desk.field("mode"), desk.field("reason"), desk.field("redacted")
        typed = {"mode": mode, "reason": reason, "redacted": redacted}
        errors: dict[str, str] = {}
        if mode not in ("original", "redact", "hide"):
            errors["mode"] = N_("Choose what other residents should see.")
        if mode == "redact" and not redacted:
            errors["redacted"] = N_("Write the text other residents should see.")
        if len(redacted) > REDACTED_LENGTH:
            errors["redacted"] = N_("At most 4000 characters.")
        if len(reason) < 3:
            errors["reason"] = N_("Write the reason: the resident will read it.")
        if errors:
            return await render_need(desk, need, 422, errors, typed)
        await moderate(
            desk.session,
            desk.person,
            need,
            hidden=mode == "hide",
            redacted=redacted if mode == "redact" else None,
            reason=reason,
        )
        return desk.redirect(
            f"/staff/needs/{need.id}",
            desk.t(N_("Saved. The resident has been told what others now see.")),
        )

    @router.get("/{need_id}/photo.jpg")
    async def photo(need_id: int, desk: Desk = workspace.signed_in) -> Response:
        """The need's photo, fetched from the channel it came by, so staff can judge it
        before marking it public (not cached: a staff member's look is rare)."""
        need = await need_for_staff(desk.session, desk.person, need_id)
        data = (
            await fetch_photo(desk.workspace.settings, need.photo_ref) if need.photo_ref else None
        )
        if data is None:
            raise HTTPException(404)
        return Response(
            data, media_type="image/jpeg", headers={"Cache-Control": "private, no-store"}
        )

    @router.post("/{need_id}/photo")
    async def photo_public(need_id: int, desk: Desk = workspace.signed_in) -> Response:
        """Show the photo on the need's public page, or take it off."""
        need = await need_for_staff(desk.session, desk.person, need_id)
        if need.photo_ref is None:
            return await render_need(desk, need, 422, {"photo": N_("This report has no photo.")})
        public = desk.field("public") == "1"
        await show_photo(desk.session, desk.person, need, public)
        notice = (
            N_("The photo is now shown on the public page of {ref}.")
            if public
            else N_("The photo of {ref} is no longer shown on its public page.")
        )
        return desk.redirect(f"/staff/needs/{need.id}", desk.t(notice, ref=need.reference))

    @router.post("/{need_id}/support")
    async def support(need_id: int, desk: Desk = workspace.signed_in) -> Response:
        """A support told at the office, for this need."""
        need = await need_for_staff(desk.session, desk.person, need_id)
        text, language = desk.field("phone"), desk.field("language")
        typed = {"phone": text, "language": language, "consent": desk.field("consent")}
        phone = as_phone(text)
        errors: dict[str, str] = {}
        if text and phone is None:
            errors["phone"] = N_(
                "This phone number does not look right. Write it like 0555 123 456."
            )
        if phone and not desk.field("consent"):
            errors["consent"] = N_("With a phone number, the resident's consent is needed.")
        if language not in LANGUAGE_NAMES:
            language = desk.language
        if not need.status.is_open:
            errors["phone"] = N_("Only open reports can be supported.")
        if errors:
            return await render_need(desk, need, 422, errors, typed)
        try:
            await record_walk_in_support(
                desk.session, desk.person, need, phone=phone, language=language
            )
        except AlreadySupported:
            errors["phone"] = N_("This resident already supports this report, or reported it.")
            return await render_need(desk, need, 422, errors, typed)
        return desk.redirect(f"/staff/needs/{need.id}", desk.t(N_("The support has been added.")))

    return router
