"""SMS opt-out state: STOP, START and HELP applied to the one flag every sender respects."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot import audit
from bot.channels.sms.optout import Command
from bot.conversation.senders import resolve_address
from bot.i18n import N_, translator
from bot.identity.people import lock_person
from bot.settings import Settings
from models import Address, Person, ProcessedInbound
from models.base import utcnow
from models.db import insert_ignore

STOPPED = N_("You will get no more messages from Kenesh. To start again, send START.")
RESUMED = N_("Welcome back! You will get messages from Kenesh again.")
INFO = N_(
    "Kenesh: tell your municipality what your community needs. Send MENU for the menu, "
    "STOP to get no more messages."
)


@dataclass(frozen=True)
class Handled:
    """What became of an SMS before the conversation: `reply` to send (None: say nothing),
    `resume` when the conversation should ask its current question again."""

    reply: str | None
    resume: bool = False


async def apply_sms_command(
    session: AsyncSession,
    settings: Settings,
    channel: str,
    phone: str,
    command: Command | None,
    dedup_key: str | None,
    phone_channels: Collection[str] = (),
    sent_at: datetime | None = None,
) -> Handled | None:
    """Handle STOP/START/HELP, and silence for an opted-out number; None: a normal message.
    (`phone_channels`: where the same number is the same person, as the conversation has it;
    `sent_at`: when the person sent it, where the provider says so.) A STOP or START sent
    before the one in force, arriving late, changes nothing and is not answered."""
    address, _ = await resolve_address(session, channel, phone, phone_channels)
    person = await lock_person(session, address.person_id)
    if not before_conversation(address, command):
        return None
    if dedup_key and not await insert_ignore(
        session, ProcessedInbound, channel=channel, key=dedup_key
    ):
        return Handled(reply=None)  # a redelivery of a command already applied
    return await apply_command(session, settings, address, person, command, sent_at)


def before_conversation(address: Address, command: Command | None) -> bool:
    """Whether the SMS is the opt-out's (a command, or anything from an opted-out number)
    rather than the conversation's."""
    stopped = address.opted_out
    if command is None and not stopped:
        return False
    # "yes", "start": words of the conversation for someone who never stopped
    return not (command == Command.start and not stopped)


async def apply_command(
    session: AsyncSession,
    settings: Settings,
    address: Address,
    person: Person,
    command: Command | None,
    sent_at: datetime | None = None,
) -> Handled:
    """Apply an SMS that `before_conversation` took, first delivery of it, to the locked
    `person`'s `address`."""
    tr = translator(person.language or settings.default_language)
    if command in (Command.stop, Command.start):
        sent_at = sent_at or utcnow()
        if address.opted_at is not None and sent_at < address.opted_at:
            detail = f"address={address.id} {command} sent before the one in force"
            await audit.record(session, person.id, "sms_stale_command", "ignored", detail)
            return Handled(reply=None)
        address.opted_at = sent_at
    if command == Command.stop:
        address.opted_out = True
        await audit.record(session, person.id, "sms_opt_out", "ok", f"address={address.id}")
        return Handled(tr.t(STOPPED))
    if command == Command.start:
        address.opted_out = False
        await audit.record(session, person.id, "sms_opt_in", "ok", f"address={address.id}")
        return Handled(tr.t(RESUMED), resume=True)
    if command == Command.help:
        return Handled(tr.t(INFO))
    await audit.record(session, person.id, "sms_ignored_opted_out", "ok", f"address={address.id}")
    return Handled(reply=None)
