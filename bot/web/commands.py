"""`kenesh web link ADDRESS`: a one-time sign-in link for a staff member, for operators."""

from __future__ import annotations

import argparse
import sys

from sqlalchemy.ext.asyncio import AsyncSession

from bot.audit import PermissionDenied
from bot.conversation.senders import find_address
from bot.extensions import Command, Invocation
from bot.keys import GENERATE
from bot.phones import normalize_phone
from bot.web.access import LINK_TTL, issue_link
from models import Address, Person

# A bare phone number is looked up on the channels that are addressed by one, in this order.
PHONE_CHANNELS = ("sms", "whatsapp")


def parse_address(text: str) -> list[tuple[str, str]]:
    """The (channel, value) pairs an ADDRESS may name: `+996555123456` or `0555 123 456` (a
    phone), `telegram:CHAT_ID`, `whatsapp:NUMBER`, `sim:ID`. Empty when it is none of them."""
    text = text.strip()
    channel, colon, value = text.partition(":")
    if colon and channel.isalpha():
        channel, value = channel.lower(), value.strip()
        if not value:
            return []
        if channel in PHONE_CHANNELS:
            phone = normalize_phone(value)
            return [(channel, phone)] if phone else []
        return [(channel, value)]
    phone = normalize_phone(text)
    return [(c, phone) for c in PHONE_CHANNELS] if phone else []


async def person_at_address(session: AsyncSession, text: str) -> Person | None:
    """The person known at ADDRESS, if anyone."""
    for channel, value in parse_address(text):
        address: Address | None = await find_address(session, channel, value)
        if address is not None:
            return await session.get(Person, address.person_id)
    return None


async def web_link(invocation: Invocation) -> int:
    """Print a sign-in link for the staff member or admin at ADDRESS (exit 1 for anyone else)."""
    address = invocation.args.address
    if not parse_address(address):
        raise ValueError(
            f"{address!r} is not an address: use a phone number, telegram:CHAT_ID, "
            "whatsapp:NUMBER or sim:ID"
        )
    if invocation.settings.secret_key is None:
        # this process's own key would sign a link no server can check
        print(f"kenesh web link: set SECRET_KEY first; make one with: {GENERATE}", file=sys.stderr)
        return 1
    app = await invocation.app()
    async with app.sessions() as session, session.begin():
        person = await person_at_address(session, address)
        if person is None:
            print(f"kenesh web link: no one is known at {address}", file=sys.stderr)
            return 1
        try:
            url = await issue_link(session, invocation.settings, person)
        except PermissionDenied:
            print(
                f"kenesh web link: person {person.id} is a {person.role}, not staff or admin; "
                "grant a role with kenesh invite",
                file=sys.stderr,
            )
            return 1
    print(url)
    minutes = int(LINK_TTL.total_seconds() // 60)
    print(f"(works once, for {minutes} minutes)", file=sys.stderr)
    return 0


def _web_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="web_command", required=True)
    link = actions.add_parser("link", help="print a one-time sign-in link for a staff member")
    link.add_argument("address", help="+996555123456, telegram:CHAT_ID, whatsapp:NUMBER or sim:ID")


COMMAND = Command("web", "the staff web workspace (sign-in links)", web_link, _web_arguments)
