"""`kenesh web link ADDRESS` as an operator runs it."""

from __future__ import annotations

from bot.web.commands import parse_address
from tests.processes import kenesh, lines

SECRET = "operator-secret-key-long-enough-0123456789abcdef"


def test_addresses_as_people_are_known() -> None:
    assert parse_address("0555 123 456") == [
        ("sms", "+996555123456"),
        ("whatsapp", "+996555123456"),
    ]
    assert parse_address("telegram:12345") == [("telegram", "12345")]
    assert parse_address("whatsapp:+996 555 123 456") == [("whatsapp", "+996555123456")]
    assert parse_address("sim:alice") == [("sim", "alice")]
    assert parse_address("sim:") == [] and parse_address("hello") == []


async def test_links_for_staff_only(cli_env) -> None:
    env = {**cli_env, "SECRET_KEY": SECRET}
    onboarding = lines("hi", "4", "Barpy", "1", "1")
    assert kenesh(env, "chat", "--as", "alice", script=onboarding).returncode == 0
    resident = kenesh(env, "web", "link", "sim:alice")
    assert resident.returncode == 1 and "not staff or admin" in resident.stderr
    assert resident.stdout == ""
    code = kenesh(env, "invite", "--role", "staff", "--municipality", "JA-SUZAK-BARPY").stdout
    assert kenesh(env, "chat", "--as", "alice", script=lines(code.strip())).returncode == 0
    staff = kenesh(env, "web", "link", "sim:alice")
    assert staff.returncode == 0, staff.stderr
    assert staff.stdout.startswith("http://127.0.0.1:8080/staff/sign-in/")
    public = kenesh({**env, "PUBLIC_URL": "https://kenesh.example.kg"}, "web", "link", "sim:alice")
    assert public.stdout.startswith("https://kenesh.example.kg/staff/sign-in/")
    unknown = kenesh(env, "web", "link", "telegram:999")
    assert unknown.returncode == 1 and "no one is known" in unknown.stderr
    nonsense = kenesh(env, "web", "link", "hello")
    assert nonsense.returncode == 2 and "not an address" in nonsense.stderr
    no_key = kenesh(cli_env, "web", "link", "sim:alice")
    assert no_key.returncode == 1 and "SECRET_KEY" in no_key.stderr
