"""POSTing requests as an outside app does, over plain HTTP: form-encoded and JSON bodies,
JSON and XML answers, and every refusal in the spec's format and status."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta, timezone

import httpx
from sqlalchemy import select

from handlers.needs.open311.keys import revoke_api_key
from handlers.needs.open311.serializers import w3_datetime
from models import AuditEvent, Need
from tests.factories import HOME
from tests.handlers.needs.open311.conftest import Served

NEW = {
    "service_code": "water",
    "jurisdiction_id": HOME,
    "description": "The pump at the school has been broken for a week",
    "address_string": "School No. 3, Barpy",
    "lat": "41.0801",
    "long": "72.9903",
    "media_url": "https://portal.example.kg/photos/17.jpg",
    # personal fields of the spec: accepted and never stored
    "first_name": "Aigerim",
    "last_name": "Toktogulova",
    "email": "aigerim@example.kg",
    "phone": "+996555123456",
}


async def test_a_form_encoded_post_creates_a_need_without_a_reporter(
    app, served: Served, api_key: str
) -> None:
    async with httpx.AsyncClient(base_url=served.url) as http:
        response = await http.post("/requests.json", data={**NEW, "api_key": api_key})
    assert response.status_code == 200, response.text
    [created] = response.json()
    assert created["service_request_id"].startswith("N-")
    assert created["service_notice"] == (
        f"Thank you! Your report has been sent to the municipality. "
        f"Its number is {created['service_request_id']}."
    )
    async with app.sessions() as session:
        [need] = (await session.scalars(select(Need))).all()
        events = (await session.scalars(select(AuditEvent))).all()
    assert need.reference == created["service_request_id"] and need.reporter_id is None
    assert (need.description, need.place, need.latitude, need.longitude, need.photo_ref) == (
        NEW["description"],
        NEW["address_string"],
        41.0801,
        72.9903,
        NEW["media_url"],
    )
    assert need.language == "en" and need.status == "new"
    assert [(e.person_id, e.action, e.outcome, e.detail) for e in events][-1] == (
        None,
        "open311_request",
        "ok",
        f"need={need.id} api_key=city-portal",
    )


async def test_a_json_post_answered_in_xml_then_read_back(served: Served, api_key: str) -> None:
    body = {
        "api_key": api_key,
        "service_code": "roads_lighting",
        "jurisdiction_id": HOME.lower(),
        "description": "Street lights are off",
        "lat": 41.08,
        "long": 72.99,
    }
    async with httpx.AsyncClient(base_url=served.url) as http:
        response = await http.post("/requests.xml", json=body, params={"locale": "ru"})
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/xml")
        root = ET.fromstring(response.content)
        assert root.tag == "service_requests"
        [request] = root.findall("request")
        reference = request.findtext("service_request_id")
        assert "Спасибо" in request.findtext("service_notice")
        listed = (await http.get("/requests.json", params={"locale": "ru"})).json()
        one = (await http.get(f"/requests/{reference}.json")).json()
    assert [r["service_request_id"] for r in listed] == [reference]
    assert listed[0]["service_name"] == "Дороги и освещение" and listed[0]["status"] == "open"
    assert one[0]["description"] == "Street lights are off" and one[0]["address"] is None
    assert "media_url" not in one[0]


async def test_a_photo_an_app_sent_is_public(served: Served, api_key: str) -> None:
    async with httpx.AsyncClient(base_url=served.url) as http:
        [created] = (await http.post("/requests.json", data={**NEW, "api_key": api_key})).json()
        one = (await http.get(f"/requests/{created['service_request_id']}.json")).json()
    assert one[0]["media_url"] == NEW["media_url"]


async def test_bad_missing_and_revoked_keys_are_403(app, served: Served, api_key: str) -> None:
    async with httpx.AsyncClient(base_url=served.url) as http:
        wrong = await http.post("/requests.json", data={**NEW, "api_key": api_key + "x"})
        missing = await http.post("/requests.xml", data=NEW)
        in_url = await http.post("/requests.json", params={"api_key": api_key}, data=NEW)
        async with app.sessions() as session, session.begin():
            await revoke_api_key(session, "city-portal")
        revoked = await http.post("/requests.json", data={**NEW, "api_key": api_key})
    assert wrong.status_code == missing.status_code == in_url.status_code == 403
    assert wrong.json() == [{"code": 403, "description": "api_key is missing or not valid"}]
    error = ET.fromstring(missing.content).find("error")
    assert error.findtext("code") == "403" and "api_key" in error.findtext("description")
    assert revoked.status_code == 403
    assert revoked.json()[0]["description"] == "this api_key has been revoked"
    async with app.sessions() as session:
        assert (await session.scalars(select(Need))).all() == []
        refused = await session.scalar(select(AuditEvent).where(AuditEvent.outcome == "refused"))
    assert (refused.action, refused.detail) == ("open311_request", "api_key=city-portal")


async def test_invalid_fields_are_400_and_save_nothing(app, served: Served, api_key: str) -> None:
    cases = [
        ({"service_code": "potholes"}, "unknown service_code 'potholes'"),
        ({"service_code": ""}, "service_code is required"),
        ({"jurisdiction_id": "", "lat": "", "long": ""}, "jurisdiction_id is required"),
        ({"jurisdiction_id": "ATLANTIS"}, "unknown jurisdiction_id"),
        ({"jurisdiction_id": "JA"}, "is a region"),
        ({"description": " "}, "description is required"),
        ({"description": "x" * 4001}, "longer than 4000"),
        ({"lat": "", "long": "", "address_string": ""}, "a location is required"),
        ({"long": ""}, "lat and long go together"),
        ({"lat": "north"}, "lat must be a number"),
        ({"long": "200"}, "long must be between -180 and 180"),
        ({"media_url": "AgACAgIAAxkBAAIB"}, "media_url must be an http(s) URL"),
    ]
    async with httpx.AsyncClient(base_url=served.url) as http:
        for change, words in cases:
            response = await http.post("/requests.json", data={**NEW, **change, "api_key": api_key})
            assert response.status_code == 400, change
            [error] = response.json()
            assert error["code"] == 400 and words in error["description"], (change, error)
        not_json = await http.post(
            "/requests.xml", content=b"{oops", headers={"Content-Type": "application/json"}
        )
        assert not_json.status_code == 400 and b"<code>400</code>" in not_json.content
    async with app.sessions() as session:
        assert (await session.scalars(select(Need))).all() == []


async def test_unknown_ids_and_formats_are_404(served: Served, api_key: str) -> None:
    async with httpx.AsyncClient(base_url=served.url) as http:
        unknown = await http.get("/requests/N-999999.json")
        unknown_xml = await http.get("/requests/999999.xml")
        not_an_id = await http.get("/requests/hello.json")
        csv = await http.get("/services.csv")
        posted_csv = await http.post("/requests.csv", data={**NEW, "api_key": api_key})
        nothing = await http.get("/services")
    assert unknown.status_code == 404
    assert unknown.json() == [{"code": 404, "description": "no such service request"}]
    assert unknown_xml.status_code == 404
    assert ET.fromstring(unknown_xml.content).find("error/code").text == "404"
    assert not_an_id.status_code == csv.status_code == posted_csv.status_code == 404
    assert "unknown format 'csv'" in csv.json()[0]["description"]
    assert nothing.status_code == 404 and nothing.json()[0]["code"] == 404


def test_times_are_utc() -> None:
    bishkek = datetime(2025, 3, 1, 12, 0, tzinfo=timezone(timedelta(hours=6)))
    assert w3_datetime(bishkek) == "2025-03-01T06:00:00Z"
    assert w3_datetime(bishkek.astimezone(UTC)) == "2025-03-01T06:00:00Z"
