"""Writing an announcement on the web: the texts in the four languages side by side, the
audience, now or at a set time; its preview as it is typed (and with the Preview button without
JavaScript); sending only once the preview of the text as it is now has been seen — through the
services the bot's "broadcast" flow calls (handlers.broadcasts.broadcasts)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from bot.channels import reachable
from bot.formats import format_time
from bot.i18n import LANGUAGE_NAMES, N_
from bot.web.choices import categories, municipalities
from bot.web.desk import Desk
from bot.web.workspace import Workspace
from handlers.broadcasts.broadcasts import create_broadcast, queue_broadcast
from handlers.broadcasts.flows.broadcast_audience import AUDIENCES
from handlers.broadcasts.flows.broadcast_urgent import HELD, URGENT_LABEL, holding_at
from handlers.broadcasts.pages.draft import (
    LATER,
    NOW,
    TEXT_LENGTH,
    Draft,
    empty_form,
    preview_mark,
    read_draft,
    seen_current,
    text_field,
    typed_form,
)
from handlers.broadcasts.pages.shown import Shown, show_preview
from models import Role
from models.base import utcnow

WRITE_FIRST = N_("Write the text to see who receives it and what it costs.")
NOT_YET = N_(
    "The preview appears once the form is complete: press “Preview before sending” to see "
    "what is missing."
)


def _hint(draft: Draft) -> str:
    """What the preview's place says while there is no preview."""
    typed = any(draft.typed.get(text_field(language)) for language in LANGUAGE_NAMES)
    return NOT_YET if typed else WRITE_FIRST


async def render_compose(
    desk: Desk,
    draft: Draft,
    status_code: int = 200,
    shown: Shown | None = None,
    confirm: bool = False,
    changed: bool = False,
) -> HTMLResponse:
    """The compose page: the form as typed with its errors, and with `confirm` the preview to
    check and the button that sends (carrying the mark of that preview)."""
    admin = desk.person.role == Role.admin
    typed = dict(draft.typed)
    typed["seen"] = preview_mark(desk, draft) if confirm else ""
    return desk.render(
        "broadcasts/new.html",
        status_code=status_code,
        typed=typed,
        errors=draft.errors,
        languages_written=list(LANGUAGE_NAMES.items()),
        text_field=text_field,
        text_length=TEXT_LENGTH[1],
        audiences=AUDIENCES,
        admin=admin,
        municipalities=await municipalities(desk.session, desk.language) if admin else [],
        channels=reachable(),
        categories=await categories(desk.session),
        shown=shown,
        confirm=confirm and shown is not None,
        changed=changed,
        stale=False,
        hint=_hint(draft),
        urgent_label=URGENT_LABEL,
        now=NOW,
        later=LATER,
    )


def routes(workspace: Workspace) -> APIRouter:
    """The compose page, its live preview and sending."""
    router = APIRouter()

    @router.get("/new")
    async def compose(desk: Desk = workspace.signed_in) -> Response:
        """An empty announcement."""
        return await render_compose(desk, Draft(empty_form(desk)))

    @router.post("/preview")
    async def live_preview(desk: Desk = workspace.signed_in) -> Response:
        """The preview alone, as the page's script asks for it while the text is typed; it
        says so when the preview being confirmed is no longer the text's."""
        draft = await read_draft(desk, typed_form(desk))
        return desk.render(
            "broadcasts/_preview.html",
            shown=await show_preview(desk, draft),
            hint=_hint(draft),
            stale=bool(draft.typed.get("seen")) and not seen_current(desk, draft),
        )

    @router.post("/new")
    async def send(desk: Desk = workspace.signed_in) -> Response:
        """Preview (the form's first button), or send what was previewed; a draft that changed
        since its preview is shown again with the new figures, nothing sent."""
        draft = await read_draft(desk, typed_form(desk))
        if draft.errors:
            return await render_compose(desk, draft, 422)
        shown = await show_preview(desk, draft)
        if desk.field("action") != "send" or not seen_current(desk, draft):
            changed = desk.field("action") == "send"
            return await render_compose(desk, draft, 200, shown, confirm=True, changed=changed)
        return await _send(desk, draft)

    return router


async def _send(desk: Desk, draft: Draft) -> Response:
    """Create the broadcast as the bot's flow does; now: its messages go to the outbox."""
    chosen = draft.broadcast
    assert chosen is not None  # read_draft made it: no errors
    settings = desk.workspace.settings
    quiet = holding_at(settings, draft.send_at or utcnow())
    urgent = draft.urgent and quiet is not None  # offered only while quiet hours would hold it
    broadcast = await create_broadcast(
        desk.session,
        desk.person,
        municipality_id=chosen.municipality_id,
        audience=chosen.audience,
        texts=chosen.texts,
        send_at=draft.send_at,
        channels=chosen.channels,
        languages=chosen.languages,
        category_id=chosen.category_id,
        urgent=urgent,  # audited by the service
    )
    if draft.send_at is None:
        count = await queue_broadcast(desk.session, broadcast)
        notice = desk.tn(
            "Announcement {id} is on its way to {n} person.",
            "Announcement {id} is on its way to {n} people.",
            count,
            id=broadcast.id,
        )
    else:
        notice = desk.t(
            N_("Announcement {id} will be sent at {time}."),
            id=broadcast.id,
            time=format_time(draft.send_at, settings.timezone, desk.language),
        )
    if quiet is not None and not urgent:
        notice = f"{notice} {desk.t(HELD, end=f'{quiet.end:%H:%M}')}"
    return desk.redirect(f"/staff/broadcasts/{broadcast.id}", notice)
