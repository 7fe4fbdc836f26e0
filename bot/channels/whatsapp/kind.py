"""What the WhatsApp channel is: its address code and what it can show and receive."""

from bot.conversation.messages import Capabilities

CODE = "whatsapp"
CAPABILITIES = Capabilities(
    buttons=True,  # reply buttons (up to 3) and list messages (up to 10 rows)
    photos=True,
    location=True,  # a shared location; asked for with a location request message
    contact=False,  # the address is the phone number, verified by WhatsApp
    max_length=4096,
    page_size=10,  # a list message holds 10 rows: 9 options and "More"
    documents=True,  # charts and spreadsheets, uploaded through the media endpoint
)
