"""`kenesh services …` and `kenesh surveys …`: services, beneficiaries and surveys from the
command line (an operator's: no municipality scope)."""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from datetime import timedelta
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from bot.extensions import Command, Invocation, positive_days
from bot.settings import Settings
from bot.times import local_time
from handlers.surveys.beneficiary_files import ListFile, ListFileError, read_list_file
from handlers.surveys.enrol_lists import LineOutcome, enrol_phones
from handlers.surveys.results import TOO_FEW, results
from handlers.surveys.services import create_service, service_for_staff
from handlers.surveys.survey_files import (
    SurveyFileError,
    load_survey_file,
    parse_local,
    reminder_time,
)
from handlers.surveys.surveys import SurveyError, create_survey
from models import Survey, SurveyStatus
from models.base import utcnow

REFUSALS = {
    LineOutcome.bad_phone: "not a phone number",
    LineOutcome.columns: "more columns than phone and language",
    LineOutcome.language: "language not one of ky, ru, uz, en",
}


def service_arguments(services: argparse.ArgumentParser) -> None:
    """`kenesh services create | enrol`."""
    service_actions = services.add_subparsers(dest="action", required=True)
    create = service_actions.add_parser("create", help="a service under an awarded tender")
    create.add_argument("tender_id", type=int)
    create.add_argument("title")
    enrol = service_actions.add_parser("enrol", help="enrol the phone numbers of a CSV file")
    enrol.add_argument("service_id", type=int)
    enrol.add_argument("file", type=Path, help="CSV: phone[,language] per line; '-' for stdin")


def survey_arguments(surveys: argparse.ArgumentParser) -> None:
    """`kenesh surveys import | results | close`."""
    survey_actions = surveys.add_subparsers(dest="action", required=True)
    load = survey_actions.add_parser("import", help="a survey from a JSON or YAML file")
    load.add_argument("file", type=Path)
    load.add_argument("service_id", type=int)
    when = load.add_mutually_exclusive_group()
    when.add_argument(
        "--at",
        help="local time of the invitations, YYYY-MM-DD HH:MM or DD.MM.YYYY HH:MM (TIMEZONE)",
    )
    when.add_argument("--now", action="store_true", help="send the invitations at once")
    remind = load.add_mutually_exclusive_group()
    remind.add_argument("--remind-at", help="local time of the one reminder")
    remind.add_argument(
        "--remind-after-days", type=positive_days, help="the reminder N days later (≥ 1)"
    )
    shown = survey_actions.add_parser("results", help="a survey's anonymous figures as JSON")
    shown.add_argument("survey_id", type=int)
    close = survey_actions.add_parser("close", help="take no more answers, send no reminder")
    close.add_argument("survey_id", type=int)


async def run(invocation: Invocation) -> int:
    """Run one `services` or `surveys` subcommand."""
    settings, args = invocation.settings, invocation.args
    app = await invocation.app()
    try:
        async with app.sessions() as session, session.begin():
            if args.command == "services" and args.action == "create":
                service = await create_service(session, None, args.tender_id, args.title)
                print(f"service {service.id}: join code {service.join_code}")
            elif args.command == "services":
                service = await service_for_staff(session, None, args.service_id)
                found = _list_file(args.file)
                report = await enrol_phones(session, service, found.lines, found.delimiter)
                print(
                    f"added: {report.added}, already enrolled: {report.already}, "
                    f"repeated: {report.repeated}, bad: {len(report.bad)}"
                )
                for line in report.refused:
                    print(
                        f"line {line.number}: {REFUSALS[line.outcome]}: {line.text}",
                        file=sys.stderr,
                    )
            elif args.action == "import":
                await _import(session, settings, args)
            elif args.action == "close":
                await _close(session, args.survey_id)
            else:
                figures = await results(session, args.survey_id, settings.report_min_group)
                print(json.dumps(dataclasses.asdict(figures), ensure_ascii=False, indent=2))
                for question in figures.questions:
                    if question.withheld:
                        print(
                            f"question {question.position}: {question.answered} answers, "
                            f"{TOO_FEW} (REPORT_MIN_GROUP={settings.report_min_group})",
                            file=sys.stderr,
                        )
    except (SurveyError, SurveyFileError, ListFileError, LookupError) as error:
        raise ValueError(str(error)) from None
    return 0


async def _close(session: AsyncSession, survey_id: int) -> None:
    # locked as the tick locks it, so a reminder being sent right now finishes first
    survey = await session.get(Survey, survey_id, with_for_update={"key_share": True})
    if survey is None:
        raise ValueError(f"no survey {survey_id}")
    survey.status = SurveyStatus.closed
    print(f"survey {survey.id}: closed")


def _list_file(path: Path) -> ListFile:
    """The list in the file (or stdin), in any encoding a spreadsheet writes."""
    if str(path) == "-":
        return read_list_file(sys.stdin.buffer.read())
    try:
        return read_list_file(path.read_bytes())
    except OSError as error:
        raise ValueError(f"{path}: {error.strerror}") from None


async def _import(session: AsyncSession, settings: Settings, args: argparse.Namespace) -> None:
    zone = settings.timezone
    found = load_survey_file(args.file, zone)
    for gap in found.missing_languages():
        print(f"warning: not translated ({gap}): the closest language is shown", file=sys.stderr)
    if args.at:
        send_at = parse_local(args.at, zone)
    elif args.now:
        send_at = utcnow()
    elif found.send_at is not None:
        send_at = found.send_at
    else:
        raise ValueError("say when the invitations go: --at, --now, or send_at in the file")
    if send_at < utcnow() and not args.now:
        raise ValueError("the time of the invitations has passed (use --now to send at once)")
    if args.remind_at:
        remind_at = parse_local(args.remind_at, zone)
    elif args.remind_after_days is not None:
        remind_at = send_at + timedelta(days=args.remind_after_days)
    else:
        remind_at = reminder_time(found, send_at)
    survey = await create_survey(session, None, args.service_id, found.draft, send_at, remind_at)
    reminder = local_time(remind_at, zone) if remind_at else "none"
    print(
        f"survey {survey.id}: {len(found.draft.questions)} questions; "
        f"invitations at {local_time(send_at, zone)}, reminder {reminder} ({zone})"
    )


COMMANDS = (
    Command("services", "delivered services and their beneficiaries", run, service_arguments),
    Command("surveys", "feedback surveys of services", run, survey_arguments),
)
