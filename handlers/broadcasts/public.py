"""The announcements section of a municipality's public page: what its staff announced to its
residents, once it went out (queued or done; never a scheduled or cancelled one), in the
reader's language or the closest written. Only the text and the day: never who wrote it, nor
who received it, nor how many."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from bot.formats import format_day, local_day
from bot.i18n import text_for
from bot.phones import mask_phones
from bot.web.public.pages import PublicPages, Section
from bot.web.public.visit import Visit
from models import Audience, Broadcast, BroadcastStatus, Municipality

TEMPLATES = Path(__file__).resolve().parent / "templates" / "public"
SHOWN = 5  # newest announcements


async def public_announcements(visit: Visit, unit: Municipality) -> list[Broadcast]:
    """The municipality's announcements to residents that went out, newest first."""
    return list(
        (
            await visit.session.scalars(
                select(Broadcast)
                .where(
                    Broadcast.municipality_id == unit.id,
                    Broadcast.audience.in_((Audience.residents, Audience.everyone)),
                    Broadcast.status.in_((BroadcastStatus.queued, BroadcastStatus.done)),
                )
                .order_by(Broadcast.send_at.desc(), Broadcast.id.desc())
                .limit(SHOWN)
            )
        ).all()
    )


async def _announcements(visit: Visit, unit: Municipality) -> dict[str, Any] | None:
    found = await public_announcements(visit, unit)
    if not found:
        return None
    zone = visit.site.settings.timezone
    lang = visit.language
    return {
        "announcements": [
            {
                "day": format_day(local_day(b.queued_at or b.send_at, zone), lang),
                "text": mask_phones(text_for(b.texts, lang)),
            }
            for b in found
        ]
    }


PUBLIC = PublicPages(
    "broadcasts",
    templates=TEMPLATES,
    sections=(Section("municipality", 50, "broadcasts/announcements.html", _announcements),),
)
