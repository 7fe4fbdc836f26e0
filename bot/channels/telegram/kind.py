"""What the Telegram channel is: its address code and what it can show and receive."""

from bot.conversation.messages import Capabilities

CODE = "telegram"
CAPABILITIES = Capabilities(
    buttons=True,
    photos=True,
    location=True,
    contact=True,
    max_length=4096,
    page_size=16,
    documents=True,  # sendPhoto / sendDocument with the file's bytes
)
