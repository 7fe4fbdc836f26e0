"""Reading the Open311 API with the third-party `georeport` client, over a real socket."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import httpx
from sqlalchemy import select

from models import Category, Municipality, Need
from models.base import utcnow
from tests.factories import ELSEWHERE, HOME
from tests.handlers.needs.open311.conftest import Reported, Served


async def read(call: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run a call of the blocking client off the loop the server runs on."""
    return await asyncio.to_thread(call, *args, **kwargs)


async def test_the_client_lists_every_category_as_a_service(served: Served) -> None:
    services = await read(served.client().get_service_list)
    by_code = {s["service_code"]: s for s in services}
    assert len(services) == 14 and by_code["water"]["service_name"] == "Water supply"
    assert by_code["water"]["metadata"] is False and by_code["water"]["type"] == "realtime"
    assert {"description", "keywords", "group"} <= set(by_code["water"])
    as_xml = await read(served.client("xml").get_service_list)
    assert [s["service_code"] for s in as_xml] == [s["service_code"] for s in services]
    assert as_xml[0]["metadata"] == "false" and as_xml[0]["type"] == "realtime"


async def test_service_names_come_in_the_requested_language(served: Served) -> None:
    async with httpx.AsyncClient(base_url=served.url) as http:
        russian = (await http.get("/services.json", params={"locale": "ru"})).json()
        kyrgyz = (await http.get("/services.json", headers={"Accept-Language": "ky-KG"})).json()
        uzbek = (await http.get("/services.xml", params={"lang": "uz_UZ"})).text
        preferred = await http.get("/services.json", headers={"Accept-Language": "de, ru;q=0.5"})
    names = {s["service_code"]: s["service_name"] for s in russian}
    assert names["water"] == "Водоснабжение"
    assert {s["service_code"]: s["service_name"] for s in kyrgyz}["water"] == "Суу менен камсыздоо"
    assert "<service_name>Suv ta’minoti</service_name>" in uzbek
    assert preferred.json()[0]["service_name"] == names["elderly"]


async def test_the_client_reads_a_service_definition(served: Served) -> None:
    definition = await read(served.client().get_service_definition, "water")
    assert definition == {"service_code": "water", "attributes": []}
    as_xml = await read(served.client("xml").get_service_definition, "water")
    assert as_xml["service_code"] == "water"


async def test_the_client_lists_requests_of_the_last_90_days(
    served: Served, reported: Reported
) -> None:
    requests = await read(served.client().get_service_requests)
    assert [r["service_request_id"] for r in requests] == [
        reported.mms.reference,
        reported.roads.reference,
        reported.water.reference,
    ]
    water = requests[2]
    assert water == {
        "service_request_id": reported.water.reference,
        "status": "open",
        "status_notes": None,
        "service_name": "Water supply",
        "service_code": "water",
        "description": "The well is dry",
        "agency_responsible": "Barpy ayil aimak",
        "requested_datetime": water["requested_datetime"],
        "updated_datetime": water["updated_datetime"],
        "address": None,  # the resident typed "Lenin st. 5" and shared a point: never public
        "lat": None,
        "long": None,
    }
    assert water["requested_datetime"].endswith("Z") and "T" in water["requested_datetime"]
    assert requests[1]["status"] == "closed"
    as_xml = await read(served.client("xml").get_service_requests)
    assert [r["service_request_id"] for r in as_xml] == [r["service_request_id"] for r in requests]


async def test_the_client_fetches_one_request_by_its_reference(
    served: Served, reported: Reported
) -> None:
    one = await read(served.client().get_service_request, reported.roads.reference)
    assert one["service_request_id"] == reported.roads.reference and one["status"] == "closed"
    assert one["status_notes"] == "Fixed. Questions: ***"
    by_number = await read(served.client("xml").get_service_request, str(reported.roads.id))
    assert by_number["service_request_id"] == reported.roads.reference
    assert by_number["status_notes"] == "Fixed. Questions: ***"


async def test_filters_select_requests(served: Served, reported: Reported) -> None:
    client = served.client()

    async def ids(**filters: str) -> list[str]:
        return [r["service_request_id"] for r in await read(client.get_service_requests, **filters)]

    water, roads, mms, old = (
        reported.water.reference,
        reported.roads.reference,
        reported.mms.reference,
        reported.old.reference,
    )
    assert await ids(status="open") == [mms, water]
    assert await ids(status="closed") == [roads]
    assert await ids(status="open,closed") == [mms, roads, water]
    assert await ids(service_code="water") == [water]
    assert await ids(service_code="water,roads_lighting") == [mms, roads, water]
    # ids override the other filters, the 90 days included
    assert await ids(service_request_id=f"{old},{water}", status="closed") == [water, old]
    assert await ids(start_date="2000-01-01T00:00:00Z") == []
    assert await ids(end_date="2000-01-01T00:00:00+06:00") == []
    assert await ids(start_date=_days_ago(150), end_date=_days_ago(100)) == [old]
    home = await read(served.client(jurisdiction=HOME).get_service_requests)
    assert [r["service_request_id"] for r in home] == [roads, water]
    elsewhere = await read(served.client(jurisdiction=ELSEWHERE).get_service_requests)
    assert [r["agency_responsible"] for r in elsewhere] == ["Pokrovka ayil aimak"]


async def test_malformed_filters_are_the_spec_errors(served: Served, reported: Reported) -> None:
    async with httpx.AsyncClient(base_url=served.url) as http:
        for params, words in [
            ({"status": "pending"}, "status must be open or closed"),
            ({"service_code": "potholes"}, "unknown service_code"),
            ({"start_date": "yesterday"}, "start_date is not an ISO 8601 time"),
            ({"start_date": _days_ago(200), "end_date": _days_ago(1)}, "more than 90 days"),
            ({"start_date": _days_ago(1), "end_date": _days_ago(2)}, "before start_date"),
            ({"jurisdiction_id": "ATLANTIS"}, "unknown jurisdiction_id"),
            ({"service_request_id": "N-12x"}, "is not a request id"),
        ]:
            response = await http.get("/requests.json", params=params)
            assert response.status_code == 400, params
            [error] = response.json()
            assert error["code"] == 400 and words in error["description"], params


async def test_at_most_1000_requests_newest_first(app, served: Served) -> None:

    from models.base import utcnow

    async with app.sessions() as session, session.begin():
        category = await session.scalar(select(Category).where(Category.code == "water"))
        place = await session.scalar(select(Municipality).where(Municipality.code == HOME))
        now = utcnow()
        session.add_all(
            Need(
                municipality_id=place.id,
                category_id=category.id,
                reporter_id=None,
                language="en",
                description=f"need {i}",
                created_at=now - timedelta(minutes=i),
            )
            for i in range(1001)
        )
    requests = await read(served.client().get_service_requests)
    assert len(requests) == 1000
    assert requests[0]["description"] == "need 0" and requests[-1]["description"] == "need 999"


def _days_ago(days: int) -> str:
    return (utcnow() - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")
