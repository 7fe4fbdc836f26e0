"""Moderation: what others read of a need — hidden, or redacted (names, insults, personal
details taken out) — while staff keep the original; the reporter is told why. And whether its
photo may be shown on its public page."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot import audit
from bot.audit import PermissionDenied
from bot.delivery import notify
from bot.i18n import N_, Translator, translator
from models import Need, Person
from models.base import utcnow

HIDDEN_TEXT = N_("(The municipality hid the text of this report.)")
REASON_LENGTH = 300


def public_text(need: Need, tr: Translator) -> str:
    """What other residents read of a need, in `tr`'s language when it is hidden."""
    text = need.public_description
    return text if text is not None else tr.t(HIDDEN_TEXT)


async def moderate(
    session: AsyncSession,
    staff: Person,
    need: Need,
    *,
    hidden: bool,
    redacted: str | None,
    reason: str,
) -> None:
    """Hide a need's public text, or show `redacted` in its place (None: the original again),
    with a reason; the reporter is told in their language."""
    if not staff.may_manage(need.municipality_id):
        await audit.record(session, staff.id, "moderate_need", "refused", f"need={need.id}")
        raise PermissionDenied("moderate_need", f"need={need.id}")
    reason = reason.strip()
    if not reason:
        raise ValueError("a reason is needed")
    redacted = redacted.strip() if redacted is not None else None
    if redacted == need.description.strip():
        redacted = None  # the same text is no redaction
    need.hidden = hidden
    need.redacted = None if hidden else redacted or None
    need.moderation_reason = reason[:REASON_LENGTH]
    need.moderated_by = staff.id
    need.moderated_at = utcnow()
    state = "hidden" if need.hidden else "redacted" if need.redacted else "original"
    await audit.record(session, staff.id, "moderate_need", "ok", f"need={need.id} text={state}")
    if need.reporter_id is None:
        return
    reporter = await session.get(Person, need.reporter_id)
    if reporter is not None:
        await notify.enqueue(session, reporter, moderation_notice(reporter, need))


async def show_photo(session: AsyncSession, staff: Person, need: Need, public: bool) -> None:
    """Mark the need's photo fit for its public page, or take it off again. Staff look first:
    a photo may show faces, a house number or a plate, so none is public until marked."""
    if not staff.may_manage(need.municipality_id):
        await audit.record(session, staff.id, "need_photo", "refused", f"need={need.id}")
        raise PermissionDenied("need_photo", f"need={need.id}")
    if need.photo_ref is None:
        raise ValueError("the need has no photo")
    need.photo_public = public
    state = "public" if public else "private"
    await audit.record(session, staff.id, "need_photo", "ok", f"need={need.id} photo={state}")


def moderation_notice(reporter: Person, need: Need) -> str:
    """What the reporter is told, in their language."""
    tr = translator(reporter.language or "ky")
    if need.hidden:
        text = tr.t(
            N_("The municipality hid the text of your report {ref} from other residents."),
            ref=need.reference,
        )
    elif need.redacted:
        text = tr.t(
            N_(
                "The municipality edited what other residents see of your report {ref}: "
                "“{text}”. Your original text is kept for the staff."
            ),
            ref=need.reference,
            text=need.redacted,
        )
    else:
        text = tr.t(
            N_("Other residents see the text of your report {ref} as you wrote it again."),
            ref=need.reference,
        )
    return text + "\n" + tr.t(N_("Reason: {reason}"), reason=need.moderation_reason or "")
