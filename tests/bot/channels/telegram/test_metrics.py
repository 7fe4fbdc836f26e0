"""GET /metrics (bot/metrics.py), driven by Telegram traffic: Prometheus text with traffic,
latency, deliveries and the outbox depth."""

from __future__ import annotations

import httpx
from prometheus_client.parser import text_string_to_metric_families

from tests.bot.channels.telegram.conftest import TelegramUser


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


async def test_metrics_count_what_happened(webhook_bot, fake) -> None:
    user = TelegramUser(webhook_bot, 901)
    await user.say("/start")
    await user.press("English")
    webhook_bot.fake.block(901)
    await user.say("help")

    transport = httpx.ASGITransport(app=webhook_bot.http)
    async with httpx.AsyncClient(transport=transport, base_url="http://kenesh") as client:
        response = await client.get("/metrics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    found = samples(response.text)
    telegram = (("channel", "telegram"),)
    assert found[("kenesh_inbound_messages_total", telegram)] == 3
    assert found[("kenesh_handler_seconds_count", telegram)] == 3
    assert found[("kenesh_outbox_sent_total", telegram)] == 2
    assert (
        found[("kenesh_outbox_failed_total", (("channel", "telegram"), ("reason", "unreachable")))]
        == 1
    )
    assert found[("kenesh_outbox_messages", (("channel", "telegram"), ("state", "sent")))] == 2
    assert found[("kenesh_outbox_messages", (("channel", "telegram"), ("state", "failed")))] == 1
