"""A POST without jurisdiction_id: a key bound to one municipality reports there; otherwise the
city or ayil aimak whose point is nearest lat/long; otherwise 400 as before."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from handlers.needs.open311.keys import ApiKeyError, create_api_key
from models import Municipality, Need
from tests.handlers.needs.open311.conftest import Served
from tests.handlers.needs.open311.test_submit import NEW

WITHOUT = {k: v for k, v in NEW.items() if k != "jurisdiction_id"}


async def need_place(app) -> str:
    async with app.sessions() as session:
        need = await session.scalar(select(Need))
        return (await session.get(Municipality, need.municipality_id)).code


async def test_a_key_bound_to_a_municipality_needs_no_jurisdiction(app, served: Served) -> None:
    async with app.sessions() as session, session.begin():
        _, key = await create_api_key(session, "barpy-portal", "ja-suzak-barpy")
    async with httpx.AsyncClient(base_url=served.url) as http:
        far_away = {**WITHOUT, "lat": "42.49", "long": "78.39"}  # Karakol: the key decides
        response = await http.post("/requests.json", data={**far_away, "api_key": key})
    assert response.status_code == 200, response.text
    assert await need_place(app) == "JA-SUZAK-BARPY"


async def test_without_a_bound_key_the_nearest_point_decides(app, served: Served) -> None:
    async with app.sessions() as session, session.begin():
        _, key = await create_api_key(session, "national-portal")
    async with httpx.AsyncClient(base_url=served.url) as http:
        near_karakol = {**WITHOUT, "lat": "42.50", "long": "78.40", "api_key": key}
        response = await http.post("/requests.json", data=near_karakol)
    assert response.status_code == 200, response.text
    assert await need_place(app) == "IK-KARAKOL"


async def test_without_a_bound_key_or_a_point_it_is_400(app, served: Served) -> None:
    async with app.sessions() as session, session.begin():
        _, key = await create_api_key(session, "words-only")
    async with httpx.AsyncClient(base_url=served.url) as http:
        words_only = {**WITHOUT, "lat": "", "long": "", "api_key": key}
        response = await http.post("/requests.json", data=words_only)
    assert response.status_code == 400
    assert "jurisdiction_id is required" in response.json()[0]["description"]


async def test_a_key_is_bound_only_to_a_city_or_ayil_aimak(app) -> None:
    async with app.sessions() as session, session.begin():
        with pytest.raises(ApiKeyError, match="JA is not a current city or ayil aimak code"):
            await create_api_key(session, "region-portal", "JA")
