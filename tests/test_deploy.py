"""Promises of the Dockerfile and docker-compose.yml, read as files (no image is built here, there
is no network to pull one): the bot runs as a non-root user, both declare a health check that
really tells a healthy bot from a sick one, and no password is written in compose: every value
it reads comes from .env, and .env.example lists each one."""

from __future__ import annotations

import asyncio
import http.server
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from tests.processes import free_port, serve_while

ROOT = Path(__file__).resolve().parent.parent
COMPOSE_TEXT = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
COMPOSE = yaml.safe_load(COMPOSE_TEXT)
EXAMPLE = (ROOT / ".env.example").read_text(encoding="utf-8")
# ${VAR}, ${VAR:-default}, ${VAR:?message}, ${VAR-default}… as compose interpolates them
REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:[:]?[-?+][^}]*)?\}")


def instructions() -> list[tuple[str, str]]:
    """The Dockerfile's instructions (name, arguments), continuation lines joined."""
    joined = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text(encoding="utf-8"))
    found = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, arguments = line.partition(" ")
            found.append((name.upper(), arguments.strip()))
    return found


def dockerfile_healthcheck() -> str:
    [check] = [arguments for name, arguments in instructions() if name == "HEALTHCHECK"]
    options, _, command = check.partition("CMD ")
    assert command, "HEALTHCHECK has no CMD (or is NONE)"
    assert all(option.startswith("--") for option in options.split()), options
    return command


def compose_healthcheck() -> list[str]:
    test = COMPOSE["services"]["bot"]["healthcheck"]["test"]
    assert test[0] == "CMD", "an exec-form check: the image has python, not curl"
    return test[1:]


def test_the_image_runs_as_a_user_that_is_not_root() -> None:
    users = [arguments for name, arguments in instructions() if name == "USER"]
    assert users, "the Dockerfile sets no USER: the bot would run as root"
    user, _, group = users[-1].partition(":")
    assert user not in ("root", "0") and group not in ("root", "0"), users[-1]
    names = [name for name, _ in instructions()]
    assert names.index("USER") < names.index("CMD"), "USER after CMD changes nothing"


def test_compose_writes_no_password() -> None:
    db = COMPOSE["services"]["db"]["environment"]
    assert REFERENCE.fullmatch(db["POSTGRES_PASSWORD"]), "POSTGRES_PASSWORD must come from .env"
    for service in COMPOSE["services"].values():
        for name, value in (service.get("environment") or {}).items():
            value = str(value)
            if re.search(r"PASSWORD|SECRET|TOKEN|KEY", name):
                assert value == "" or REFERENCE.fullmatch(value), f"{name} is written in compose"
            for password in re.findall(r"://[^:/@\s]+:([^@\s]+)@", value):
                assert REFERENCE.fullmatch(password), f"{name} has a password in its URL"


def test_every_variable_compose_reads_is_in_the_example_env_file() -> None:
    read = set(REFERENCE.findall(COMPOSE_TEXT))
    listed = set(re.findall(r"^([A-Z_][A-Z0-9_]*)=", EXAMPLE, re.MULTILINE))
    assert "POSTGRES_PASSWORD" in read
    assert read - listed == set(), "add these to .env.example"
    assert listed - read == set(), ".env.example lists what compose never reads"
    ignored = (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert ".env" in ignored, "the filled-in .env must never be committed"


def test_the_required_password_stops_compose_with_a_message_when_unset() -> None:
    """`${POSTGRES_PASSWORD:?…}`: compose refuses to start without it, instead of an empty one."""
    references = re.findall(r"\$\{POSTGRES_PASSWORD(:?[-?+])?([^}]*)\}", COMPOSE_TEXT)
    assert references and all(kind == ":?" and ".env" in message for kind, message in references), (
        references
    )


@pytest.fixture(scope="module")
def sick() -> Iterator[int]:
    """A server whose /healthz answers 503, as the bot's does when its database does not."""

    class Sick(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # http.server's name
            self.send_response(503)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Sick)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()


def check(command: list[str], port: int) -> int:
    """Run a health check command as the container would, with python on PATH: its status."""
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    env = {**os.environ, "PATH": path, "HTTP_PORT": str(port)}
    return subprocess.run(command, env=env, capture_output=True, timeout=30).returncode


def test_both_health_checks_fail_on_a_sick_or_silent_bot(sick: int) -> None:
    for command in (["/bin/sh", "-c", dockerfile_healthcheck()], compose_healthcheck()):
        assert check(command, sick) != 0, command
        assert check(command, free_port()) != 0, command


async def test_both_health_checks_pass_on_a_running_bot(cli_env) -> None:
    port = free_port()
    commands = (["/bin/sh", "-c", dockerfile_healthcheck()], compose_healthcheck())
    statuses, _, _ = await asyncio.to_thread(
        serve_while, {**cli_env, "HTTP_PORT": str(port)}, lambda: [check(c, port) for c in commands]
    )
    assert statuses == [0, 0]


def _packaged(relative: str, patterns: list[str]) -> bool:
    """Whether setuptools' package-data `patterns` take the file `relative` to its package:
    each `*` stands within one folder, as in setuptools' globs."""
    from fnmatch import fnmatchcase

    parts = relative.split("/")
    for pattern in patterns:
        wanted = pattern.split("/")
        if len(wanted) == len(parts) and all(map(fnmatchcase, parts, wanted)):
            return True
    return False


def test_every_template_static_file_and_catalog_is_in_the_installed_package() -> None:
    """The image installs the project with `pip install .`, not as a checkout: a template or
    stylesheet that package-data leaves out works in the tests and is missing in production."""
    import tomllib

    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    package_data = config["tool"]["setuptools"]["package-data"]
    tracked = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    left_out = []
    for path in tracked:
        package, _, relative = path.partition("/")
        data = package in package_data and not path.endswith(".py")
        if data and not _packaged(relative, package_data[package]):
            left_out.append(path)
    assert left_out == [], "add these to [tool.setuptools.package-data] in pyproject.toml"
