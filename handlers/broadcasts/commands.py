"""`kenesh broadcast send | cancel | report`: broadcasts from the command line (an operator's)."""

from __future__ import annotations

import argparse
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.extensions import Command, Invocation
from bot.i18n import translator
from bot.settings import Settings
from bot.times import parse_local
from handlers.broadcasts.broadcasts import (
    cancel_broadcast,
    create_broadcast,
    queue_broadcast,
    report,
)
from handlers.broadcasts.preview import preview, whatsapp_lines
from models import Audience, Broadcast, BroadcastStatus, Category, Municipality
from models.base import utcnow


def parse_texts(items: list[str]) -> dict[str, str]:
    """LANG=TEXT pairs."""
    texts = {}
    for item in items:
        language, separator, text = item.partition("=")
        if not separator:
            raise ValueError(f"--text {item!r}: write it as LANG=TEXT, e.g. ky=Жыйын жума күнү")
        texts[language.strip()] = text
    return texts


def local_time(text: str, zone: str) -> datetime:
    """A local "YYYY-MM-DD HH:MM" (or "DD.MM.YYYY HH:MM") in the future, as an aware datetime:
    a past time is refused, as the bot refuses it, rather than sent at once."""
    try:
        moment = parse_local(text, zone)
    except ValueError:
        raise ValueError(
            f"--at {text!r}: write it as YYYY-MM-DD HH:MM or DD.MM.YYYY HH:MM"
        ) from None
    if moment <= utcnow():
        raise ValueError(f"--at {text!r} has passed ({zone}); leave out --at to send now")
    return moment


def arguments(broadcast: argparse.ArgumentParser) -> None:
    """`send`, `cancel` and `report`, with their options."""
    actions = broadcast.add_subparsers(dest="action", required=True)
    send = actions.add_parser("send", help="queue (or schedule, or preview) a broadcast")
    where = send.add_mutually_exclusive_group(required=True)
    where.add_argument("--municipality", help="municipality code")
    where.add_argument("--all", action="store_true", help="every municipality")
    send.add_argument("--audience", choices=["residents", "ngos", "everyone"], default="residents")
    send.add_argument(
        "--text",
        action="append",
        required=True,
        metavar="LANG=TEXT",
        help="the text in one language (ky, ru, uz, en); repeat for more",
    )
    send.add_argument("--channel", action="append", help="only this channel (repeatable)")
    send.add_argument("--language", action="append", help="only readers of this language")
    send.add_argument("--category", help="only people who reported or support this category")
    send.add_argument(
        "--at", help="local time to send, YYYY-MM-DD HH:MM or DD.MM.YYYY HH:MM (TIMEZONE)"
    )
    send.add_argument("--preview", action="store_true", help="only show recipients and cost")
    send.add_argument(
        "--urgent", action="store_true", help="send in quiet hours too (QUIET_HOURS); audited"
    )
    for name in ("cancel", "report"):
        action = actions.add_parser(name, help=f"{name} a broadcast")
        action.add_argument("id", type=int)


async def run(invocation: Invocation) -> int:
    """Run one `kenesh broadcast` action."""
    settings, args = invocation.settings, invocation.args
    app = await invocation.app()
    async with app.sessions() as session, session.begin():
        if args.action == "send":
            return await _send(session, settings, args)
        # locked, as the tick that finishes broadcasts locks it: the two never cross
        broadcast = await session.get(Broadcast, args.id, with_for_update=args.action == "cancel")
        if broadcast is None:
            raise ValueError(f"no broadcast {args.id}")
        if args.action == "cancel":
            if broadcast.status in (BroadcastStatus.done, BroadcastStatus.cancelled):
                raise ValueError(
                    f"broadcast {broadcast.id} is already {broadcast.status}; nothing to cancel"
                )
            stopped = await cancel_broadcast(session, broadcast)
            print(f"broadcast {broadcast.id} cancelled; {stopped} messages will not be sent")
        else:
            for channel, states in sorted((await report(session, broadcast.id)).items()):
                print(
                    channel
                    + ": "
                    + ", ".join(f"{state} {n}" for state, n in sorted(states.items()))
                )
        return 0


async def _send(session: AsyncSession, settings: Settings, args: argparse.Namespace) -> int:
    municipality_id = None
    if args.municipality:
        unit = await session.scalar(
            select(Municipality).where(Municipality.code == args.municipality.upper())
        )
        if unit is None:
            raise ValueError(f"no municipality with code {args.municipality!r}")
        municipality_id = unit.id
    category_id = None
    if args.category:
        category = await session.scalar(select(Category).where(Category.code == args.category))
        if category is None:
            raise ValueError(f"no category {args.category!r}")
        category_id = category.id
    send_at = local_time(args.at, settings.timezone) if args.at else utcnow()
    broadcast = await create_broadcast(
        session,
        None,
        municipality_id=municipality_id,
        audience=Audience(args.audience),
        texts=parse_texts(args.text),
        send_at=send_at,
        channels=args.channel,
        languages=args.language,
        category_id=category_id,
        urgent=args.urgent,
    )
    seen = await preview(
        session, broadcast, settings.whatsapp_daily_limit, settings.split_operators
    )
    per_channel = (
        ", ".join(f"{channel} {n}" for channel, n in sorted(seen.recipients.items())) or "nobody"
    )
    print(f"recipients: {per_channel}; skipped (opted out or unreachable): {seen.skipped}")
    operators = ", ".join(f"{name} {n}" for name, n in sorted(seen.sms_by_operator.items()))
    print(f"SMS cost: {seen.sms_segments} segments" + (f" ({operators})" if operators else ""))
    for line in whatsapp_lines(translator("en"), seen):
        print(line)
    if args.preview:
        await session.rollback()
        return 0
    if send_at <= utcnow():
        queued = await queue_broadcast(session, broadcast)
        print(f"broadcast {broadcast.id} queued: {queued} messages")
    else:
        print(f"broadcast {broadcast.id} scheduled for {send_at.isoformat()}")
    return 0


COMMAND = Command("broadcast", "announce to residents or NGOs", run, arguments)
