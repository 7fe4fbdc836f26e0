"""The XML answers: well-formed UTF-8 with the spec's element names, text escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import httpx
from sqlalchemy import select

from handlers.needs.open311.xml import xml_document
from models import Need
from tests.handlers.needs.open311.conftest import Reported, Served

SERVICE = ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"]
REQUEST = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "requested_datetime",
    "updated_datetime",
    "address",
    "lat",
    "long",
]


async def fetch(served: Served, path: str) -> ET.Element:
    async with httpx.AsyncClient(base_url=served.url) as http:
        response = await http.get(path)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(response.content)


async def test_discovery(served: Served) -> None:
    root = await fetch(served, "/discovery.xml")
    assert root.tag == "discovery"
    assert [child.tag for child in root] == ["changeset", "contact", "key_service", "endpoints"]
    [endpoint] = root.findall("endpoints/endpoint")
    assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint.findtext("url") == served.url
    assert [f.text for f in endpoint.findall("formats/format")] == ["text/xml", "application/json"]


async def test_services_and_a_definition(served: Served) -> None:
    root = await fetch(served, "/services.xml?locale=ky")
    assert root.tag == "services" and len(root.findall("service")) == 14
    water = next(s for s in root.findall("service") if s.findtext("service_code") == "water")
    assert [child.tag for child in water] == SERVICE
    assert water.findtext("service_name") == "Суу менен камсыздоо"
    definition = await fetch(served, "/services/water.xml")
    assert definition.tag == "service_definition"
    assert definition.findtext("service_code") == "water"
    assert definition.find("attributes") is not None and len(definition.find("attributes")) == 0


async def test_requests_escape_what_residents_type(app, served: Served, reported: Reported) -> None:
    typed = 'Pipes <broken> & "leaking"\x01 — суу жок'
    async with app.sessions() as session, session.begin():
        need = await session.get(Need, reported.water.id)
        need.description = typed
    root = await fetch(served, "/requests.xml")
    assert root.tag == "service_requests"
    requests = root.findall("request")
    assert len(requests) == 3 and all([c.tag for c in r] == REQUEST for r in requests)
    water = next(r for r in requests if r.findtext("service_code") == "water")
    assert water.findtext("description") == typed.replace("\x01", "")
    assert water.findtext("lat") == "" and water.findtext("status") == "open"  # never public
    one = await fetch(served, f"/requests/{reported.water.reference}.xml")
    assert one.find("request/service_request_id").text == reported.water.reference
    async with app.sessions() as session:
        assert (await session.scalar(select(Need.description).where(Need.id == need.id))) == typed


def test_documents_carry_lists_as_repeated_elements() -> None:
    document = xml_document("errors", [{"code": 400, "description": "a < b & c"}], "error")
    root = ET.fromstring(document)
    assert root.tag == "errors" and root.find("error/code").text == "400"
    assert root.find("error/description").text == "a < b & c"
    assert b"a &lt; b &amp; c" in document
