"""Turning a Reply into WhatsApp Cloud API messages, within WhatsApp's limits.

Choices become reply buttons when there are at most 3 with titles of up to 20 characters, a
list message when there are up to 10 (a row's title holds 24 characters; a longer label is cut
at a word and given whole, up to 72 characters, as the row's description), and a numbered list
in the text beyond that, answered by typing the number as on SMS. Text longer than a message
holds is split at paragraphs; photos and files go as media with the text as their caption.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.conversation.messages import Choice, Document, Reply
from bot.i18n import N_, Translator
from bot.text import shorten, split_text

# The Cloud API's documented limits (characters)
MAX_TEXT = 4096  # a text message's body
MAX_CAPTION = 1024  # an image's or document's caption
MAX_BUTTONS = 3
MAX_BUTTON_TITLE = 20
MAX_BUTTON_ID = 256
MAX_BUTTON_BODY = 1024  # the body of a reply-button message
MAX_LIST_ROWS = 10  # across all sections
MAX_ROW_TITLE = 24
MAX_ROW_DESCRIPTION = 72
MAX_ROW_ID = 200
MAX_LIST_BODY = 4096
MAX_LIST_BUTTON = 20  # the label of the button that opens the list

LIST_BUTTON = N_("Choose an option")
MEDIA_PREFIX = "whatsapp:"  # a photo received on WhatsApp: its media id


@dataclass(frozen=True)
class Outgoing:
    """One Cloud API message: the JSON of its type (`text`, `interactive`, `image`…).

    `upload` is a file of ours to upload through the media endpoint first, and `fetch` the
    media id of a photo received on WhatsApp to download and upload again; either's new media
    id then goes into `body[body["type"]]["id"]`."""

    body: dict[str, Any]
    upload: Document | None = None
    fetch: str | None = None


def choice_id(token: str | None, choice: Choice, limit: int) -> str:
    """`turn:id`, or `turn#key` (the number shown) when the id would not fit."""
    value = f"{token or ''}:{choice.id}"
    return value if len(value) <= limit else f"{token or ''}#{choice.key}"


def parse_choice_id(value: str) -> tuple[str | None, str | None, str | None]:
    """(token, choice id, typed key) from an id made by `choice_id`."""
    for separator, is_key in ((":", False), ("#", True)):
        token, found, rest = value.partition(separator)
        if found:
            return (token or None, None, rest) if is_key else (token or None, rest, None)
    return None, None, None


def _text(body: str) -> Outgoing:
    return Outgoing({"type": "text", "text": {"body": body, "preview_url": False}})


def _buttons_fit(choices: tuple[Choice, ...]) -> bool:
    titles = [c.label for c in choices]
    return (
        len(choices) <= MAX_BUTTONS
        and all(0 < len(t) <= MAX_BUTTON_TITLE for t in titles)
        and len(set(titles)) == len(titles)  # WhatsApp refuses two buttons of one title
    )


def _buttons(body: str, reply: Reply) -> Outgoing:
    buttons = [
        {
            "type": "reply",
            "reply": {"id": choice_id(reply.token, c, MAX_BUTTON_ID), "title": c.label},
        }
        for c in reply.choices
    ]
    return Outgoing(
        {
            "type": "interactive",
            "interactive": {
                "type": "button",
                "body": {"text": body},
                "action": {"buttons": buttons},
            },
        }
    )


def row(token: str | None, choice: Choice) -> dict[str, str]:
    """A list row: the label as its title, or cut at a word with the whole of it (up to 72
    characters) as the description, so a long option keeps its meaning."""
    entry = {"id": choice_id(token, choice, MAX_ROW_ID), "title": choice.label}
    if len(choice.label) > MAX_ROW_TITLE:
        entry["title"] = shorten(choice.label, MAX_ROW_TITLE - 1)[:MAX_ROW_TITLE]
        entry["description"] = shorten(choice.label, MAX_ROW_DESCRIPTION - 1)[:MAX_ROW_DESCRIPTION]
    return entry


def _list(body: str, reply: Reply, tr: Translator) -> Outgoing:
    rows = [row(reply.token, c) for c in reply.choices]
    return Outgoing(
        {
            "type": "interactive",
            "interactive": {
                "type": "list",
                "body": {"text": body},
                "action": {
                    "button": tr.t(LIST_BUTTON)[:MAX_LIST_BUTTON],
                    "sections": [{"rows": rows}],
                },
            },
        }
    )


def numbered(reply: Reply) -> str:
    """The text with the options as "1 Option" lines, answered by typing the number."""
    lines = [reply.text.strip(), "", *(f"{c.key} {c.label}" for c in reply.choices)]
    return "\n".join(lines).strip()


def _media(reply: Reply, caption: str) -> Outgoing | None:
    """The photo or file of `reply`, or None when it is a photo WhatsApp cannot be given (a
    Telegram file id)."""
    media: dict[str, Any] = {"caption": caption} if caption else {}
    if reply.document is not None:
        kind = "image" if reply.document.is_image else "document"
        if kind == "document":
            media["filename"] = reply.document.name
        return Outgoing({"type": kind, kind: media}, upload=reply.document)
    ref = reply.photo.ref if reply.photo else ""
    if ref.startswith(("https://", "http://")):
        return Outgoing({"type": "image", "image": {**media, "link": ref}})
    if ref.startswith(MEDIA_PREFIX):
        return Outgoing({"type": "image", "image": media}, fetch=ref[len(MEDIA_PREFIX) :])
    return None


def render(reply: Reply, tr: Translator) -> list[Outgoing]:
    """The messages that show `reply`, its choices with the last one."""
    messages: list[Outgoing] = []
    text = reply.text.strip()
    if reply.photo is not None or reply.document is not None:
        caption, *rest = split_text(text, MAX_CAPTION) if text else [""]
        media = _media(reply, caption)
        if media is not None:
            messages.append(media)
            text = "\n\n".join(rest)
    if not reply.choices:
        return messages + [_text(piece) for piece in split_text(text, MAX_TEXT) if piece]
    if len(reply.choices) > MAX_LIST_ROWS:
        return messages + [_text(piece) for piece in split_text(numbered(reply), MAX_TEXT)]
    fits_buttons = _buttons_fit(reply.choices)
    limit = MAX_BUTTON_BODY if fits_buttons else MAX_LIST_BODY
    pieces = split_text(text or "…", limit)
    messages += [_text(piece) for piece in pieces[:-1]]
    if fits_buttons:
        return [*messages, _buttons(pieces[-1], reply)]
    return [*messages, _list(pieces[-1], reply, tr)]
