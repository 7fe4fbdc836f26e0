"""The fake Graph API holds messages to the Cloud API's documented limits, at their edges."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from tests.fakes.whatsapp_api import FakeGraph

TO = "996555000001"


@pytest.fixture
async def graph() -> AsyncIterator[FakeGraph]:
    server = FakeGraph()
    await server.start()
    server.opened(TO)
    yield server
    await server.stop()


async def send(
    graph: FakeGraph, message: dict[str, Any], token: str | None = None
) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {token or graph.token}"}
    body = {"messaging_product": "whatsapp", "to": TO, **message}
    url = f"{graph.base_url}/v23.0/{graph.phone_number_id}/messages"
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, json=body, headers=headers) as r,
    ):
        answer = await r.json()
    return r.status, answer.get("error", {}).get("code") if r.status != 200 else answer


def buttons(*titles: str, body: str = "Choose") -> dict[str, Any]:
    action = {
        "buttons": [
            {"type": "reply", "reply": {"id": f"b{i}", "title": t}} for i, t in enumerate(titles)
        ]
    }
    return {
        "type": "interactive",
        "interactive": {"type": "button", "body": {"text": body}, "action": action},
    }


def listing(
    rows: list[dict[str, str]], body: str = "Choose", button: str = "Options"
) -> dict[str, Any]:
    action = {"button": button, "sections": [{"rows": rows}]}
    return {
        "type": "interactive",
        "interactive": {"type": "list", "body": {"text": body}, "action": action},
    }


async def test_text_up_to_4096(graph) -> None:
    assert (await send(graph, {"type": "text", "text": {"body": "a" * 4096}}))[0] == 200
    assert await send(graph, {"type": "text", "text": {"body": "a" * 4097}}) == (400, 131009)


async def test_three_buttons_of_twenty_characters_unique(graph) -> None:
    assert (await send(graph, buttons("a" * 20, "b", "c")))[0] == 200
    assert await send(graph, buttons("a" * 21)) == (400, 131009)
    assert await send(graph, buttons("a", "b", "c", "d")) == (400, 131009)
    assert await send(graph, buttons("same", "same")) == (400, 131009)
    assert (await send(graph, buttons("a", body="x" * 1024)))[0] == 200
    assert await send(graph, buttons("a", body="x" * 1025)) == (400, 131009)


async def test_a_list_of_ten_rows_with_24_and_72_characters(graph) -> None:
    rows = [{"id": f"r{i}", "title": "t" * 24, "description": "d" * 72} for i in range(10)]
    assert (await send(graph, listing(rows)))[0] == 200
    assert await send(graph, listing([*rows, {"id": "r10", "title": "x"}])) == (400, 131009)
    assert await send(graph, listing([{"id": "r", "title": "t" * 25}])) == (400, 131009)
    assert await send(graph, listing([{"id": "r", "title": "t", "description": "d" * 73}])) == (
        400,
        131009,
    )
    assert await send(graph, listing([{"id": "r", "title": "t"}], button="b" * 21)) == (400, 131009)


async def test_the_window_templates_and_the_token(graph) -> None:
    graph.close_window(TO)
    assert await send(graph, {"type": "text", "text": {"body": "hi"}}) == (400, 131047)
    template = {"name": "kenesh_notice", "language": {"code": "en"}, "components": []}
    assert await send(graph, {"type": "template", "template": template}) == (400, 132001)
    graph.approve("kenesh_notice", "en", "News: {{1}}. Reply to continue.")
    assert await send(graph, {"type": "template", "template": template}) == (400, 132000)
    template["components"] = [{"type": "body", "parameters": [{"type": "text", "text": "a\nb"}]}]
    assert await send(graph, {"type": "template", "template": template}) == (400, 132018)
    template["components"][0]["parameters"][0]["text"] = "a b"
    status, _ = await send(graph, {"type": "template", "template": template})
    assert status == 200 and graph.messages[-1].text == "News: a b. Reply to continue."
    assert await send(graph, {"type": "text", "text": {"body": "hi"}}, token="wrong") == (401, 190)
