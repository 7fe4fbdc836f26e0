"""`kenesh municipalities list | merge | rename | unlisted`: the register, for operators."""

from __future__ import annotations

import argparse

from bot.extensions import Command, Invocation
from handlers.places.register import (
    Change,
    RegisterError,
    csv_line,
    list_units,
    merge_units,
    rename_unit,
    units,
    unlisted_places,
)


def _names(parser: argparse.ArgumentParser) -> None:
    for language in ("ky", "ru", "en", "uz"):
        parser.add_argument(f"--name-{language}", help=f"the name in {language}")


def arguments(parser: argparse.ArgumentParser) -> None:
    """`list`, `merge`, `rename` and `unlisted`."""
    actions = parser.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("list", help="print codes and names (for kenesh invite)")
    listing.add_argument("--oblast", help="only the units under this code, e.g. IK")
    listing.add_argument("--search", help="only the units this name finds, as residents search")
    merge = actions.add_parser("merge", help="merge units into one (a reform)")
    merge.add_argument("old", nargs="+", help="codes of the units merged")
    merge.add_argument("--into", required=True, help="the code of the unit they become")
    _names(merge)
    rename = actions.add_parser("rename", help="give a unit new names (old ones still find it)")
    rename.add_argument("code")
    rename.add_argument("--code", dest="new_code", help="a new code: a new unit takes it over")
    _names(rename)
    actions.add_parser("unlisted", help="places residents typed that the register lacks")


async def run(invocation: Invocation) -> int:
    """Run one `kenesh municipalities` action; a refused one (an unknown code, a unit merged
    already, …) is a bad argument: it prints why, exit status 2, and nothing changes."""
    args = invocation.args
    app = await invocation.app()
    names = {lang: getattr(args, f"name_{lang}", None) for lang in ("ky", "ru", "en", "uz")}
    try:
        async with app.sessions() as session, session.begin():
            if args.action == "list":
                for unit, label in await list_units(session, args.oblast, args.search):
                    print(f"{unit.code}\t{unit.kind}\t{label}")
                return 0
            if args.action == "unlisted":
                for text, unit, count in await unlisted_places(session):
                    print(f"{count}\t{text}\t{unit.code}")
                return 0
            if args.action == "merge":
                change = await merge_units(session, args.old, args.into, names)
            else:
                change = await rename_unit(session, args.code, names, args.new_code)
            _report(change, {u.id: u for u in await units(session)})
    except RegisterError as error:
        raise ValueError(str(error)) from None
    return 0


def _report(change: Change, by_id: dict) -> None:
    """What moved, and the CSV lines that make municipalities.csv say the same."""
    unit = change.unit
    taken = ", ".join(u.code for u in change.taken)
    print(f"{unit.code}: {unit.name_en}" + (f" (took over {taken})" if taken else " (renamed)"))
    for key, count in sorted(change.moved.items()):
        print(f"  moved {count} {key}")
    if not change.moved and change.taken:
        print("  nothing to move")
    print("municipalities.csv lines (edit the file the same way, so `kenesh seed` agrees):")
    for row in [unit, *change.taken]:
        print(f"  {csv_line(by_id.get(row.id, row), by_id)}")


COMMAND = Command("municipalities", "the register: list codes, merge, rename", run, arguments)
