"""What the SMS channel is: its address code and what it can show and receive."""

from bot.channels.sms.render import reply_fits
from bot.conversation.messages import Capabilities

CODE = "sms"
CAPABILITIES = Capabilities(
    buttons=False,
    photos=True,  # MMS
    location=False,  # the place is asked in words
    contact=False,
    max_length=1600,
    page_size=7,
    compact=True,
    fits=reply_fits,
)
