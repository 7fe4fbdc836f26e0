"""Running the real `kenesh` command in tests."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

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


def wait_healthy(port: int, process: subprocess.Popen[str], timeout: float = 60) -> None:
    """Wait until `kenesh serve` on `port` answers /healthz with 200 (or raise if it died)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:
                assert answer.status == 200
                return
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                raise
            time.sleep(0.2)


def serve_while(env: dict[str, str], action: Callable[[], T]) -> tuple[T, str, str]:
    """Start `kenesh serve` on env's HTTP_PORT, wait until it is healthy, run `action`, stop it:
    what `action` returned, and the process's stdout and stderr."""
    process = subprocess.Popen(
        [*KENESH, "serve"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        wait_healthy(int(env["HTTP_PORT"]), process)
        result = action()
    finally:
        process.terminate()
        out, err = process.communicate(timeout=30)
    return result, out, err
