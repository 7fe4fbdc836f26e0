"""Open311 requests no honest client sends: NUL bytes in paths and parameters, a body too large,
JSON nested too deeply, control characters in the fields. Each gets the spec's error list
with a 4xx (or is stored cleaned), never a 500, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from models import Need
from tests.factories import HOME
from tests.handlers.needs.open311.conftest import Served

NUL_GETS = [
    "/services/%00.json",
    "/services/%00.xml",
    "/services.json?jurisdiction_id=%00",
    "/services/water.json?jurisdiction_id=%00",
    "/requests.json?service_code=%00",
    "/requests.json?jurisdiction_id=%00",
    "/requests.xml?status=open%00",
    "/requests.json?start_date=2026-01-01%00",
    "/requests/N-000001%00.json",
    "/requests.json?service_request_id=%00",
    "/requests.json?lang=%00&service_code=water%1b",
]


@pytest.mark.parametrize("path", NUL_GETS)
async def test_a_nul_byte_in_a_get_is_a_400_in_the_spec_format(served: Served, path) -> None:
    async with httpx.AsyncClient(base_url=served.url) as http:
        response = await http.get(path)
    assert response.status_code in (400, 404), response.text
    if ".xml" in path:
        assert (
            "<errors>" in response.text and f"<code>{response.status_code}</code>" in response.text
        )
    else:
        [error] = response.json()
        assert error["code"] == response.status_code and error["description"]


async def test_a_post_too_large_is_a_413_in_the_spec_format(served: Served, api_key) -> None:
    fields = {"api_key": api_key, "service_code": "water", "jurisdiction_id": HOME}
    async with httpx.AsyncClient(base_url=served.url) as http:
        response = await http.post(
            "/requests.json",
            data={**fields, "description": "x" * 200_000, "lat": "41", "long": "72"},
        )
    assert response.status_code == 413
    assert response.json()[0]["code"] == 413


async def test_json_nested_too_deeply_is_a_400(served: Served) -> None:
    async with httpx.AsyncClient(base_url=served.url) as http:
        response = await http.post(
            "/requests.json",
            content=b'{"a":' + b"[" * 20_000 + b"]" * 20_000 + b"}",
            headers={"Content-Type": "application/json"},
        )
    assert response.status_code == 400 and response.json()[0]["code"] == 400


@pytest.mark.parametrize("encoding", ["form", "json"])
async def test_control_characters_in_the_fields_are_stored_cleaned(
    app, served: Served, api_key, encoding
) -> None:
    fields = {
        "api_key": api_key,
        "service_code": "water\x00",
        "jurisdiction_id": HOME,
        "description": "The pump\x00 is broken\x1b since Monday",
        "address_string": "School\x00 No. 3",
    }
    async with httpx.AsyncClient(base_url=served.url) as http:
        if encoding == "form":
            response = await http.post("/requests.json", data=fields)
        else:
            response = await http.post("/requests.json", json=fields)
    assert response.status_code == 200, response.text
    async with app.sessions() as session:
        need = await session.scalar(select(Need))
    assert (need.description, need.place) == ("The pump is broken since Monday", "School No. 3")
