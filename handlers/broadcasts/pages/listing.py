"""The announcements of the staff member's municipality (admins: all, or one municipality's)
with their progress, an announcement's page, and cancelling one that has not finished — the
figures and rules of the bot's "My announcements" (handlers.broadcasts.progress, .broadcasts)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from fastapi import APIRouter
from fastapi.responses import Response

from bot.channels import channel_name
from bot.delivery.routes import offline_waiting, route_name
from bot.formats import format_time
from bot.i18n import LANGUAGE_NAMES, N_, text_for
from bot.settings import LANGUAGES
from bot.text import shorten
from bot.web.choices import municipalities
from bot.web.desk import Desk, PageProblem, local_path
from bot.web.workspace import Workspace
from handlers.broadcasts.broadcasts import (
    broadcast_for_staff,
    cancel_for_staff,
    count_broadcasts,
    is_running,
    municipality_broadcasts,
)
from handlers.broadcasts.flows.broadcast_audience import describe_reach
from handlers.broadcasts.progress import (
    SKIP_REASONS,
    STATUS_NAMES,
    Figures,
    progress,
    reasons_line,
)
from models import Broadcast, BroadcastStatus, Role

# the workspace's status colours: waiting as a new need, sending as one in progress
PAGE_SIZE = 50
STATUS_STYLES = {
    BroadcastStatus.scheduled: "new",
    BroadcastStatus.queued: "in_progress",
    BroadcastStatus.done: "resolved",
    BroadcastStatus.cancelled: "rejected",
}


@dataclass(frozen=True)
class Row:
    """An announcement as the list shows it."""

    broadcast: Broadcast
    text: str
    audience: str
    total: Figures
    running: bool


def _total(figures: dict[str, Figures]) -> Figures:
    total = Figures()
    for seen in figures.values():
        total.add(seen)
    return total


def _when(desk: Desk, broadcast: Broadcast) -> str:
    """When it goes, went or finished, as the bot's “My announcements” says it."""
    zone, language = desk.workspace.settings.timezone, desk.language
    if broadcast.finished_at is not None:
        return desk.t(
            N_("Finished at {time}."), time=format_time(broadcast.finished_at, zone, language)
        )
    if broadcast.status == BroadcastStatus.scheduled:
        return desk.t(
            N_("Goes out at {time} (Bishkek time)."),
            time=format_time(broadcast.send_at, zone, language),
        )
    if broadcast.status == BroadcastStatus.cancelled:
        return desk.t(STATUS_NAMES[broadcast.status])
    return desk.t(
        N_("Sending since {time}."), time=format_time(broadcast.queued_at, zone, language)
    )


async def _in_scope(desk: Desk, broadcast_id: int, *, lock: bool = False) -> Broadcast:
    """The announcement if the person may follow it: 404 when there is none, 403 (recorded)
    for another municipality's."""
    if await desk.session.get(Broadcast, broadcast_id) is None:
        raise PageProblem(
            404,
            N_("There is no such announcement"),
            N_("Check the number, or go back to the list of announcements."),
        )
    return await broadcast_for_staff(desk.session, desk.person, broadcast_id, lock=lock)


def routes(workspace: Workspace) -> APIRouter:
    """The list, an announcement's page and cancelling."""
    router = APIRouter()

    @router.get("/")
    async def broadcast_list(
        municipality: str = "", page: str = "1", desk: Desk = workspace.signed_in
    ) -> Response:
        """The municipality's announcements, newest first, PAGE_SIZE a page, with how far each
        has gone."""
        admin = desk.person.role == Role.admin
        errors: dict[str, str] = {}
        unit = int(municipality) if municipality.isdecimal() and len(municipality) < 10 else None
        if municipality and unit is None:
            errors["municipality"] = desk.t(N_("Choose a municipality from the list."))
        total = await count_broadcasts(desk.session, desk.person, unit)
        pages = max(1, -(-total // PAGE_SIZE))
        number = int(page) if page.isdecimal() and len(page) < 6 else 1
        number = min(max(1, number), pages)
        found = await municipality_broadcasts(
            desk.session, desk.person, unit, limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE
        )
        rows = [
            Row(
                b,
                shorten(text_for(b.texts, desk.language), 90),
                await describe_reach(desk.session, desk.tr, b),
                _total(await progress(desk.session, b.id)),
                is_running(b),
            )
            for b in found
        ]
        return desk.render(
            "broadcasts/list.html",
            status_code=422 if errors else 200,
            rows=rows,
            total=total,
            page=number,
            pages=pages,
            page_url=lambda n: (
                "/staff/broadcasts/?"
                + urlencode({k: v for k, v in (("municipality", municipality), ("page", n)) if v})
            ),
            admin=admin,
            municipalities=await municipalities(desk.session, desk.language) if admin else [],
            chosen=municipality,
            errors=errors,
            status_name=lambda status: desk.t(STATUS_NAMES[status]),
            status_style=STATUS_STYLES,
            when=lambda b: _when(desk, b),
        )

    @router.get("/{broadcast_id}")
    async def broadcast_page(broadcast_id: int, desk: Desk = workspace.signed_in) -> Response:
        """One announcement: its texts, audience, time and progress per channel."""
        broadcast = await _in_scope(desk, broadcast_id)
        figures = await progress(desk.session, broadcast.id)
        zone = workspace.settings.timezone
        offline = [
            desk.tn(
                "{route} is offline since {time}: {n} message waits for it.",
                "{route} is offline since {time}: {n} messages wait for it.",
                count,
                route=route_name(route.route),
                time=format_time(route.since, zone, desk.language),
            )
            for route, count in await offline_waiting(desk.session, broadcast.id)
        ]
        channels = [
            (
                channel_name(channel, desk.tr),
                seen,
                reasons_line(desk.tr, seen.failed, {}),
                reasons_line(desk.tr, seen.skipped, SKIP_REASONS),
            )
            for channel, seen in sorted(figures.items())
        ]
        return desk.render(
            "broadcasts/broadcast.html",
            broadcast=broadcast,
            texts=[
                (LANGUAGE_NAMES[lang], broadcast.texts[lang])
                for lang in LANGUAGES
                if broadcast.texts.get(lang)
            ],
            audience=await describe_reach(desk.session, desk.tr, broadcast),
            status_name=desk.t(STATUS_NAMES[broadcast.status]),
            status_style=STATUS_STYLES[broadcast.status],
            when=_when(desk, broadcast),
            channels=channels,
            total=_total(figures),
            offline=offline,
            running=is_running(broadcast),
        )

    @router.post("/{broadcast_id}/cancel")
    async def cancel(broadcast_id: int, desk: Desk = workspace.signed_in) -> Response:
        """Stop it: what has not gone yet will not be sent (the bot's rule: only while it waits
        for its time or is still sending)."""
        await _in_scope(desk, broadcast_id)
        back = local_path(desk.field("next"), f"/staff/broadcasts/{broadcast_id}")
        stopped = await cancel_for_staff(desk.session, desk.person, broadcast_id)
        if stopped is None:
            return desk.redirect(
                back, desk.t(N_("It has already finished; there is nothing to cancel."))
            )
        notice = desk.tn(
            "Announcement {id} is cancelled: {n} message will not be sent.",
            "Announcement {id} is cancelled: {n} messages will not be sent.",
            stopped,
            id=broadcast_id,
        )
        return desk.redirect(back, notice)

    return router
