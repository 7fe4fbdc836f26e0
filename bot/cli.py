"""The `kenesh` command: serve, chat, db upgrade, seed, broadcast, tenders, invite."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from bot import tender_commands  # light: it imports the database side only when run
from bot.settings import Settings, get_settings


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kenesh", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    commands.add_parser("serve", help="run the HTTP app and the channels (applies migrations)")

    chat = commands.add_parser("chat", help="talk to the bot in the terminal (simulator channel)")
    chat.add_argument("--as", dest="as_id", default="me", help="simulated person id (default: me)")

    db = commands.add_parser("db", help="database commands")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    db_commands.add_parser("upgrade", help="apply all migrations")

    seed = commands.add_parser("seed", help="load municipalities and categories (idempotent)")
    seed.add_argument("--municipalities", type=Path, help="a municipalities CSV (default: bundled)")
    seed.add_argument("--categories", type=Path, help="a categories CSV (default: bundled)")

    broadcast = commands.add_parser("broadcast", help="announce to residents or NGOs")
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
    send.add_argument("--at", help="local time to send, YYYY-MM-DD HH:MM (TIMEZONE)")
    send.add_argument("--preview", action="store_true", help="only show recipients and cost")
    for name in ("cancel", "report"):
        action = actions.add_parser(name, help=f"{name} a broadcast")
        action.add_argument("id", type=int)

    from bot import open311_commands  # light: the database side loads when it runs

    open311_commands.add_parser(commands)

    tender_commands.add_parser(commands)

    from bot.survey_commands import add_parsers as add_survey_parsers

    add_survey_parsers(commands)

    invite = commands.add_parser("invite", help="print a one-time code that grants a role")
    invite.add_argument("--role", required=True, choices=["staff", "admin"])
    invite.add_argument("--municipality", help="municipality code (required for staff)")
    invite.add_argument("--days", type=int, help="days until the code expires")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `kenesh` console script."""
    args = _parser().parse_args(argv)
    settings = get_settings()
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
        stream=sys.stderr,
    )
    if settings.log_level.upper() != "DEBUG":
        logging.getLogger("alembic").setLevel(logging.WARNING)
    try:
        with asyncio.Runner(loop_factory=_loop_factory()) as runner:
            return runner.run(_run(args, settings))
    except KeyboardInterrupt:
        return 130
    except ValueError as error:
        print(f"kenesh: {error}", file=sys.stderr)
        return 2


def _loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop where it is installed (it comes with uvicorn[standard]): the same loop uvicorn
    would pick, and markedly faster socket I/O than the default loop."""
    try:
        import uvloop
    except ImportError:  # e.g. Windows
        return None
    return uvloop.new_event_loop


async def _run(args: argparse.Namespace, settings: Settings) -> int:
    from bot import commands

    if args.command == "serve":
        return await commands.serve(settings)
    if args.command == "chat":
        return await commands.chat(settings, args.as_id)
    if args.command == "db":
        return await commands.db_upgrade(settings)
    if args.command == "seed":
        return await commands.seed(settings, args.municipalities, args.categories)
    if args.command == "broadcast":
        from bot import broadcast_commands

        return await broadcast_commands.run(settings, args)
    if args.command == "tenders":
        return await tender_commands.run(settings, args)
    if args.command == "open311":
        from bot import open311_commands

        return await open311_commands.run(settings, args)
    if args.command in ("services", "surveys"):
        from bot import survey_commands

        return await survey_commands.run(settings, args)
    if args.command == "invite":
        return await commands.invite(settings, args.role, args.municipality, args.days)
    raise AssertionError(args.command)


if __name__ == "__main__":
    raise SystemExit(main())
