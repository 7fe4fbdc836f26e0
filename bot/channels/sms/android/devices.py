"""The gateway phones a deployment declares: one per municipality, or a pool.

`SMSGATE_DEVICES` is a JSON list; each phone has a short `name` (its route is `android:NAME`),
its own number, its rate, the municipalities it serves (none: the pool) and, for a phone in
local-server mode that has its own address and credentials, its own `url`, `username`,
`password` and `signing_key`. `id` is the gateway's device id (cloud and private-server mode:
the account's phones are told apart by it). Without `SMSGATE_DEVICES`, `SMSGATE_URL` alone is
one phone named `phone`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from bot.phones import normalize_phone
from bot.settings import Settings

PREFIX = "android:"
NAME = re.compile(r"[a-z0-9_-]{1,12}")  # keeps `android:NAME` a send-window key (20 characters)
FIELDS = {"name", "id", "phone", "rate", "municipalities", "url", "username", "password"}
FIELDS |= {"signing_key"}


@dataclass(frozen=True)
class Device:
    """One gateway phone as configured."""

    name: str
    url: str
    username: str | None
    password: str
    signing_key: str | None
    device_id: str | None = None  # the gateway's id (deviceId in its API and webhooks)
    phone: str | None = None  # its own number, E.164
    per_minute: float = 1.0
    municipalities: tuple[str, ...] = ()  # codes; empty: a pool phone

    @property
    def route(self) -> str:
        """Its route: the value of `outbox_messages.route` and `addresses.route`."""
        return PREFIX + self.name


def gateway_configured(settings: Settings) -> bool:
    """Whether the Android gateway is on (SMSGATE_URL or SMSGATE_DEVICES)."""
    return bool(settings.smsgate_url or settings.smsgate_devices.strip())


def configured_devices(settings: Settings) -> list[Device]:
    """The declared phones, checked; a ValueError names what is wrong."""
    raw = settings.smsgate_devices.strip()
    if not raw:
        return [_device(settings, {"name": "phone"})] if settings.smsgate_url else []
    try:
        entries = json.loads(raw)
    except json.JSONDecodeError as error:
        raise ValueError(f"SMSGATE_DEVICES is not JSON: {error.msg}") from None
    if not isinstance(entries, list) or not entries:
        raise ValueError('SMSGATE_DEVICES: a JSON list of phones, [{"name": …}, …]')
    devices = [_device(settings, entry) for entry in entries]
    names = [device.name for device in devices]
    if len(set(names)) != len(names):
        raise ValueError("SMSGATE_DEVICES: two phones have the same name")
    return devices


def _device(settings: Settings, entry: object) -> Device:
    if not isinstance(entry, dict):
        raise ValueError("SMSGATE_DEVICES: each phone is an object")
    unknown = set(entry) - FIELDS
    if unknown:
        raise ValueError(f"SMSGATE_DEVICES: unknown fields {sorted(unknown)}")
    name = str(entry.get("name") or "")
    if not NAME.fullmatch(name):
        raise ValueError(f"SMSGATE_DEVICES: name {name!r}: 1-12 of a-z 0-9 _ -")
    url = entry.get("url") or settings.smsgate_url
    password = entry.get("password") or settings.smsgate_password
    if not url or not password:
        raise ValueError(f"phone {name}: needs SMSGATE_URL and SMSGATE_PASSWORD (or its own)")
    phone = entry.get("phone")
    number = normalize_phone(str(phone)) if phone else None
    if phone and number is None:
        raise ValueError(f"phone {name}: {phone!r} is not a phone number")
    rate = float(entry.get("rate", settings.smsgate_rate))
    if rate <= 0:
        raise ValueError(f"phone {name}: rate is SMS a minute, more than 0")
    municipalities = entry.get("municipalities") or ()
    if isinstance(municipalities, str):
        municipalities = (municipalities,)
    return Device(
        name=name,
        url=str(url).rstrip("/"),
        username=entry.get("username") or settings.smsgate_username,
        password=str(password),
        signing_key=entry.get("signing_key") or settings.smsgate_signing_key,
        device_id=entry.get("id"),
        phone=number,
        per_minute=rate,
        municipalities=tuple(str(code) for code in municipalities),
    )
