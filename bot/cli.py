"""The `kenesh` command: the platform's commands and every domain's, from `bot.wiring`."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable, Sequence

from pydantic import ValidationError
from pydantic_core import ErrorDetails

from bot import wiring
from bot.extensions import BAD_ARGUMENTS, Command, Extensions, Invocation
from bot.logs import configure_logging
from bot.settings import get_settings

DESCRIPTION = "Kenesh: the chatbot for municipal social procurement."


def build_parser(commands: Sequence[Command]) -> argparse.ArgumentParser:
    """`kenesh` and one subcommand for each declared command, in their order."""
    parser = argparse.ArgumentParser(prog="kenesh", description=DESCRIPTION)
    subcommands = parser.add_subparsers(dest="command", required=True)
    for command in commands:
        command.arguments(subcommands.add_parser(command.name, help=command.help))
    return parser


def main(argv: Sequence[str] | None = None, extensions: Extensions | None = None) -> int:
    """Entry point of the `kenesh` console script."""
    extensions = extensions or wiring.load()
    args = build_parser(extensions.commands).parse_args(argv)
    command = next(c for c in extensions.commands if c.name == args.command)
    try:
        settings = get_settings()
    except ValidationError as error:  # one line per bad setting, no traceback
        for problem in error.errors():
            print(f"kenesh: {_setting_problem(problem)}", file=sys.stderr)
        return BAD_ARGUMENTS
    level = settings.log_level.upper()
    if command.log_level and "log_level" not in settings.model_fields_set:
        level = command.log_level
    configure_logging(level, settings.log_format)
    invocation = Invocation(args, settings, extensions)
    try:
        with asyncio.Runner(loop_factory=_loop_factory()) as runner:
            return runner.run(_run(command, invocation))
    except KeyboardInterrupt:
        return 130
    except ValueError as error:
        print(f"kenesh {command.name}: {error}", file=sys.stderr)
        return BAD_ARGUMENTS


def _setting_problem(problem: ErrorDetails) -> str:
    """A bad setting in one line: its name, then what is wrong with it."""
    name = str(problem["loc"][0]).upper() if problem["loc"] else "settings"
    message = problem["msg"].removeprefix("Value error, ")
    return message if message.startswith(name) else f"{name}: {message}"


async def _run(command: Command, invocation: Invocation) -> int:
    try:
        return await command.run(invocation)
    finally:
        await invocation.close()


def _loop_factory() -> Callable[[], asyncio.AbstractEventLoop] | None:
    """uvloop where it is installed (it comes with uvicorn[standard]): the same loop uvicorn
    would pick, and markedly faster socket I/O than the default loop."""
    try:
        import uvloop
    except ImportError:  # e.g. Windows
        return None
    return uvloop.new_event_loop


if __name__ == "__main__":
    raise SystemExit(main())
