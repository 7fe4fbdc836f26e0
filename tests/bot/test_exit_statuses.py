"""One exit-status convention for every `kenesh` command (README, "Exit status"): 0 done, 1 a
check's answer "invalid" (`tenders validate`), 2 refused with nothing done — argparse's own
refusals and ours alike. Run in-process (`bot.cli.main`): a subprocess per case would cost
seconds each."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import cli, wiring
from bot.settings import get_settings

# (argv, what stderr says); {tmp} is the test's folder, where nothing exists unless written
REFUSED = [
    (["db"], "required: db_command"),
    (["serve", "--port", "1"], "unrecognized arguments"),
    (["chat", "--as"], "expected one argument"),
    (["seed", "--municipalities", "{tmp}/nowhere.csv"], "nowhere.csv: no such file"),
    (["seed", "--categories", "{tmp}/bad.csv"], "bad.csv: missing columns"),
    (["invite", "--role", "resident"], "invalid choice: 'resident'"),
    (["invite", "--role", "staff"], "needs --municipality"),
    (["invite", "--role", "staff", "--municipality", "NOWHERE"], "no municipality with code"),
    (["invite", "--role", "admin", "--days", "-3"], "-3: at least 1 day"),
    (["invite", "--role", "admin", "--days", "0"], "0: at least 1 day"),
    (["invite", "--role", "admin", "--days", "two"], "not a whole number of days"),
    (
        ["invite", "--role", "admin", "--municipality", "JA-SUZAK-BARPY"],
        "an admin acts for every municipality: leave out --municipality",
    ),
    (["open311", "revoke", "nobody"], "no API key is named 'nobody'"),
    (["tenders", "validate", "{tmp}/nowhere.json"], "nowhere.json: No such file"),
    (["tenders", "import", "{tmp}/nowhere.json"], "nowhere.json: No such file"),
    (["tenders", "import", "{tmp}/bad.json"], "not JSON"),
    (["broadcast", "send", "--all", "--text", "en=Hi", "--at", "2020-01-01 10:00"], "has passed"),
    (["broadcast", "send", "--all", "--text", "en=Hi", "--at", "01.01.2020 10:00"], "has passed"),
    (["broadcast", "send", "--all", "--text", "en=Hi", "--at", "soon"], "DD.MM.YYYY HH:MM"),
    (["broadcast", "send", "--municipality", "NOWHERE", "--text", "en=Hi"], "no municipality"),
    (["broadcast", "cancel", "999"], "no broadcast 999"),
    (["broadcast", "report", "x"], "invalid int value"),
    (["services", "create", "999", "Home care"], "there is no tender 999"),
    (["services", "enrol", "999", "{tmp}/phones.csv"], "999"),
    (["surveys", "import", "{tmp}/nowhere.yaml", "1", "--now"], "nowhere.yaml"),
    (["surveys", "import", "{tmp}/s.yaml", "1", "--remind-after-days", "0"], "at least 1 day"),
    (["surveys", "results", "999"], "999"),
    (["surveys", "close", "999"], "no survey 999"),
    (["web"], "required"),
    (["whatsapp"], "required"),
    (["municipalities"], "required"),
]


@pytest.fixture
def run(cli_env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """`kenesh ARGV…` in this process, on the test's database: (status, stderr)."""
    for name, value in cli_env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    (tmp_path / "bad.csv").write_text("code\nX\n", encoding="utf-8")
    (tmp_path / "bad.json").write_text("{", encoding="utf-8")
    (tmp_path / "phones.csv").write_text("0555123456\n", encoding="utf-8")

    def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
        capsys.readouterr()
        argv = [part.replace("{tmp}", str(tmp_path)) for part in argv]
        try:
            status = cli.main(argv)
        except SystemExit as exit:  # argparse's refusals
            status = exit.code
        return status, capsys.readouterr().err

    yield _run
    get_settings.cache_clear()


def test_every_refusal_exits_with_status_2_and_says_why(run, capsys) -> None:
    for argv, reason in REFUSED:
        status, err = run(argv, capsys)
        assert status == 2, (argv, status, err)
        assert reason in err, (argv, err)


def test_every_command_has_its_refusals_tested() -> None:
    tested = {argv[0] for argv, _ in REFUSED}
    assert {command.name for command in wiring.load().commands} <= tested


def test_a_check_that_finds_the_file_invalid_exits_with_1(run, capsys, tmp_path) -> None:
    status, err = run(["tenders", "validate", str(tmp_path / "bad.json")], capsys)
    assert (status, "not JSON" in err) == (1, True)
