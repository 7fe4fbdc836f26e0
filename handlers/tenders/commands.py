"""`kenesh tenders export | validate | import`: the OCDS release package from the command line
(an operator's; output in English)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from bot.extensions import BAD_ARGUMENTS, INVALID, Command, Invocation
from handlers.tenders.ocds.importer import ImportRefused, import_package
from handlers.tenders.ocds.package import build_package, dump_package, package_uri
from handlers.tenders.ocds.validate import validate_package


def arguments(tenders: argparse.ArgumentParser) -> None:
    """`export`, `validate` and `import`."""
    actions = tenders.add_subparsers(dest="action", required=True)
    export = actions.add_parser("export", help="print (or write) the OCDS release package")
    export.add_argument("--output", type=Path, help="write to this file instead of stdout")
    check = actions.add_parser("validate", help="check a release package against OCDS 1.1.5")
    check.add_argument("file", type=Path)
    load = actions.add_parser("import", help="create or update tenders from a release package")
    load.add_argument("file", type=Path)


async def run(invocation: Invocation) -> int:
    """Dispatch `kenesh tenders ACTION`; the exit status."""
    args = invocation.args
    if args.action == "export":
        return await export(invocation, args.output)
    if args.action == "validate":
        return validate(args.file)
    if args.action == "import":
        return await import_file(invocation, args.file)
    raise AssertionError(args.action)


class NotJson(ValueError):
    """The file was read and is not JSON: for `validate`, an answer (invalid), not a refusal."""


def read_json(path: Path) -> Any:
    """The JSON in `path`. ValueError (exit status 2) when it cannot be read; NotJson when it
    is not JSON."""
    try:
        text = path.read_bytes()
    except OSError as error:
        raise ValueError(f"{path}: {error.strerror or error}") from None
    try:
        return json.loads(text.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise NotJson(f"{path}: not JSON ({error})") from None


async def export(invocation: Invocation, output: Path | None) -> int:
    """Print or write the package. An empty one is written too, with a warning: the schema asks
    for at least one release, and there is none before a tender is published."""
    app = await invocation.app()
    async with app.sessions() as session:
        package = await build_package(session, package_uri(invocation.settings))
    _write(dump_package(package), output)
    if output is not None:
        print(f"{len(package['releases'])} releases written to {output}", file=sys.stderr)
    if not package["releases"]:
        print("warning: no published tender yet, so the package has no release", file=sys.stderr)
    return 0


def _write(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8")


def validate(path: Path) -> int:
    """Print the schema errors of the package in `path`; 1 when there are any."""
    try:
        data = read_json(path)
    except NotJson as error:
        print(f"kenesh tenders validate: {error}", file=sys.stderr)
        return INVALID
    errors = validate_package(data)
    for error in errors:
        print(error)
    if errors:
        print(f"{path}: not valid OCDS 1.1.5 ({len(errors)} errors)", file=sys.stderr)
        return INVALID
    print(f"{path}: valid OCDS 1.1.5 release package, {len(data['releases'])} releases")
    return 0


async def import_file(invocation: Invocation, path: Path) -> int:
    """Import the package in one transaction: all of it, or nothing with every reason."""
    data = read_json(path)  # a file not JSON is refused like an invalid one: status 2
    app = await invocation.app()
    try:
        async with app.sessions() as session, session.begin():
            summary = await import_package(session, data, invocation.settings)
    except ImportRefused as refused:
        print(f"kenesh tenders import: {path} refused, nothing imported:", file=sys.stderr)
        for error in refused.errors:
            print(f"  {error}", file=sys.stderr)
        return BAD_ARGUMENTS
    for note in summary.notes:
        print(f"note: {note}")
    print(summary)
    return 0


COMMAND = Command("tenders", "tenders as OCDS release packages", run, arguments)
