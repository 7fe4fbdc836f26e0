"""SMS through Twilio: a signed webhook in, TwiML or the REST API out, opt-out words, SMS-sized
messages."""

from bot.channels.base import ChannelType
from bot.channels.sms.render import reply_fits
from bot.conversation.messages import Capabilities

SMS = ChannelType(
    code="sms",
    name="SMS (Twilio)",
    capabilities=Capabilities(
        buttons=False,
        photos=True,  # MMS
        location=False,  # the place is asked in words
        contact=False,
        max_length=1600,
        page_size=7,
        compact=True,
        fits=reply_fits,
    ),
    redact=("TWILIO_AUTH_TOKEN",),
)

__all__ = ["SMS"]
