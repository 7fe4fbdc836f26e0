"""Running the real `kenesh` command in tests."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

KENESH = [str(Path(sys.executable).parent / "kenesh")]


def kenesh(env: dict[str, str], *args: str, script: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*KENESH, *args], input=script, env=env, capture_output=True, text=True, timeout=120
    )


def lines(*items: str) -> str:
    return "\n".join(items) + "\n"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]
