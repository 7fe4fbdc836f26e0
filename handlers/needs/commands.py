"""`kenesh open311 key NAME | revoke NAME | keys`: API keys of the Open311 endpoints."""

from __future__ import annotations

import argparse
import sys

from bot.extensions import Command, Invocation
from handlers.needs.open311.keys import ApiKeyError, create_api_key, list_api_keys, revoke_api_key


def arguments(open311: argparse.ArgumentParser) -> None:
    """`key`, `revoke` and `keys`."""
    actions = open311.add_subparsers(dest="action", required=True)
    key = actions.add_parser("key", help="create an API key for an app and print it once")
    key.add_argument("name", help="the app's name (unique), e.g. city-portal")
    key.add_argument(
        "--municipality", help="bind the key to one municipality: its POSTs need no jurisdiction_id"
    )
    revoke = actions.add_parser("revoke", help="stop an app's API key from working")
    revoke.add_argument("name")
    actions.add_parser("keys", help="list the keys' names, dates and whether they are revoked")


async def run(invocation: Invocation) -> int:
    """Run one `kenesh open311` action; a refused one (a name taken, unknown or revoked
    already) is a bad argument: it prints why, exit status 2."""
    args = invocation.args
    app = await invocation.app()
    try:
        async with app.sessions() as session, session.begin():
            if args.action == "key":
                row, key = await create_api_key(session, args.name, args.municipality)
            elif args.action == "revoke":
                row = await revoke_api_key(session, args.name)
            else:
                rows = await list_api_keys(session)
    except ApiKeyError as error:
        raise ValueError(str(error)) from None
    if args.action == "key":
        # stdout carries only the key, for scripts; it is not stored and cannot be shown again
        print(key)
        print(f"API key {row.name!r} created: keep it now, it is not shown again", file=sys.stderr)
    elif args.action == "revoke":
        print(f"API key {row.name!r} revoked")
    else:
        for row in rows:
            state = f"revoked {row.revoked_at:%Y-%m-%d}" if row.revoked_at else "active"
            print(f"{row.name}\tcreated {row.created_at:%Y-%m-%d}\t{state}")
    return 0


COMMAND = Command("open311", "API keys for Open311 GeoReport v2 apps", run, arguments)
