"""The number a resident texts: what a public page prints beside "send +N123 to …".

Each municipality's own gateway phone when it has one, else a pool phone, else the Twilio
number (not a Messaging Service, which has no number to print). None: SMS is off, or no
number is known.
"""

from __future__ import annotations

from bot.channels.sms.android.devices import configured_devices, gateway_configured
from bot.settings import Settings


def number_to_text(settings: Settings, municipality_code: str | None) -> str | None:
    """The number residents of `municipality_code` text, in E.164."""
    if gateway_configured(settings):
        try:
            devices = [d for d in configured_devices(settings) if d.phone]
        except ValueError:  # `kenesh serve` refuses such a configuration; a page prints none
            devices = []
        own = [d for d in devices if municipality_code and municipality_code in d.municipalities]
        pool = [d for d in devices if not d.municipalities]
        for device in own or pool:
            return device.phone
    sender = settings.twilio_from or ""
    if settings.twilio_account_sid and sender.startswith("+"):
        return sender
    return None
