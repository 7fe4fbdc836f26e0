"""The `kenesh` command as operators and newcomers run it: scripted chats in every language, a
staff member invited by code, a kill mid-conversation, seeding, invites, serve."""

from __future__ import annotations

import csv
import re
import select
import signal
import subprocess
import time
import urllib.request

from sqlalchemy import select as sql_select

from bot.i18n import translator
from bot.reference import CATEGORIES_CSV, MUNICIPALITIES_CSV
from models import Need, NeedStatus
from models.db import create_engine, create_sessionmaker
from tests.processes import KENESH, free_port, kenesh, lines

LANGUAGE_NUMBER = {"ky": "1", "ru": "2", "uz": "3", "en": "4"}
WATER = {
    "ky": "Суу менен камсыздоо",
    "ru": "Водоснабжение",
    "uz": "Suv ta’minoti",
    "en": "Water supply",
}


async def stored_needs(env: dict[str, str]) -> list[Need]:
    engine = create_engine(env["DATABASE_URL"])
    try:
        async with create_sessionmaker(engine)() as session:
            return list((await session.scalars(sql_select(Need).order_by(Need.id))).all())
    finally:
        await engine.dispose()


async def test_scripted_chats_in_four_languages_and_a_staff_member_answers(cli_env) -> None:
    references = {}
    for language in LANGUAGE_NUMBER:
        tr = translator(language)
        run = kenesh(
            cli_env,
            "chat",
            "--as",
            f"resident-{language}",
            script=lines(
                "hi",
                LANGUAGE_NUMBER[language],
                "Барпы",
                "1",  # language, municipality, it is right, consent
                "1",
                "1",
                WATER[language],
                f"No water in {language}",
                "0",
                "Lenin street 5",
                "1",
            ),
        )
        assert run.returncode == 0, run.stderr
        found = re.search(r"N-\d{6}", run.stdout)
        assert found, run.stdout
        assert (
            tr.t(
                "Thank you! Your report has been sent to the municipality. Its number is {ref}.",
                ref=found.group(),
            )
            in run.stdout
        )
        references[language] = found.group()

    needs = await stored_needs(cli_env)
    assert {n.reference: (n.language, n.description) for n in needs} == {
        ref: (lang, f"No water in {lang}") for lang, ref in references.items()
    }

    invite = kenesh(cli_env, "invite", "--role", "staff", "--municipality", "JA-SUZAK-BARPY")
    assert invite.returncode == 0, invite.stderr
    code = invite.stdout.strip()
    assert re.fullmatch(r"KNS-[A-Z0-9]{4}-[A-Z0-9]{4}", code)
    staff_script = [code, "4", "Barpy", "1", "1"]
    for ref in references.values():
        # menu → staff needs → open by number → "in progress" → a comment
        staff_script += [
            "Needs of my municipality (staff)",
            ref,
            "in progress",
            "Plumber on Tuesday",
            "Yes",  # after the preview of what the resident receives
        ]
    staff = kenesh(cli_env, "chat", "--as", "officer", script=lines(*staff_script))
    assert staff.returncode == 0, staff.stderr
    assert staff.stdout.count("The resident has been told.") == 4

    assert {n.status for n in await stored_needs(cli_env)} == {NeedStatus.in_progress}
    for language, ref in references.items():
        tr = translator(language)
        opened = kenesh(cli_env, "chat", "--as", f"resident-{language}")
        notice = tr.t("Your report {ref} is now: {status}.", ref=ref, status=tr.t("in progress"))
        assert notice in opened.stdout, opened.stdout
        assert (
            tr.t("Comment from the municipality: {comment}", comment="Plumber on Tuesday")
            in opened.stdout
        )


def read_until(process: subprocess.Popen[str], marker: str, timeout: float = 60) -> str:
    """Read the process's stdout until `marker` appears."""
    seen = ""
    deadline = time.monotonic() + timeout
    assert process.stdout is not None
    while marker not in seen:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not select.select([process.stdout], [], [], remaining)[0]:
            raise AssertionError(f"{marker!r} never came; got:\n{seen}")
        line = process.stdout.readline()
        if not line:
            raise AssertionError(f"process ended before {marker!r}:\n{seen}")
        seen += line
    return seen


async def test_killed_mid_conversation_resumes_at_the_same_question(cli_env) -> None:
    process = subprocess.Popen(
        [*KENESH, "chat", "--as", "victim"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=cli_env,
        bufsize=1,
    )
    assert process.stdin is not None
    process.stdin.write(lines("hi", "4", "Barpy", "1", "1", "1", "Health"))
    process.stdin.flush()
    read_until(process, "Describe the need")
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)

    resumed = kenesh(
        cli_env, "chat", "--as", "victim", script=lines("The clinic is closed on Fridays")
    )
    assert resumed.returncode == 0, resumed.stderr
    first, _, rest = resumed.stdout.partition("> The clinic is closed on Fridays")
    assert "Describe the need" in first  # the question is asked again on opening
    assert "If you have a photo" in rest  # and the answer is taken for it


