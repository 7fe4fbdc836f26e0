"""`kenesh whatsapp templates`: the message templates to submit to Meta."""

from __future__ import annotations

import argparse
import json

from bot.channels.whatsapp.templates import definitions
from bot.extensions import Command, Invocation


async def whatsapp(invocation: Invocation) -> int:
    """Print every template, in every language, as Meta's template manager takes them."""
    print(json.dumps(definitions(), ensure_ascii=False, indent=2))
    return 0


def _arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="whatsapp_command", required=True)
    actions.add_parser(
        "templates",
        help="print the message templates (name, category, language, body, buttons) to submit",
    )


WHATSAPP_COMMAND = Command(
    "whatsapp", "WhatsApp: the message templates to submit", whatsapp, _arguments
)
