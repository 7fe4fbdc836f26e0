"""Normalized messages: what every channel adapter turns its traffic into and back from."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from bot.text import clean_text

# Choice ids the core reserves: the skip button of an optional question, "more" of a long list.
SKIP = "__skip"
MORE = "__more"
DEDUP_KEY_LENGTH = 128  # processed_inbound.key


@dataclass(frozen=True, slots=True)
class Location:
    """A point a person shared."""

    latitude: float
    longitude: float


@dataclass(frozen=True, slots=True)
class Photo:
    """A picture: a Telegram file_id, an MMS URL or a simulator path — whatever its channel reads."""

    ref: str


@dataclass(frozen=True, slots=True)
class Document:
    """A file made for the person (a report's chart or spreadsheet), carried in the message.

    Channels with `Capabilities.documents` send it, a picture (`is_image`) as a photo where
    they can; flows check that capability before making one.
    """

    name: str
    mime: str
    data: bytes = field(repr=False)

    @property
    def is_image(self) -> bool:
        """A PNG or JPEG: shown in the chat rather than offered as a download."""
        return self.mime in ("image/png", "image/jpeg")

    def to_payload(self) -> dict[str, str]:
        """JSON-ready, the bytes in base64."""
        return {"name": self.name, "mime": self.mime, "data": base64.b64encode(self.data).decode()}

    @classmethod
    def from_payload(cls, payload: dict[str, str]) -> Document:
        """The Document stored by `to_payload`."""
        return cls(payload["name"], payload["mime"], base64.b64decode(payload["data"]))


@dataclass(frozen=True, slots=True)
class Inbound:
    """One message from a person, as any channel sees it.

    `choice` is set when a button was pressed (the option id), and `token` is the question turn the
    button belonged to. `contact_phone` is a phone number the channel has verified as the sender's
    own; `contact_verified` is False when a person shared someone else's card. `dedup_key` is the
    provider's id for the message, so a redelivery is handled once.
    """

    channel: str
    address: str
    text: str = ""
    choice: str | None = None
    token: str | None = None
    photo: Photo | None = None
    location: Location | None = None
    contact_phone: str | None = None
    contact_verified: bool = True
    dedup_key: str | None = None

    def __post_init__(self) -> None:
        # Whatever a channel passes on is cleaned here, once for every channel: a NUL byte or a
        # lone surrogate would fail the insert of the turn on PostgreSQL, forever.
        for name in ("address", "text", "choice", "token", "contact_phone"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, clean_text(value))
        if self.photo is not None:
            object.__setattr__(self, "photo", Photo(clean_text(self.photo.ref)))
        if self.dedup_key is not None and len(self.dedup_key) > DEDUP_KEY_LENGTH:
            # a provider id longer than its column: its digest is as unique, and fits
            digest = hashlib.sha256(self.dedup_key.encode("utf-8", "replace")).hexdigest()
            object.__setattr__(self, "dedup_key", digest)


@dataclass(frozen=True, slots=True)
class Choice:
    """An option shown to a person: `key` is what they type on a text channel, `id` what a button sends."""

    id: str
    label: str
    key: str


Request = Literal["location", "contact"]


@dataclass(frozen=True, slots=True)
class Reply:
    """One message to a person. Channels render `choices` as buttons or as a numbered list.

    `token` identifies the question (its turn); `request` asks the channel to offer a
    share-location or share-contact button (labelled `request_label`) where it has one. `home` marks the main menu, which a
    channel may keep at hand (Telegram: a reply keyboard). `expired` marks the short answer to a
    stale button press. `document` is a file sent with `text` as its caption.
    """

    text: str
    choices: tuple[Choice, ...] = ()
    photo: Photo | None = None
    token: str | None = None
    request: Request | None = None
    request_label: str | None = None
    home: bool = False
    expired: bool = False
    document: Document | None = None

    def to_payload(self) -> dict[str, Any]:
        """A JSON-ready form, stored with a queued message so any process can render it later."""
        payload = {
            "text": self.text,
            "choices": [[c.id, c.label, c.key] for c in self.choices],
            "photo": self.photo.ref if self.photo else None,
            "token": self.token,
            "request": self.request,
            "request_label": self.request_label,
            "home": self.home,
        }
        if self.document is not None:
            payload["document"] = self.document.to_payload()
        return payload

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> Reply:
        """The Reply stored by `to_payload`."""
        return cls(
            text=payload.get("text", ""),
            choices=tuple(Choice(i, label, key) for i, label, key in payload.get("choices", [])),
            photo=Photo(payload["photo"]) if payload.get("photo") else None,
            token=payload.get("token"),
            request=payload.get("request"),
            request_label=payload.get("request_label"),
            home=bool(payload.get("home")),
            document=Document.from_payload(payload["document"])
            if payload.get("document")
            else None,
        )


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What a channel can show and receive; flows consult these, never the channel's name.

    `compact`: every message costs money (SMS), so steps use their short wording. `fits`, when
    set, says whether a reply fits in one message; long lists are paged to fit. `documents`: a
    reply may carry a file (a Document).
    """

    buttons: bool = False
    photos: bool = False
    location: bool = False
    contact: bool = False
    max_length: int = 4096
    page_size: int = 8
    compact: bool = False
    fits: Callable[[Reply], bool] | None = None
    documents: bool = False


def merge_replies(replies: list[Reply], caps: Capabilities) -> list[Reply]:
    """A turn's plain statements joined to the message after them ("Thank you!…" and the menu
    become one message): fewer messages for the person, and fewer sends against per-chat limits.
    A merge that would not fit the channel is not made."""
    merged: list[Reply] = []
    for reply in replies:
        previous = merged[-1] if merged else None
        plain = previous is not None and not (
            previous.choices
            or previous.photo
            or previous.request
            or previous.expired
            or previous.document
        )
        bare = reply.photo is None and reply.document is None
        if previous is not None and plain and not reply.expired and bare:
            candidate = replace(reply, text=f"{previous.text}\n\n{reply.text}")
            fits = caps.fits(candidate) if caps.fits else len(candidate.text) <= caps.max_length
            if fits:
                merged[-1] = candidate
                continue
        merged.append(reply)
    return merged
