"""Normalized messages: what every channel adapter turns its traffic into and back from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal


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
class Inbound:
    """One message from a person, as any channel sees it.

    `choice` is set when a button was pressed (the option id), and `token` is the question turn the
    button belonged to. `contact_phone` is a phone number the channel has verified as the sender's
    own. `dedup_key` is the provider's id for the message, so a redelivery is handled once.
    """

    channel: str
    address: str
    text: str = ""
    choice: str | None = None
    token: str | None = None
    photo: Photo | None = None
    location: Location | None = None
    contact_phone: str | None = None
    dedup_key: str | None = None


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
    share-location or share-contact button where it has one. `expired` marks the short answer to a
    stale button press.
    """

    text: str
    choices: tuple[Choice, ...] = ()
    photo: Photo | None = None
    token: str | None = None
    request: Request | None = None
    expired: bool = False


@dataclass(frozen=True, slots=True)
class Capabilities:
    """What a channel can show and receive; flows consult these, never the channel's name."""

    buttons: bool = False
    photos: bool = False
    location: bool = False
    contact: bool = False
    max_length: int = 4096
    page_size: int = 8
    extra: dict[str, object] = field(default_factory=dict)