async def test_seed_is_idempotent_and_reports_bad_files(cli_env, tmp_path) -> None:
    created = kenesh(cli_env, "db", "upgrade")  # a new database: it says it made it
    assert re.fullmatch(
        r"database created: [1-9]\d* migrations applied, now at revision \d{4}\n", created.stdout
    ), created.stdout
    first = kenesh(cli_env, "seed")  # what it loaded, not "0 added"
    assert first.returncode == 0, first.stderr
    places = MUNICIPALITIES_CSV.read_text(encoding="utf-8").count("\n") - 1
    kinds = CATEGORIES_CSV.read_text(encoding="utf-8").count("\n") - 1
    with MUNICIPALITIES_CSV.open(encoding="utf-8") as handle:
        merged = sum(1 for row in csv.DictReader(handle) if row["successor"])
    assert merged >= 10  # Örüktü and Baltagulov into Ala-Buka, Jeti-Ögüz's 13 into 5 (2024)
    assert first.stdout == (
        f"municipalities: {places} added, 0 updated, {merged} merged into their successor\n"
        f"categories: {kinds} added, 0 updated\n"
    )
    custom = tmp_path / "places.csv"
    custom.write_text(
        "code,kind,parent_code,name_ky,name_ru,name_en\n"
        "TEST-TOWN,city,,Сыноо шаары,город Тест,Test town\n",
        encoding="utf-8",
    )
    added = kenesh(cli_env, "seed", "--municipalities", str(custom))
    assert "municipalities: 1 added, 0 updated" in added.stdout
    again = kenesh(cli_env, "seed", "--municipalities", str(custom))
    assert "municipalities: 0 added, 0 updated" in again.stdout
    custom.write_text(
        "code,kind,parent_code,name_ky,name_ru,name_en\nX,village,,a,b,c\n", encoding="utf-8"
    )
    bad = kenesh(cli_env, "seed", "--municipalities", str(custom))
    assert bad.returncode == 2 and "places.csv:2: unknown kind 'village'" in bad.stderr


async def test_invite_refuses_what_it_cannot_grant(cli_env) -> None:
    missing = kenesh(cli_env, "invite", "--role", "staff")
    assert missing.returncode == 2 and "needs --municipality" in missing.stderr
    unknown = kenesh(cli_env, "invite", "--role", "staff", "--municipality", "NOWHERE")
    assert unknown.returncode == 2 and "no municipality with code 'NOWHERE'" in unknown.stderr
    oblast = kenesh(cli_env, "invite", "--role", "staff", "--municipality", "JA")
    assert oblast.returncode == 2 and "not a municipality" in oblast.stderr
    assert re.fullmatch(
        r"database is up to date \(revision \d{4}\); nothing to do\n",
        kenesh(cli_env, "db", "upgrade").stdout,
    )


async def test_chat_refuses_an_id_no_address_can_hold(cli_env) -> None:
    long = kenesh(cli_env, "chat", "--as", "x" * 65, script="hi\n")
    assert long.returncode == 2 and "at most 64 characters (65)" in long.stderr
    assert "Traceback" not in long.stderr
    control = kenesh(cli_env, "chat", "--as", "bad\x1bid", script="hi\n")
    assert control.returncode == 2 and "without controls" in control.stderr
    longest = kenesh(cli_env, "chat", "--as", "x" * 64, script="hi\n")
    assert longest.returncode == 0, longest.stderr


async def test_serve_answers_healthz(cli_env) -> None:
    port = free_port()
    env = {**cli_env, "HTTP_PORT": str(port)}
    process = subprocess.Popen(
        [*KENESH, "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/healthz", timeout=2
                ) as response:
                    assert response.status == 200
                    break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise
                time.sleep(0.2)
    finally:
        process.terminate()
        process.wait(timeout=30)


async def test_broadcast_from_the_command_line(cli_env) -> None:
    assert kenesh(cli_env, "db", "upgrade").returncode == 0
    for i, language in enumerate(("ky", "ru")):
        script = lines("hi", LANGUAGE_NUMBER[language], "Барпы", "1", "1")
        assert kenesh(cli_env, "chat", "--as", f"listener-{i}", script=script).returncode == 0
    preview = kenesh(
        cli_env,
        "broadcast",
        "send",
        "--municipality",
        "JA-SUZAK-BARPY",
        "--text",
        "ru=Публичные слушания в пятницу",
        "--preview",
    )
    assert preview.returncode == 0, preview.stderr
    assert "recipients: sim 2; skipped (opted out or unreachable): 0" in preview.stdout
    sent = kenesh(
        cli_env,
        "broadcast",
        "send",
        "--municipality",
        "JA-SUZAK-BARPY",
        "--text",
        "ru=Публичные слушания в пятницу",
        "--text",
        "ky=Жума күнү коомдук угуу",
    )
    found = re.search(r"broadcast (\d+) queued: 2 messages", sent.stdout)
    assert found, sent.stdout + sent.stderr
    shown = kenesh(cli_env, "chat", "--as", "listener-0")
    assert "Жума күнү коомдук угуу" in shown.stdout  # each in their own language
    report = kenesh(cli_env, "broadcast", "report", found.group(1))
    assert report.stdout.strip() == "sim: delivered 1, queued 1"
    cancelled = kenesh(cli_env, "broadcast", "cancel", found.group(1))
    assert "1 messages will not be sent" in cancelled.stdout
    again = kenesh(cli_env, "broadcast", "cancel", found.group(1))
    assert again.returncode != 0 and "already cancelled; nothing to cancel" in again.stderr
    later = kenesh(
        cli_env,
        "broadcast",
        "send",
        "--all",
        "--text",
        "en=Later",
        "--at",
        "2099-01-01 10:00",
    )
    assert "scheduled for 2099-01-01T10:00:00+06:00" in later.stdout
    bad = kenesh(cli_env, "broadcast", "send", "--all", "--text", "nonsense")
    assert bad.returncode == 2 and "LANG=TEXT" in bad.stderr
