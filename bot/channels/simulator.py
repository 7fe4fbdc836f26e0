"""The terminal simulator: talk to the real flows and database without any token.

A line of text is a message. `/photo REF`, `/location LAT LON` and `/contact PHONE` send what a
phone would. Choices print as a numbered list; messages queued for this person while they were
away (status changes…) print when their chat opens and after each turn.
"""

from __future__ import annotations

from sqlalchemy import select

from bot.channels.base import ChannelType
from bot.conversation.engine import Conversation
from bot.conversation.messages import Capabilities, Inbound, Location, Photo, Reply
from bot.i18n import N_
from models import Address, OutboxMessage, OutboxStatus
from models.base import utcnow

SIMULATOR = ChannelType(
    code="sim",
    name=N_("Terminal simulator"),  # the other channels' names are the same in every language
    capabilities=Capabilities(
        buttons=False,
        photos=True,
        location=True,
        contact=True,
        max_length=4096,
        page_size=9,
        documents=True,  # shown as [file: name]
    ),
)


def parse_line(address: str, line: str) -> Inbound:
    """A typed line as the message a phone would have sent."""
    text = line.rstrip("\n")
    command, _, rest = text.strip().partition(" ")
    if command == "/photo" and rest.strip():
        return Inbound(SIMULATOR.code, address, photo=Photo(rest.strip()))
    if command == "/location":
        parts = rest.replace(",", " ").split()
        try:
            latitude, longitude = float(parts[0]), float(parts[1])
        except (IndexError, ValueError):
            return Inbound(SIMULATOR.code, address, text=text)
        return Inbound(SIMULATOR.code, address, location=Location(latitude, longitude))
    if command == "/contact" and rest.strip():
        return Inbound(SIMULATOR.code, address, contact_phone=rest.strip())
    return Inbound(SIMULATOR.code, address, text=text)


def render(reply: Reply) -> str:
    """A reply as the terminal shows it."""
    lines = [reply.text]
    for choice in reply.choices:
        lines.append(f"  {choice.key}. {choice.label}")
    if reply.photo is not None:
        lines.append(f"  [photo: {reply.photo.ref}]")
    if reply.document is not None:
        lines.append(f"  [file: {reply.document.name}]")
    if reply.request == "location":
        lines.append("  [/location LAT LON]")
    return "\n".join(lines)


class Simulator:
    """One simulated person at the terminal."""

    def __init__(self, conversation: Conversation, address: str) -> None:
        self.conversation = conversation
        self.address = address

    async def send(self, line: str) -> list[str]:
        """Send a line; the replies, then anything queued for this person meanwhile."""
        replies = await self.conversation.handle(
            parse_line(self.address, line), SIMULATOR.capabilities
        )
        return [render(r) for r in replies] + await self.deliver_pending()

    async def open(self) -> list[str]:
        """What the person sees when the chat opens: waiting notices, then the current question."""
        pending = await self.deliver_pending()
        replies = await self.conversation.reopen(
            SIMULATOR.code, self.address, SIMULATOR.capabilities
        )
        asked = [render(r) for r in replies]
        # a question queued while they were away (a survey's invitation is its first question)
        # was just shown: not a second time
        if pending and asked and pending[-1].endswith(asked[-1]):
            asked = asked[:-1]
        return pending + asked

    async def deliver_pending(self) -> list[str]:
        """Messages queued for this address, marked delivered as they are shown."""
        async with self.conversation.sessions() as session, session.begin():
            rows = await session.scalars(
                select(OutboxMessage)
                .join(Address, OutboxMessage.address_id == Address.id)
                .where(
                    Address.channel == SIMULATOR.code,
                    Address.value == self.address,
                    OutboxMessage.status == OutboxStatus.queued,
                )
                .order_by(OutboxMessage.priority, OutboxMessage.id)
                .with_for_update(skip_locked=True)
            )
            shown = []
            for message in rows.all():
                message.status = OutboxStatus.delivered
                message.attempts += 1
                message.sent_at = utcnow()
                # as it was queued: a question with its options, not only its text
                shown.append(
                    render(Reply.from_payload(message.payload)) if message.payload else message.body
                )
            return shown
