"""`kenesh open311 key NAME` through the real command, and its key used against `kenesh serve`."""

from __future__ import annotations

import asyncio
import hashlib
import re
import subprocess
import time

import httpx
from georeport import GeoReport
from sqlalchemy import select

from models import ApiKey, Need
from models.db import create_engine, create_sessionmaker
from tests.handlers.needs.open311.test_submit import NEW
from tests.processes import KENESH, free_port, kenesh


async def stored(url: str, model: type) -> list:
    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session:
            return list((await session.scalars(select(model))).all())
    finally:
        await engine.dispose()


def serve(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    """`kenesh serve` on `port` (no channels configured: just the HTTP app)."""
    return subprocess.Popen(
        [*KENESH, "serve"],
        env={**env, "HTTP_PORT": str(port)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


async def wait_until_up(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 60
    async with httpx.AsyncClient() as http:
        while True:
            try:
                if (await http.get(url)).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            assert process.poll() is None, "kenesh serve exited"
            assert time.monotonic() < deadline, "kenesh serve did not answer"
            await asyncio.sleep(0.2)


async def test_a_key_is_printed_once_and_stored_as_its_sha256(cli_env) -> None:
    created = kenesh(cli_env, "open311", "key", "city-portal")
    assert created.returncode == 0, created.stderr
    key = created.stdout.strip()
    assert re.fullmatch(r"[A-Za-z0-9_-]{32,}", key), created.stdout
    assert "not shown again" in created.stderr
    [row] = await stored(cli_env["DATABASE_URL"], ApiKey)
    assert row.name == "city-portal" and row.revoked_at is None
    assert row.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in repr([row.name, row.key_hash, row.created_at])

    again = kenesh(cli_env, "open311", "key", "city-portal")
    assert again.returncode == 2 and again.stdout == ""
    assert "an API key named 'city-portal' exists already" in again.stderr
    other = kenesh(cli_env, "open311", "key", "school-app").stdout.strip()
    assert other != key

    listed = kenesh(cli_env, "open311", "keys")
    assert [line.split("\t")[0] for line in listed.stdout.splitlines()] == [
        "city-portal",
        "school-app",
    ]
    assert key not in listed.stdout


async def test_the_commands_key_works_against_kenesh_serve_until_revoked(cli_env) -> None:
    key = kenesh(cli_env, "open311", "key", "city-portal").stdout.strip()
    port = free_port()
    process = serve(cli_env, port)
    base = f"http://127.0.0.1:{port}/open311/v2"
    try:
        await wait_until_up(f"{base}/discovery.json", process)
        async with httpx.AsyncClient(base_url=base) as http:
            posted = await http.post("/requests.json", data={**NEW, "api_key": key})
            assert posted.status_code == 200, posted.text
            reference = posted.json()[0]["service_request_id"]
            client = GeoReport(base)
            listed = await asyncio.to_thread(client.get_service_requests)
            assert [r["service_request_id"] for r in listed] == [reference]
            assert (await asyncio.to_thread(client.get_service_request, reference))[
                "description"
            ] == NEW["description"]

            revoked = kenesh(cli_env, "open311", "revoke", "city-portal")
            assert revoked.returncode == 0 and "revoked" in revoked.stdout
            refused = await http.post("/requests.json", data={**NEW, "api_key": key})
            assert refused.status_code == 403
    finally:
        process.terminate()
        process.wait(timeout=30)
    [need] = await stored(cli_env["DATABASE_URL"], Need)
    assert need.reference == reference and need.reporter_id is None
    again = kenesh(cli_env, "open311", "revoke", "city-portal")
    assert again.returncode == 2 and "revoked already" in again.stderr
    unknown = kenesh(cli_env, "open311", "revoke", "nobody")
    assert unknown.returncode == 2 and "no API key is named 'nobody'" in unknown.stderr
