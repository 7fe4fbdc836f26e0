"""The Cloud API's webhook payload as normalized messages and status events.

A POST carries `entry[].changes[].value` objects; a `value` with `messages` holds what people
sent (text, a button or list reply, an image, a location, contacts…), one with `statuses` what
became of messages we sent. The sender's `from` (their WhatsApp id) is their phone number
without the +, which WhatsApp has verified.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.channels.whatsapp.kind import CODE
from bot.channels.whatsapp.render import MEDIA_PREFIX, parse_choice_id
from bot.conversation.messages import Inbound, Location, Photo
from bot.phones import normalize_phone

# a template's quick-reply button: the person wants to carry on in the chat
REOPEN = "kenesh:reopen"


@dataclass(frozen=True)
class Status:
    """What WhatsApp reports about a message we sent: sent, delivered, read or failed (with
    the first error's code and title)."""

    message_id: str
    status: str
    code: int | None = None
    title: str = ""


@dataclass(frozen=True)
class Received:
    """One inbound message: normalized, or `reopen` for a template's "continue" button, or
    `unsupported` (a sticker, a voice note…) with nothing to hand to the conversation."""

    inbound: Inbound
    reopen: bool = False
    unsupported: bool = False


def phone_of(wa_id: str) -> str:
    """The E.164 number of a WhatsApp id ("996555123456" → "+996555123456")."""
    digits = "".join(ch for ch in wa_id if ch.isdigit())
    return normalize_phone("+" + digits) or "+" + digits


def _interactive(message: dict[str, Any]) -> tuple[str, str | None, str | None]:
    """(text, choice id, token) of a button or list reply."""
    interactive = message.get("interactive") or {}
    picked = interactive.get("button_reply") or interactive.get("list_reply") or {}
    token, choice, key = parse_choice_id(str(picked.get("id", "")))
    return key or "", choice, token or "-"  # no token at all is stale by definition


def received(message: dict[str, Any]) -> Received:
    """One element of `messages` as a normalized message."""
    address = phone_of(str(message.get("from", "")))
    kind = message.get("type")
    base = {"channel": CODE, "address": address, "dedup_key": message.get("id") or None}
    if kind == "text":
        return Received(Inbound(text=(message.get("text") or {}).get("body", ""), **base))
    if kind == "interactive":
        text, choice, token = _interactive(message)
        return Received(Inbound(text=text, choice=choice, token=token, **base))
    if kind == "button":  # a template's quick reply
        button = message.get("button") or {}
        if button.get("payload") == REOPEN:
            return Received(Inbound(**base), reopen=True)
        return Received(Inbound(text=button.get("text", ""), **base))
    if kind == "image":
        image = message.get("image") or {}
        photo = Photo(MEDIA_PREFIX + str(image["id"])) if image.get("id") else None
        return Received(Inbound(text=image.get("caption", ""), photo=photo, **base))
    if kind == "location":
        place = message.get("location") or {}
        try:
            location = Location(float(place["latitude"]), float(place["longitude"]))
        except (KeyError, TypeError, ValueError):
            return Received(Inbound(**base), unsupported=True)
        return Received(Inbound(location=location, **base))
    if kind == "contacts":
        return Received(_contact(message, base))
    return Received(Inbound(**base), unsupported=True)


def _contact(message: dict[str, Any], base: dict[str, Any]) -> Inbound:
    """A shared contact card: its first number; the sender's own when its WhatsApp id is the
    sender's."""
    for card in message.get("contacts") or []:
        for phone in card.get("phones") or []:
            number = phone.get("phone") or phone.get("wa_id")
            if not number:
                continue
            own = bool(phone.get("wa_id")) and phone_of(phone["wa_id"]) == base["address"]
            return Inbound(contact_phone=number, contact_verified=own, **base)
    return Inbound(**base)


def status(event: dict[str, Any]) -> Status | None:
    """One element of `statuses`."""
    if not event.get("id") or not event.get("status"):
        return None
    errors = event.get("errors") or [{}]
    code = errors[0].get("code")
    return Status(
        message_id=str(event["id"]),
        status=str(event["status"]),
        code=int(code) if isinstance(code, int | str) and str(code).isdecimal() else None,
        title=str(errors[0].get("title") or errors[0].get("message") or "")[:200],
    )


def changes(payload: dict[str, Any]) -> tuple[list[Received], list[Status]]:
    """Every message and status event of one webhook POST, in order."""
    messages: list[Received] = []
    statuses: list[Status] = []
    if payload.get("object") != "whatsapp_business_account":
        return messages, statuses
    for entry in payload.get("entry") or []:
        for change in entry.get("changes") or []:
            if change.get("field") != "messages":
                continue
            value = change.get("value") or {}
            messages += [received(m) for m in value.get("messages") or [] if m.get("from")]
            statuses += [s for s in map(status, value.get("statuses") or []) if s is not None]
    return messages, statuses
