"""The HTTP app through the whole ASGI stack (no socket)."""

from __future__ import annotations

import time

import httpx
from prometheus_client.parser import text_string_to_metric_families

from bot.app import App
from bot.http import create_http_app
from bot.settings import Settings
from models.db import create_engine, create_sessionmaker


async def get(app: App, path: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=create_http_app(app))
    async with httpx.AsyncClient(transport=transport, base_url="http://kenesh") as client:
        return await client.get(path)


async def test_healthz_answers_when_the_database_does(app) -> None:
    response = await get(app, "/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


async def test_healthz_fails_when_the_database_is_unreachable(app, tmp_path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/missing/dir/k.db")
    broken = App(Settings(), engine, create_sessionmaker(engine), app.conversation)
    response = await get(broken, "/healthz")
    assert response.status_code == 503
    await engine.dispose()


async def test_metrics_describe_the_process(app) -> None:
    """Memory, CPU time, open files and start time, under Prometheus's standard names."""
    response = await get(app, "/metrics")
    found = {
        sample.name: sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }
    assert found["process_resident_memory_bytes"] > 1_000_000
    assert found["process_virtual_memory_bytes"] >= found["process_resident_memory_bytes"]
    assert found["process_cpu_seconds_total"] > 0
    assert found["process_open_fds"] >= 3  # stdin, stdout, stderr at least
    assert 0 < found["process_start_time_seconds"] <= time.time()
    assert "python_info" in found
