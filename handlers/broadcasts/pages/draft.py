"""An announcement being written on the compose page: the form read back with the bot's rules
(texts of 3 to 1000 characters in at least one language, the audience, who may be reached, a
time in the future), what was typed kept for showing it again, and the mark of its preview."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.channels import reachable
from bot.i18n import N_
from bot.settings import LANGUAGES
from bot.times import parse_local
from bot.web.choices import as_id, categories, municipalities
from bot.web.desk import Desk
from handlers.broadcasts.broadcasts import check_reach, clean_texts
from models import Audience, Broadcast, BroadcastStatus, Role
from models.base import utcnow

TEXT_LENGTH = (3, 1000)  # as the bot's questions (handlers.broadcasts.flows.broadcast)
NOW, LATER = "now", "later"
SINGLE = ("audience", "municipality", "channel", "category", "when", "at", "urgent", "seen")


def text_field(language: str) -> str:
    """The form field of the text in `language`."""
    return f"text_{language}"


@dataclass
class Draft:
    """The form as typed (`typed`), what is wrong with it by field (`errors`, in the reader's
    language), and once it all reads, the unsaved broadcast that the preview and sending use."""

    typed: dict[str, Any]
    errors: dict[str, str] = field(default_factory=dict)
    broadcast: Broadcast | None = None
    send_at: datetime | None = None  # None: now

    @property
    def urgent(self) -> bool:
        """Whether “urgent” is ticked (it counts only while quiet hours would hold it)."""
        return self.typed.get("urgent") == "1"


def typed_form(desk: Desk) -> dict[str, Any]:
    """Every field of the compose form as posted, trimmed; reader languages as a list."""
    typed: dict[str, Any] = {name: desk.field(name) for name in SINGLE}
    for language in LANGUAGES:
        value = desk.form.get(text_field(language)) if desk.form is not None else None
        typed[text_field(language)] = value.strip() if isinstance(value, str) else ""
    typed["languages"] = desk.fields("languages")
    return typed


def empty_form(desk: Desk) -> dict[str, Any]:
    """A new announcement: to residents, now, the text in the staff member's language first."""
    typed: dict[str, Any] = dict.fromkeys(SINGLE, "")
    typed.update({text_field(language): "" for language in LANGUAGES})
    typed.update(audience=Audience.residents.value, when=NOW, languages=[])
    return typed


async def read_draft(desk: Desk, typed: dict[str, Any]) -> Draft:
    """The draft of `typed`, each field checked as the bot checks the same answer. Staff reach
    their own municipality; naming another is refused and recorded (PermissionDenied)."""
    draft = Draft(typed)
    errors = draft.errors
    texts = _texts(desk, typed, errors)
    audience = typed["audience"] if typed["audience"] in Audience.__members__ else None
    if audience is None:
        errors["audience"] = desk.t(N_("Choose who the announcement is for."))
    municipality_id = await _municipality(desk, typed["municipality"], errors)
    channels = None
    if typed["channel"]:
        if typed["channel"] not in {kind.code for kind in reachable()}:
            errors["channel"] = desk.t(N_("Choose a channel from the list."))
        channels = [typed["channel"]]
    languages = typed["languages"] or None
    if any(language not in LANGUAGES for language in typed["languages"]):
        errors["languages"] = desk.t(N_("Choose languages from the list."))
    category_id = None
    if typed["category"]:
        category_id = as_id(typed["category"], [c.id for c in await categories(desk.session)])
        if category_id is None:
            errors["category"] = desk.t(N_("Choose a category from the list."))
    draft.send_at = _send_at(desk, typed, errors)
    if "municipality" not in errors:  # whatever else is wrong, never a preview of another's
        await check_reach(desk.session, desk.person, municipality_id)
    if errors or audience is None:
        return draft
    draft.broadcast = Broadcast(
        municipality_id=municipality_id,
        audience=Audience(audience),
        texts=texts,
        channels=channels,
        languages=languages,
        category_id=category_id,
        status=BroadcastStatus.scheduled,
        send_at=draft.send_at or utcnow(),
    )
    return draft


def _texts(desk: Desk, typed: dict[str, Any], errors: dict[str, str]) -> dict[str, str]:
    shortest, longest = TEXT_LENGTH
    texts = clean_texts({lang: typed[text_field(lang)] for lang in LANGUAGES})
    for language, text in texts.items():
        name = text_field(language)
        if len(text) < shortest:
            errors[name] = desk.t(
                N_("That is too short: write at least {n} characters."), n=shortest
            )
        elif len(text) > longest:
            errors[name] = desk.t(
                N_("That is too long: {length} characters, at most {n} fit."),
                length=len(text),
                n=longest,
            )
    if not texts:
        errors[text_field(LANGUAGES[0])] = desk.t(
            N_("Write the announcement in at least one language.")
        )
    return texts


async def _municipality(desk: Desk, typed: str, errors: dict[str, str]) -> int | None:
    """Admins: the one chosen, or none for all; staff: their own (another one is refused by
    check_reach)."""
    if desk.person.role == Role.admin:
        if not typed:
            return None
        chosen = as_id(typed, [m.id for m in await municipalities(desk.session, desk.language)])
        if chosen is None:
            errors["municipality"] = desk.t(N_("Choose a municipality from the list."))
        return chosen
    if typed and typed.isdecimal() and len(typed) < 10:
        return int(typed)
    return desk.person.staff_municipality_id


def _send_at(desk: Desk, typed: dict[str, Any], errors: dict[str, str]) -> datetime | None:
    """The time set (in TIMEZONE, as the bot reads it), or None for now."""
    if typed["when"] not in (NOW, LATER):
        errors["when"] = desk.t(N_("Choose when it should go."))
        return None
    if typed["when"] == NOW:
        return None
    try:
        moment = parse_local(typed["at"], desk.workspace.settings.timezone)
    except ValueError:
        errors["at"] = desk.t(N_("Write the time like 2026-12-01 10:00."))
        return None
    if moment <= utcnow():
        errors["at"] = desk.t(N_("That time has passed. Write a time in the future."))
        return None
    return moment


def preview_mark(desk: Desk, draft: Draft) -> str:
    """A mark of what the preview showed: the texts, the audience and the time. Sending with
    another mark means the announcement changed since its preview (or none was seen)."""
    broadcast = draft.broadcast
    if broadcast is None:
        return ""
    what = {
        "texts": broadcast.texts,
        "audience": str(broadcast.audience),
        "municipality": broadcast.municipality_id,
        "channels": broadcast.channels,
        "languages": broadcast.languages,
        "category": broadcast.category_id,
        "at": draft.send_at.isoformat() if draft.send_at else NOW,
    }
    payload = json.dumps(what, sort_keys=True, ensure_ascii=False).encode()
    key = desk.web_session.csrf.encode()  # a mark of this session only
    return hmac.new(key, payload, hashlib.sha256).hexdigest()[:32]


def seen_current(desk: Desk, draft: Draft) -> bool:
    """Whether the preview the person confirmed is the preview of the draft as it is now."""
    mark = preview_mark(desk, draft)
    return bool(mark) and hmac.compare_digest(mark, draft.typed.get("seen") or "")
